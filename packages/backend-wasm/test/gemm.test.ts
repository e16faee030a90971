import { Generator, matmul, setBackend, type Tensor } from '@neurite/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWasmThreads, wasmInfo } from '../src/index.ts';
import './setup.ts';

/**
 * The GEMM kernel against a float64 reference, on sizes around every boundary of its blocking:
 * the 5x8 (f32) or 5x4 (f64) tile, the thin paths (fewer than 4 rows of X or columns of Y), the
 * 8-row switch to packing Y, the 64-row/column packing switch, MC = 120 rows, KC = 384 steps, the
 * transposed tile store of swapped products, with every transpose combination, on one thread and split across two, whose results
 * must be bit-identical (a part is a range of whole output tiles, each summed in the same order).
 */
const SIDES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16, 63, 64, 65, 119, 120, 121, 126];
const DEPTHS = [1, 3, 383, 384, 385, 770];

function reference(a: Tensor, b: Tensor, tA: boolean, tB: boolean): Float64Array {
  const [m, k] = tA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const n = tB ? b.shape[0] : b.shape[1];
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (tA ? a.data[p * m + i] : a.data[i * k + p]) * (tB ? b.data[j * k + p] : b.data[p * n + j]);
      out[i * n + j] = s;
    }
  return out;
}

/** Starts two threads and waits (doing large products) until the worker has joined. */
function twoThreadsRunning(): void {
  setWasmThreads(2);
  setBackend('wasm');
  const g = new Generator(1);
  const a = g.uniform(-1, 1, [200, 300], 'float32');
  const b = g.uniform(-1, 1, [300, 160], 'float32');
  const deadline = Date.now() + 30_000;
  while (wasmInfo().running < 2 && Date.now() < deadline) matmul(a, b);
  expect(wasmInfo().running).toBe(2);
}

/** One product on one thread and on two, checked against the float64 reference and against each other. */
function check(dtype: 'float32' | 'float64', g: Generator, m: number, n: number, k: number, tA: boolean, tB: boolean): void {
  const a = g.uniform(-1, 1, tA ? [k, m] : [m, k], dtype);
  const b = g.uniform(-1, 1, tB ? [n, k] : [k, n], dtype);
  setBackend('wasm-all-1t');
  const one = matmul(a, b, { transA: tA, transB: tB });
  setBackend('wasm-all');
  const two = matmul(a, b, { transA: tA, transB: tB });
  const want = reference(a, b, tA, tB);
  // Values in [-1, 1): each of the k terms rounds with relative error 2^-24 (2^-53 in
  // float64), so |error| <= k·u·Σ|a||b| <= k²·u.
  const bound = (dtype === 'float32' ? 2 ** -24 : 2 ** -53) * k * k + 1e-30;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(one.data[i] - want[i]) <= bound)) {
      expect.fail(`${dtype} m=${m} n=${n} k=${k} tA=${tA} tB=${tB} [${i}]: ${one.data[i]} vs ${want[i]}`);
    }
  }
  expect(Array.from(two.data)).toEqual(Array.from(one.data));
}

describe('wasm GEMM around its block boundaries', () => {
  beforeAll(twoThreadsRunning, 60_000);
  afterAll(() => setWasmThreads(1));

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: every transpose, tile and block edge; split across 2 threads, bit-identical to 1`, () => {
      const g = new Generator(7);
      const before = wasmInfo().parallelProducts;
      for (let t = 0; t < 120; t++) {
        const m = SIDES[t % SIDES.length];
        const n = SIDES[(t * 5 + 3) % SIDES.length] * (t % 7 === 0 ? 3 : 1);
        const k = DEPTHS[(t * 3) % DEPTHS.length];
        const tA = t % 2 === 1;
        const tB = t % 4 >= 2;
        check(dtype, g, m, n, k, tA, tB);
      }
      expect(wasmInfo().parallelProducts - before).toBe(120);
    });
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: the 5-row tile's edges (rows 4-6, 9-11, 14-16 of X, a partial last tile of a part), both layouts of C`, () => {
      const g = new Generator(11);
      // Rows of X (m, or n when a transB product is computed swapped) around multiples of MR = 5,
      // columns of Y around NR (8 in f32, 4 in f64) and 64 (packing X), depth across KC = 384.
      for (const rows of [4, 5, 6, 9, 10, 11, 14, 15, 16, 66])
        for (const cols of [4, 7, 8, 9, 17, 70])
          for (const k of [2, 385]) {
            check(dtype, g, rows, cols, k, false, false);
            check(dtype, g, cols < rows ? cols : rows, cols < rows ? rows : cols, k, true, true);
            check(dtype, g, cols, rows, k, false, true);
          }
    }, 60_000);
  }

  it('the shipped backend splits only large products', () => {
    setBackend('wasm');
    const g = new Generator(2);
    const before = wasmInfo().parallelProducts;
    matmul(g.uniform(-1, 1, [20, 30], 'float32'), g.uniform(-1, 1, [30, 40], 'float32'));
    expect(wasmInfo().parallelProducts).toBe(before);
    matmul(g.uniform(-1, 1, [200, 300], 'float32'), g.uniform(-1, 1, [300, 160], 'float32'));
    expect(wasmInfo().parallelProducts).toBe(before + 1);
  });
});
