import * as nt from '@neurite/tensor';
import { Generator, setBackend, type Tensor } from '@neurite/tensor';

/**
 * Seeded random op sequences run on the js backend (the specification) and on the wasm
 * one, step by step. Shapes go up to 120x300 so the threaded and broadcast paths of the
 * kernels run too. Agreement: 3.6e-5 (float32, see below) and 1e-12 (float64) relative to the step's
 * largest magnitude, so cancellation in a sum does not count as disagreement.
 */
type Step = (z: Tensor, g: Generator, dtype: 'float32' | 'float64') => Tensor;

const bounded = (z: Tensor) => nt.clip(z, -20, 20);
const STEPS: [string, Step][] = [
  ['tanh', (z) => nt.tanh(z)],
  ['sigmoid', (z) => nt.sigmoid(z)],
  ['relu', (z) => nt.relu(z)],
  ['leakyRelu', (z) => nt.leakyRelu(z, 0.1)],
  ['exp', (z) => nt.exp(nt.clip(z, -5, 5))],
  ['log', (z) => nt.log(nt.add(nt.abs(z), 1))],
  ['sqrt', (z) => nt.sqrt(nt.add(nt.square(z), 0.5))],
  ['neg', (z) => nt.neg(z)],
  ['sign', (z) => nt.mul(nt.sign(z), z)],
  ['add same', (z, g, d) => nt.add(z, g.randn(z.shape, d))],
  ['sub row', (z, g, d) => nt.sub(z, g.randn([1, z.shape[1]], d))],
  ['mul col', (z, g, d) => nt.mul(z, g.randn([z.shape[0], 1], d))],
  ['div', (z, g, d) => nt.div(z, nt.add(nt.square(g.randn(z.shape, d)), 1))],
  ['maximum', (z, g, d) => nt.maximum(z, g.randn([1, z.shape[1]], d))],
  ['minimum scalar', (z) => nt.minimum(z, 0.3)],
  ['greater', (z, g, d) => nt.add(z, nt.greater(z, g.randn(z.shape, d)))],
  ['pow', (z) => nt.pow(nt.add(nt.abs(z), 0.1), 1.5)],
  ['where', (z, g, d) => nt.where(nt.greater(z, 0), z, g.randn([z.shape[0], 1], d))],
  ['clip', (z) => nt.clip(z, -0.5, 0.7)],
  ['matmul', (z, g, d) => bounded(nt.matmul(g.randn([1 + g.randint(0, 12)[0], z.shape[0]], d), z))],
  ['matmul transA', (z, g, d) => bounded(nt.matmul(g.randn([z.shape[0], 5], d), z, { transA: true }))],
  [
    'matmul transB',
    (z, g, d) => bounded(nt.matmul(nt.matmul(z, g.randn([7, z.shape[1]], d), { transB: true }), g.randn([7, z.shape[1]], d))),
  ],
  ['linear tanh', (z, g, d) => nt.linear(g.randn([6, z.shape[0]], d), z, g.randn([6, 1], d), 'tanh')],
  ['linear relu', (z, g, d) => nt.linear(g.randn([3, z.shape[0]], d), z, g.randn([3, 1], d), 'relu')],
  ['linear sigmoid no bias', (z, g, d) => nt.linear(g.randn([4, z.shape[0]], d), z, null, 'sigmoid')],
  ['sum axis 1', (z) => nt.sub(z, nt.sum(z, 1, true))],
  ['mean axis 0', (z) => nt.sub(z, nt.mean(z, 0, true))],
  ['max axis 0', (z) => nt.sub(z, nt.max(z, 0, true))],
  ['min all', (z) => nt.sub(z, nt.min(z))],
  ['softmax', (z) => nt.softmax(z, 0)],
  ['logSoftmax', (z) => bounded(nt.logSoftmax(z, 0))],
  ['tanh backward', (z, g, d) => nt.activationBackward('tanh', g.randn(z.shape, d), nt.tanh(z))],
  ['sigmoid backward', (z, g, d) => nt.activationBackward('sigmoid', g.randn(z.shape, d), nt.sigmoid(z))],
  ['relu backward', (z, g, d) => nt.activationBackward('relu', g.randn(z.shape, d), nt.relu(z))],
  ['argMax', (z) => nt.add(z, nt.cast(nt.argMax(z, 0), z.dtype as 'float32'))],
];

/**
 * One program: 8 random steps. Each step runs on both backends from the same input (the js
 * result of the step before), with its own seeded generator, so float32 rounding differences
 * are judged per op and do not compound along the chain.
 */
export function check(seed: number, dtype: 'float32' | 'float64', backend: string, tol: number): void {
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
    const got = step(z, new Generator(seed * 100 + s), dtype);
    names.push(`${name} -> [${want.shape}]`);
    if (got.shape.join() !== want.shape.join()) {
      throw new Error(`seed ${seed} step ${s} (${names.join(', ')}): shape [${got.shape}], expected [${want.shape}]`);
    }
    const d = disagreement(got, want);
    if (!(d <= tol)) throw new Error(`seed ${seed} step ${s} (${names.join(', ')}): ${d} > ${tol}`);
    z = want;
  }
}

export function disagreement(a: Tensor, b: Tensor): number {
  const scale = Math.max(1e-30, ...Array.from(b.data, Math.abs));
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]) / scale);
  return worst;
}

/**
 * float32: the wasm kernels round every partial sum of a product (mul then add: 128-bit wasm
 * SIMD has no fused multiply-add) where the js backend sums in float64 and rounds once, so a
 * K-term sum may be off by K·2^-24 of its largest partial sum; K reaches 300 here and the
 * 'matmul transB' step chains two products. Elementwise steps agree far more closely.
 */
export function tolerance(dtype: 'float32' | 'float64'): number {
  return dtype === 'float32' ? 2 * 300 * 2 ** -24 : 1e-12;
}

export interface DifferentialCase {
  name: string;
  fn: () => void;
}

/** The differential as plain cases (throwing on disagreement), for vitest, Deno and the browser. */
export function differentialCases(backends: readonly string[], programs = 60): DifferentialCase[] {
  const cases: DifferentialCase[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    const tol = tolerance(dtype);
    for (const backend of backends) {
      cases.push({
        name: `${dtype} on ${backend}: ${programs} seeded programs agree to ${tol}`,
        fn: () => {
          for (let seed = 0; seed < programs; seed++) check(seed, dtype, backend, tol);
        },
      });
    }
  }
  return cases;
}
