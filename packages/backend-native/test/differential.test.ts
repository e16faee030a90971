import * as nt from '@neurite/tensor';
import { Generator, setBackend, type Tensor } from '@neurite/tensor';
import { assertWithin, gamma, UNIT_ROUNDOFF } from '@neurite/tensor/testing';
import { describe, expect, it } from 'vitest';
import { nativeCalls } from './setup.ts';

/**
 * Seeded random op sequences run on the js backend (the specification) and on the native
 * one, step by step. Shapes go up to 120x300 so the threaded and broadcast paths of the
 * kernels run too.
 *
 * Agreement is judged per element against a bound on what two correct implementations may
 * differ by (both err, so every bound counts two; u = 2^-24 or 2^-53):
 * - elementwise steps (up to 3 rounded operations, each within 4 ulps = 8u): 2·3·8u of the
 *   step's scale max(1, |input|, |result|), so a result that cancels to near zero (1 − tanh²,
 *   a − b) is judged against its operands;
 * - products and sums: γ_{K+1} of Σ|terms| per element (gemmErrorBound, gamma), which grows
 *   with K: a float32 sum of 300 terms may legitimately differ by 1.8e-5 of Σ|terms|, so no
 *   fixed tolerance relative to the result can hold on every CPU's kernels.
 */
/** A step's result and, for products and sums, Σ|terms| per element and the number of terms. */
type Result = { out: Tensor; sums?: Float64Array; terms?: number };
type Step = (z: Tensor, g: Generator, dtype: FloatDType) => Result;
type FloatDType = 'float32' | 'float64';

const bounded = (z: Tensor) => nt.clip(z, -20, 20);
const abs64 = (t: Tensor) => nt.abs(nt.cast(t, 'float64'));
/** |op(A)|·|op(B)|, the magnitudes a product sums, in float64. */
const gemmSums = (A: Tensor, B: Tensor, options: { transA?: boolean; transB?: boolean } = {}) =>
  Float64Array.from(nt.matmul(abs64(A), abs64(B), options).data);
const withBound = (out: Tensor, sums: Float64Array, terms: number): Result => ({ out, sums, terms });
const plain = (out: Tensor): Result => ({ out });
const ones = (z: Tensor) => new Float64Array(z.size).fill(1);

const STEPS: [string, Step][] = [
  ['tanh', (z) => plain(nt.tanh(z))],
  ['sigmoid', (z) => plain(nt.sigmoid(z))],
  ['relu', (z) => plain(nt.relu(z))],
  ['leakyRelu', (z) => plain(nt.leakyRelu(z, 0.1))],
  ['exp', (z) => plain(nt.exp(nt.clip(z, -5, 5)))],
  ['log', (z) => plain(nt.log(nt.add(nt.abs(z), 1)))],
  ['sqrt', (z) => plain(nt.sqrt(nt.add(nt.square(z), 0.5)))],
  ['neg', (z) => plain(nt.neg(z))],
  ['sign', (z) => plain(nt.mul(nt.sign(z), z))],
  ['add same', (z, g, d) => plain(nt.add(z, g.randn(z.shape, d)))],
  ['sub row', (z, g, d) => plain(nt.sub(z, g.randn([1, z.shape[1]], d)))],
  ['mul col', (z, g, d) => plain(nt.mul(z, g.randn([z.shape[0], 1], d)))],
  ['div', (z, g, d) => plain(nt.div(z, nt.add(nt.square(g.randn(z.shape, d)), 1)))],
  ['maximum', (z, g, d) => plain(nt.maximum(z, g.randn([1, z.shape[1]], d)))],
  ['minimum scalar', (z) => plain(nt.minimum(z, 0.3))],
  ['greater', (z, g, d) => plain(nt.add(z, nt.greater(z, g.randn(z.shape, d))))],
  ['pow', (z) => plain(nt.pow(nt.add(nt.abs(z), 0.1), 1.5))],
  ['where', (z, g, d) => plain(nt.where(nt.greater(z, 0), z, g.randn([z.shape[0], 1], d)))],
  ['clip', (z) => plain(nt.clip(z, -0.5, 0.7))],
  [
    'matmul',
    (z, g, d) => {
      const A = g.randn([1 + g.randint(0, 12)[0], z.shape[0]], d);
      return withBound(bounded(nt.matmul(A, z)), gemmSums(A, z), z.shape[0] + 1);
    },
  ],
  [
    'matmul transA',
    (z, g, d) => {
      const A = g.randn([z.shape[0], 5], d);
      return withBound(bounded(nt.matmul(A, z, { transA: true })), gemmSums(A, z, { transA: true }), z.shape[0] + 1);
    },
  ],
  [
    // (z·R1ᵀ)·R2: the first product's error reaches the result through |R2|, so the terms of
    // both are bounded by (|z|·|R1|ᵀ)·|R2|, with K the sum of both inner dimensions.
    'matmul transB',
    (z, g, d) => {
      const R1 = g.randn([7, z.shape[1]], d);
      const R2 = g.randn([7, z.shape[1]], d);
      const inner = nt.matmul(abs64(z), abs64(R1), { transB: true });
      const sums = Float64Array.from(nt.matmul(inner, abs64(R2)).data);
      return withBound(bounded(nt.matmul(nt.matmul(z, R1, { transB: true }), R2)), sums, z.shape[1] + 7 + 2);
    },
  ],
  ['linear tanh', (z, g, d) => linearStep(z, g.randn([6, z.shape[0]], d), g.randn([6, 1], d), 'tanh')],
  ['linear relu', (z, g, d) => linearStep(z, g.randn([3, z.shape[0]], d), g.randn([3, 1], d), 'relu')],
  ['linear sigmoid no bias', (z, g, d) => linearStep(z, g.randn([4, z.shape[0]], d), null, 'sigmoid')],
  [
    'sum axis 1',
    (z) => withBound(nt.sub(z, nt.sum(z, 1, true)), Float64Array.from(nt.add(abs64(z), nt.sum(abs64(z), 1, true)).data), z.shape[1] + 1),
  ],
  [
    'mean axis 0',
    (z) => withBound(nt.sub(z, nt.mean(z, 0, true)), Float64Array.from(nt.add(abs64(z), nt.mean(abs64(z), 0, true)).data), z.shape[0] + 2),
  ],
  ['max axis 0', (z) => plain(nt.sub(z, nt.max(z, 0, true)))],
  ['min all', (z) => plain(nt.sub(z, nt.min(z)))],
  // p = e^(z − max) / Σ e^(z − max) ≤ 1: the sum of n exponentials errs by γ_n relative, and
  // the exponential and the division round once more each, so each p errs by γ_{n+2}·p ≤ γ_{n+2}.
  ['softmax', (z) => withBound(nt.softmax(z, 0), ones(z), z.shape[0] + 2)],
  // z − max − log Σ e^(z − max): log turns the sum's relative error γ_{n+1} into an absolute one.
  ['logSoftmax', (z) => withBound(bounded(nt.logSoftmax(z, 0)), ones(z), z.shape[0] + 2)],
  ['tanh backward', (z, g, d) => plain(nt.activationBackward('tanh', g.randn(z.shape, d), nt.tanh(z)))],
  ['sigmoid backward', (z, g, d) => plain(nt.activationBackward('sigmoid', g.randn(z.shape, d), nt.sigmoid(z)))],
  ['relu backward', (z, g, d) => plain(nt.activationBackward('relu', g.randn(z.shape, d), nt.relu(z)))],
  ['argMax', (z) => plain(nt.add(z, nt.cast(nt.argMax(z, 0), z.dtype as 'float32')))],
];

