import { Generator, getBackend, setBackend } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import './setup.ts';

/**
 * The shipped backend's SGD and Adam around the 1024-parameter switch to wasm and the kernels'
 * four- (f32) and two-lane (f64) vector tails, against a float64 reference of the update rule.
 * The kernels round each step in the parameter's dtype: a few ulps of each term in float32.
 */
const SIZES = [1023, 1024, 1025, 1026, 1027, 4099];

describe('optimizer updates on the shipped wasm backend', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const u = dtype === 'float32' ? 2 ** -24 : 2 ** -53;
    for (const n of SIZES) {
      it(`sgdUpdate ${dtype} n=${n}`, () => {
        setBackend('wasm');
        const g = new Generator(n);
        const param = g.uniform(-1, 1, [n], dtype).data as Float32Array | Float64Array;
        const grad = g.uniform(-1, 1, [n], dtype).data as Float32Array | Float64Array;
        const want = Array.from(param, (p, i) => p - 0.1 * grad[i]);
        getBackend().sgdUpdate(param, grad, 0.1);
        for (let i = 0; i < n; i++) if (!(Math.abs(param[i] - want[i]) <= 4 * u)) expect.fail(`[${i}]: ${param[i]} vs ${want[i]}`);
      });
      it(`adamUpdate ${dtype} n=${n}`, () => {
        setBackend('wasm');
        const g = new Generator(n + 1);
        const param = g.uniform(-1, 1, [n], dtype).data as Float32Array | Float64Array;
        const grad = g.uniform(-1, 1, [n], dtype).data as Float32Array | Float64Array;
        const m = g.uniform(-1, 1, [n], dtype).data as Float32Array | Float64Array;
        const v = g.uniform(0, 1, [n], dtype).data as Float32Array | Float64Array;
        const s = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t: 3 };
        // The kernel takes the rates rounded to the parameters' dtype, 1 - beta1 and 1 - beta2
        // included (computed in float64 first: 1 - fround(0.999) would be 1e-5 off 0.001).
        const r = dtype === 'float32' ? Math.fround : (x: number) => x;
        const b1 = r(s.beta1);
        const b2 = r(s.beta2);
        const c1 = r(1 - s.beta1 ** s.t);
        const c2 = r(1 - s.beta2 ** s.t);
        const wantM = Array.from(m, (mi, i) => b1 * mi + r(1 - s.beta1) * grad[i]);
        const wantV = Array.from(v, (vi, i) => b2 * vi + r(1 - s.beta2) * grad[i] * grad[i]);
        const step = Array.from(param, (_, i) => (r(s.lr) * (wantM[i] / c1)) / (Math.sqrt(wantV[i] / c2) + r(s.epsilon)));
        const want = Array.from(param, (p, i) => p - step[i]);
        // Roundings of the old parameter, the result and the step's factors, and the first
        // moment's: beta1·m + (1-beta1)·g can cancel, so its error scales with its terms, not itself.
        const bound = Array.from(param, (p, i) => {
          const mTerms = b1 * Math.abs(m[i]) + r(1 - s.beta1) * Math.abs(grad[i]);
          const perM = s.lr / c1 / (Math.sqrt(wantV[i] / c2) + s.epsilon);
          return 2 * u * (Math.abs(p) + Math.abs(want[i]) + 8 * Math.abs(step[i]) + 4 * perM * mTerms);
        });
        getBackend().adamUpdate(param, grad, m, v, s);
        for (let i = 0; i < n; i++) {
          if (!(Math.abs(m[i] - wantM[i]) <= 4 * u && Math.abs(v[i] - wantV[i]) <= 4 * u)) expect.fail(`moments [${i}]: ${m[i]}, ${v[i]}`);
          if (!(Math.abs(param[i] - want[i]) <= bound[i])) expect.fail(`[${i}]: ${param[i]} vs ${want[i]}`);
        }
      });
    }
  }

  it('the moments take 1 - beta1 and 1 - beta2 rounded once, as the js backend does', () => {
    setBackend('wasm');
    const n = 1024;
    const param = new Float32Array(n);
    const grad = new Float32Array(n).fill(1);
    const m = new Float32Array(n);
    const v = new Float32Array(n);
    getBackend().adamUpdate(param, grad, m, v, { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t: 1 });
    // From zero moments and a unit gradient, m = 1 - beta1 and v = 1 - beta2 exactly;
    // 1 - fround(0.999) would be 0.00099998713, 1.3e-5 off.
    expect([m[0], m[n - 1], v[0], v[n - 1]]).toEqual([Math.fround(0.1), Math.fround(0.1), Math.fround(0.001), Math.fround(0.001)]);
  });
});
