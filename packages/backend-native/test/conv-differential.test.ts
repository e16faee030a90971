import * as nt from '@neurite/tensor';
import { Generator, setBackend, type Tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import './setup.ts';

/*
 * conv2d, its gradients and the pools on random geometries: native against js. Both compute the
 * same sums in a different order (native: single-precision GEMM for float32, js: double
 * accumulators), so each float32 result may be off by about K·u·Σ|terms| (u = 2^-24, K terms);
 * the tolerance is twice that bound, from the sum of |terms| computed in float64 on |x| and |W|.
 */

interface Geometry {
  x: number[];
  w: number[];
  options: nt.Conv2dOptions;
}

function randomGeometry(g: Generator): Geometry {
  const pick = <T>(xs: readonly T[]) => xs[g.randint(0, xs.length)[0]];
  const f: [number, number] = [g.randint(1, 4)[0], g.randint(1, 4)[0]];
  const dilation: [number, number] = [g.randint(1, 3)[0], g.randint(1, 3)[0]];
  const span = (i: 0 | 1) => dilation[i] * (f[i] - 1) + 1;
  const H = span(0) + g.randint(0, 12)[0];
  const W = span(1) + g.randint(0, 12)[0];
  const C = pick([1, 2, 3, 8, 17]);
  const F = pick([1, 4, 7, 16]);
  const padding = pick([
    'valid',
    'same',
    1,
    [
      [2, 0],
      [1, 3],
    ],
  ] as const);
  return {
    x: [g.randint(1, 5)[0], H, W, C],
    w: [...f, C, F],
    options: { stride: [g.randint(1, 4)[0], g.randint(1, 3)[0]], dilation, padding },
  };
}

function bounded(native: Tensor, js: Tensor, scale: Tensor, terms: number, label: string) {
  const u = native.dtype === 'float32' ? 2 ** -24 : 2 ** -53;
  expect(native.shape).toEqual(js.shape);
  for (let i = 0; i < js.size; i++) {
    const bound = 2 * (terms + 2) * u * scale.data[i] + 1e-300;
    if (!(Math.abs(native.data[i] - js.data[i]) <= bound)) {
      throw new Error(`${label}[${i}]: native ${native.data[i]}, js ${js.data[i]}, bound ${bound}`);
    }
  }
}

for (const dtype of ['float32', 'float64'] as const) {
  describe(`conv2d native vs js, ${dtype}`, () => {
    for (let seed = 1; seed <= 30; seed++) {
      it(`random geometry ${seed}`, () => {
        const g = new Generator(seed);
        const { x: xs, w: ws, options } = randomGeometry(g);
        const x = g.uniform(-1, 1, xs, dtype);
        const W = g.uniform(-1, 1, ws, dtype);
        setBackend('js');
        const Z = nt.conv2d(x, W, options);
        const dZ = g.uniform(-1, 1, Z.shape, dtype);
        const dx = nt.conv2dBackpropInput(dZ, W, xs, options);
        const dW = nt.conv2dBackpropFilter(x, dZ, ws, options);
        const abs = (t: Tensor) => nt.abs(nt.cast(t, 'float64'));
        const sZ = nt.conv2d(abs(x), abs(W), options);
        const sdx = nt.conv2dBackpropInput(abs(dZ), abs(W), xs, options);
        const sdW = nt.conv2dBackpropFilter(abs(x), abs(dZ), ws, options);
        setBackend('native-all');
        const [fH, fW, C, F] = ws;
        bounded(nt.conv2d(x, W, options), Z, sZ, fH * fW * C, `${JSON.stringify({ xs, ws, options })} Z`);
        bounded(nt.conv2dBackpropInput(dZ, W, xs, options), dx, sdx, fH * fW * F, 'dA_prev');
        bounded(nt.conv2dBackpropFilter(x, dZ, ws, options), dW, sdW, Z.size / F, 'dW');
        // Pools: a maximum is exact; an average has at most f·f terms below 1.
        const pool = { poolSize: [Math.min(2, xs[1]), Math.min(3, xs[2])] as [number, number], stride: [1, 2] as [number, number] };
        const nativeMax = nt.maxPool2d(x, pool);
        setBackend('js');
        expect(Array.from(nativeMax.data)).toEqual(Array.from(nt.maxPool2d(x, pool).data));
        setBackend('native-all');
        const avg = nt.avgPool2d(x, pool);
        const dA = g.uniform(-1, 1, avg.shape, dtype);
        const back = nt.maxPool2dBackward(dA, x, pool);
        const backAvg = nt.avgPool2dBackward(dA, xs, pool);
        setBackend('js');
        const tol = 16 * (dtype === 'float32' ? 2 ** -24 : 2 ** -53);
        for (const [a, b] of [
          [avg, nt.avgPool2d(x, pool)],
          [back, nt.maxPool2dBackward(dA, x, pool)],
          [backAvg, nt.avgPool2dBackward(dA, xs, pool)],
        ]) {
          for (let i = 0; i < a.size; i++) expect(Math.abs(a.data[i] - b.data[i])).toBeLessThanOrEqual(tol);
        }
      });
    }
  });
}