/** g(W·z + b) with g 1-Lipschitz: the terms are |W|·|z| + |b|. */
function linearStep(z: Tensor, W: Tensor, b: Tensor | null, act: 'tanh' | 'relu' | 'sigmoid') {
  const terms = nt.matmul(abs64(W), abs64(z));
  const sums = Float64Array.from((b ? nt.add(terms, abs64(b)) : terms).data);
  return withBound(nt.linear(W, z, b, act), sums, z.shape[0] + 2);
}

/**
 * One program: 8 random steps. Each step runs on both backends from the same input (the js
 * result of the step before), with its own seeded generator, so float32 rounding differences
 * are judged per op and do not compound along the chain.
 */
function check(seed: number, dtype: FloatDType, backend: string): void {
  const g = new Generator(seed);
  const big = g.random() < 0.3;
  const n = 1 + g.randint(0, big ? 120 : 12)[0];
  const m = 1 + g.randint(0, big ? 300 : 40)[0];
  let z = g.randn([n, m], dtype);
  const names: string[] = [];
  for (let s = 0; s < 8; s++) {
    const [name, step] = STEPS[g.randint(0, STEPS.length)[0]];
    setBackend('js');
    const want = step(z, new Generator(seed * 100 + s), dtype);
    setBackend(backend);
    const got = step(z, new Generator(seed * 100 + s), dtype).out;
    setBackend('js');
    names.push(`${name} -> [${want.out.shape}]`);
    expect(got.shape).toEqual(want.out.shape);
    try {
      assertWithin(got, want.out, allowed(z, want, dtype));
    } catch (error) {
      expect.fail(`seed ${seed} step ${s} (${names.join(', ')}): ${(error as Error).message}`);
    }
    z = want.out;
  }
}

/** Per element, what two correct backends may differ by: 2·(elementwise part + γ_terms·Σ|terms|). */
function allowed(z: Tensor, want: Result, dtype: FloatDType): Float64Array {
  const u = UNIT_ROUNDOFF[dtype];
  const scale = Math.max(1, ...Array.from(z.data, Math.abs), ...Array.from(want.out.data, Math.abs));
  const bound = new Float64Array(want.out.size).fill(2 * 3 * 8 * u * scale);
  const { sums, terms = 0 } = want;
  if (sums) for (let i = 0; i < bound.length; i++) bound[i] += 2 * gamma(terms, dtype) * sums[i];
  return bound;
}

describe('differential: random op sequences, js vs native', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const backend of ['native-all', 'native']) {
      it(`${dtype} on ${backend}: 60 seeded programs agree within their error bounds`, () => {
        const before = nativeCalls.count;
        for (let seed = 0; seed < 60; seed++) check(seed, dtype, backend);
        if (backend === 'native-all') expect(nativeCalls.count - before).toBeGreaterThan(500);
      });
    }
  }

  it('a wrong kernel would be caught: a product off by 1e-4 of its value exceeds the float32 bound', () => {
    const g = new Generator(7);
    const z = g.randn([40, 300], 'float32');
    const step = STEPS.find(([name]) => name === 'matmul transA')?.[1] as Step;
    const want = step(z, new Generator(1), 'float32');
    const wrong = nt.mul(want.out, 1 + 1e-4);
    expect(() => assertWithin(wrong, want.out, allowed(z, want, 'float32'))).toThrow(/bound/);
    expect(() => assertWithin(want.out, want.out, allowed(z, want, 'float32'))).not.toThrow();
  });
});
