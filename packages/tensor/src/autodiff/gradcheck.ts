import { castData } from '../ops/util.ts';
import { Tensor } from '../tensor.ts';
import { checkArray, checkFunction, checkNumber, checkTensor } from '../validate.ts';
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
  checkFunction(f, 'gradCheck', 'f');
  checkArray(args, 'gradCheck', 'args');
  for (let i = 0; i < args.length; i++) checkTensor(args[i], 'gradCheck', `args[${i}]`);
  checkNumber(epsilon, 'gradCheck', 'epsilon', { above: 0, below: 1 });
  const xs = args.map((a) => castData(a, 'float64'));
  const analytic = valueAndGrad(f)(...xs).grads;
  const numeric = xs.map(
    (x, k) =>
      new Tensor(
        numericGrad(() => f(...xs).item(), x, epsilon),
        args[k].shape,
      ),
  );
  const flat = (ts: Tensor[]) => ts.flatMap((t) => Array.from(t.data));
  return { relativeError: relativeError(flat(analytic), flat(numeric)), analytic, numeric };
}

/** Central differences (f(x+ε) − f(x−ε)) / 2ε of a scalar function for every entry of x, which it perturbs in place. */
export function numericGrad(f: () => number, x: Tensor, epsilon = 1e-6): Float64Array {
  const out = new Float64Array(x.size);
  const data = x.data;
  for (let i = 0; i < x.size; i++) {
    const saved = data[i];
    data[i] = saved + epsilon;
    const plus = f();
    data[i] = saved - epsilon;
    const minus = f();
    data[i] = saved;
    out[i] = (plus - minus) / (2 * epsilon);
  }
  return out;
}

/** ‖a − b‖ / (‖a‖ + ‖b‖), the course's gradient-check measure (0 when both are zero). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  const denom = Math.sqrt(na) + Math.sqrt(nb);
  return denom === 0 ? 0 : Math.sqrt(diff) / denom;
}
