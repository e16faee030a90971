import type { Tensor } from '@neurite/tensor';

/** Central differences of a scalar function with respect to every entry of x (float64). */
export function numericGrad(f: () => number, x: Tensor, eps = 1e-6): Float64Array {
  const out = new Float64Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const saved = x.data[i];
    x.data[i] = saved + eps;
    const plus = f();
    x.data[i] = saved - eps;
    const minus = f();
    x.data[i] = saved;
    out[i] = (plus - minus) / (2 * eps);
  }
  return out;
}

/** ‖a − b‖ / (‖a‖ + ‖b‖), the course's gradient-check measure. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  const denom = Math.sqrt(na) + Math.sqrt(nb);
  return denom === 0 ? 0 : Math.sqrt(d) / denom;
}
