import { ValueError } from '../errors.ts';
import { castData } from '../ops/util.ts';
import { Tensor } from '../tensor.ts';
import { valueAndGrad } from './grad.ts';

export interface GradCheckResult {
  /** ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖), the course's measure. */
  relativeError: number;
  analytic: Tensor[];
  numeric: Tensor[];
}

/**
 * Compares autodiff's gradient of f with central differences (f(x+ε) − f(x−ε)) / 2ε,
 * in float64. The course calls a relative error below 1e-7 great and above 1e-3 wrong.
 */
export function gradCheck(f: (...args: Tensor[]) => Tensor, args: Tensor[], epsilon = 1e-6): GradCheckResult {
  if (!(epsilon > 0)) throw new ValueError(`gradCheck: epsilon must be positive, received ${epsilon}`);
  const xs = args.map((a) => castData(a, 'float64'));
  const analytic = valueAndGrad(f)(...xs).grads;
  const numeric = xs.map((x, k) => {
    const out = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const data = x.data as Float64Array;
      const saved = data[i];
      data[i] = saved + epsilon;
      const plus = f(...xs).item();
      data[i] = saved - epsilon;
      const minus = f(...xs).item();
      data[i] = saved;
      out[i] = (plus - minus) / (2 * epsilon);
    }
    return new Tensor(out, args[k].shape);
  });
  let diff = 0;
  let na = 0;
  let nn = 0;
  analytic.forEach((g, k) => {
    for (let i = 0; i < g.size; i++) {
      diff += (g.data[i] - numeric[k].data[i]) ** 2;
      na += g.data[i] ** 2;
      nn += numeric[k].data[i] ** 2;
    }
  });
  const denom = Math.sqrt(na) + Math.sqrt(nn);
  return { relativeError: denom === 0 ? 0 : Math.sqrt(diff) / denom, analytic, numeric };
}
