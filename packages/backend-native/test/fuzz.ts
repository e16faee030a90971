import * as nt from '@neurite/tensor';
import { Generator, setBackend, type Tensor } from '@neurite/tensor';

/**
 * A differential fuzz of the public ops: seeded random programs run on the js backend (the
 * specification) and on a native one, op by op. Each op gets the same inputs on both (the js
 * result of the op before), so rounding differences are judged per op and do not compound.
 *
 * Shapes have rank 0 to 4 and dimensions drawn from the sizes where the kernels change their
 * plan (1, powers of two and their neighbours, the 16,384-element chunks and 32,768-element
 * thread threshold, the course's 12288 and 60000), up to `maxElements` per tensor; axes,
 * broadcast partners, transpose flags and activations are random, and some inputs hold NaN,
 * ±Infinity and signed zeros.
 *
 * A program fails when an op throws on one backend only (or throws different errors), when the
 * shapes differ, when NaN or infinities differ, or when a finite value differs by more than the
 * op's rounding-error bound (`tolerance` below, derived per op from both backends' arithmetic).
 */
export interface FuzzOptions {
  /** Largest tensor a program makes. */
  maxElements: number;
  /** Largest matmul, in multiply-adds (the js backend computes it too). */
  maxFlops: number;
  /** Ops per program. */
  steps: number;
}

export const TEST_OPTIONS: FuzzOptions = { maxElements: 70_000, maxFlops: 4e6, steps: 6 };
export const FULL_OPTIONS: FuzzOptions = { maxElements: 400_000, maxFlops: 4e7, steps: 8 };

type DType = 'float32' | 'float64';

export interface Failure {
  seed: number;
  dtype: DType;
  step: number;
  /** The program up to and including the failing op. */
  program: string[];
  problem: string;
}

const DIMS = [
  1, 1, 2, 3, 4, 5, 7, 8, 10, 15, 16, 17, 20, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 209, 255, 256, 257, 300, 511, 512, 513, 1000,
  1023, 1024, 1025, 2047, 2048, 2049, 4097, 12288, 16383, 16384, 16385, 20000, 32767, 32768, 32769, 60000,
];

/** An op drawn for one step: what it is, how to run it, and how far the backends may differ. */
export interface Step {
  name: string;
  run: () => Tensor;
  /** Per-element allowed |native - js|, given the js result. */
  tolerance: (want: Tensor) => ArrayLike<number> | number;
}

class Draw {
  readonly g: Generator;
  constructor(seed: number) {
    this.g = new Generator(seed);
  }
  int(lo: number, hi: number): number {
    return this.g.randint(lo, hi)[0];
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length)];
  }
  chance(p: number): boolean {
    return this.g.random() < p;
  }
  /** A shape of `rank` dims with at most `budget` elements. */
  shape(rank: number, budget: number): number[] {
    const shape: number[] = [];
    let left = budget;
    for (let i = 0; i < rank; i++) {
      const fits = DIMS.filter((d) => d <= left);
      const d = this.pick(fits);
      shape.push(d);
      left = Math.floor(left / d);
    }
    // Shuffle, so the large dimension is not always first.
    for (let i = shape.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      [shape[i], shape[j]] = [shape[j], shape[i]];
    }
    return shape;
  }
  /**
   * A shape of `rank` dims whose size is near `target`: small random dims and one that makes up
   * the rest, so the big programs land on both sides of the kernels' split points.
   */
  bigShape(rank: number, target: number): number[] {
    const shape = this.shape(Math.max(0, rank - 1), 64);
    shape.push(Math.max(1, Math.round(target / size(shape))));
    const at = this.int(0, shape.length);
    [shape[at], shape[shape.length - 1]] = [shape[shape.length - 1], shape[at]];
    return shape;
  }
  axis(rank: number): number {
    return this.int(0, rank);
  }
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
export const unit = (dtype: DType) => (dtype === 'float32' ? 2 ** -24 : 2 ** -53);
const f64u = 2 ** -53;

/** Random values with, now and then, NaN, ±Infinity, ±0 and large magnitudes among them. */
function values(d: Draw, shape: readonly number[], dtype: DType, specials: boolean): Tensor {
  const t = d.g.randn(shape, dtype);
  const scale = d.pick([0.1, 1, 1, 3, 30]);
  const data = t.data as Float32Array | Float64Array;
  for (let i = 0; i < data.length; i++) data[i] *= scale;
  if (specials && data.length > 0) {
    const extra = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1e30, -1e-30];
    for (let k = d.int(1, 4); k > 0; k--) data[d.int(0, data.length)] = d.pick(extra);
  }
  return t;
}

/** Σ|x| over the axes, with the js backend: the magnitude a sum's rounding error scales with. */
function absSum(x: Tensor, axes: number[] | undefined, keepDims: boolean): Tensor {
  return nt.sum(nt.abs(x), axes, keepDims);
}

function spreadOf(x: Tensor): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of x.data as Float32Array) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return hi >= lo ? hi - lo : 0;
}

/** A broadcast partner for `shape`: some leading dims dropped, some dims set to 1. */
function partner(d: Draw, shape: readonly number[]): number[] {
  const drop = d.int(0, shape.length + 1);
  return shape.slice(drop).map((s) => (d.chance(0.35) ? 1 : s));
}

const UNARY = ['neg', 'abs', 'exp', 'log', 'sqrt', 'square', 'sign', 'sigmoid', 'tanh', 'relu', 'leakyRelu'] as const;
type Binary = (a: Tensor | number, b: Tensor | number) => Tensor;
export const BINARY: Record<string, Binary> = {
  add: nt.add,
  sub: nt.sub,
  mul: nt.mul,
  div: nt.div,
  pow: nt.pow,
  maximum: nt.maximum,
  minimum: nt.minimum,
  equal: nt.equal,
  notEqual: nt.notEqual,
  less: nt.less,
  lessEqual: nt.lessEqual,
  greater: nt.greater,
  greaterEqual: nt.greaterEqual,
};
const REDUCE = { sum: nt.sum, mean: nt.mean, max: nt.max, min: nt.min };
const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'] as const;

/** Multiples of the unit roundoff by which each elementwise op of the two backends may differ. */
export const ULPS: Record<string, number> = {
  // Exact on both, or correctly rounded from the same inputs on both (f32: js rounds its f64
  // result once, and 53 >= 2·24 + 2 makes that the correctly rounded f32 value).
  neg: 0,
  abs: 0,
  sign: 0,
  relu: 0,
  maximum: 0,
  minimum: 0,
  equal: 0,
  notEqual: 0,
  less: 0,
  lessEqual: 0,
  greater: 0,
  greaterEqual: 0,
  square: 2,
  add: 2,
  sub: 2,
  mul: 2,
  div: 2,
  sqrt: 2,
  // alpha is rounded to the dtype first on native, used in f64 by js: 2u on the product.
  leakyRelu: 3,
  // Within an ulp (2u) on each side.
  exp: 4,
  log: 4,
  // native f32 tanh < 1.2e-7 (real.rs), glibc's f64 tanh within 2 ulps; sigmoid: exp, 1 + e
  // and a division, 4u (native.rs tests); js within an ulp; libm pow within 2 ulps on both.
  tanh: 6,
  sigmoid: 6,
  pow: 6,
};

export function elementwise(u: number, ulps: number): (want: Tensor) => ArrayLike<number> | number {
  return (want) => {
    if (ulps === 0) return 0;
    return Float64Array.from(want.data as Float32Array, (v) => ulps * u * Math.abs(v));
  };
}

function drawStep(d: Draw, z: Tensor, dtype: DType, opts: FuzzOptions): Step {
  const u = unit(dtype);
  let kind = d.int(0, 12);
  // argMax, matmul and linear shrink their input: on a big one, mostly keep its size instead.
  if (z.size >= 16_384 && kind >= 8 && kind <= 10 && d.chance(0.7)) kind = d.int(0, 8);
  if (kind <= 2) {
    const op = d.pick(UNARY);
    const alpha = d.pick([0.01, 0.1, 0.3]);
    const f = op === 'leakyRelu' ? (x: Tensor) => nt.leakyRelu(x, alpha) : (x: Tensor) => nt.unary(op, x);
    return { name: op, run: () => f(z), tolerance: elementwise(u, ULPS[op]) };
  }
  if (kind <= 4) {
    const op = d.pick(Object.keys(BINARY));
    const other = d.chance(0.15) ? d.pick([0, 0.5, 2, -1.5]) : values(d, partner(d, z.shape), dtype, d.chance(0.1));
    const left = d.chance(0.5);
    const name = `${op} ${typeof other === 'number' ? other : `[${other.shape}]`}${left ? '' : ' (swapped)'}`;
    const f = BINARY[op];
    const run = () => (left ? f(z, other) : f(other, z));
    return { name, run, tolerance: elementwise(u, ULPS[op]) };
  }
  if (kind === 5) {
    if (d.chance(0.5)) {
      const other = values(d, partner(d, z.shape), dtype, false);
      return { name: `where [${other.shape}]`, run: () => nt.where(nt.greater(z, 0), z, other), tolerance: () => 0 };
    }
    const lo = d.pick([-1, -0.5, 0]);
    const hi = lo + d.pick([0.1, 1, 3]);
    return { name: `clip ${lo} ${hi}`, run: () => nt.clip(z, lo, hi), tolerance: () => 0 };
  }
  if (kind === 6 && z.rank > 0) {
    const op = d.pick(['sum', 'mean', 'max', 'min'] as const);
    const axes = d.chance(0.15) ? undefined : [...Array(z.rank).keys()].filter(() => d.chance(0.5));
    const keepDims = d.chance(0.5);
    const name = `${op} axes ${axes ? `[${axes}]` : 'all'}${keepDims ? ' keepDims' : ''}`;
    const run = () => REDUCE[op](z, axes, keepDims);
    if (op === 'max' || op === 'min') return { name, run, tolerance: () => 0 };
    // Both accumulate in f64 (error <= n·2^-53·Σ|x| each), then round (u·|value| each); mean
    // divides once more.
    const n = z.size / Math.max(1, size(nt.sum(z, axes, keepDims).shape));
    return {
      name,
      run,
      tolerance: (want) => {
        const mag = absSum(z, axes, keepDims).data as Float64Array;
        const scale = op === 'mean' ? 1 / Math.max(n, 1) : 1;
        return Float64Array.from(want.data as Float32Array, (v, i) => 2 * n * f64u * mag[i] * scale + 4 * u * Math.abs(v));
      },
    };
  }
  if (kind === 7 && z.rank > 0) return softmaxStep(z, d.axis(z.rank), d.chance(0.5), dtype);
  if (kind === 8 && z.rank > 0) {
    const axis = d.axis(z.rank);
    return { name: `argMax axis ${axis}`, run: () => nt.cast(nt.argMax(z, axis), dtype), tolerance: () => 0 };
  }
  if (kind === 9 && z.size > 0) {
    return matmulStep(d, z, dtype, opts);
  }
  if (kind === 10 && z.size > 0) {
    return linearStep(d, z, dtype, opts);
  }
  if (kind === 11) {
    const act = d.pick(['sigmoid', 'tanh', 'relu', 'leakyRelu'] as const);
    const A = act === 'leakyRelu' ? nt.leakyRelu(z, 0.01) : nt.unary(act, z);
    const dA = values(d, z.shape, dtype, false);
    // dZ = dA·g'(A): at most three roundings of products of |dA| and (1 + |A|)² (where A is
    // NaN, dZ is NaN, dA or alpha·dA, the last two within 2u·|dA|).
    const tolerance = () =>
      Float64Array.from(dA.data as Float32Array, (v, i) => {
        const a = A.data[i];
        return 4 * u * Math.abs(v) * (Number.isFinite(a) ? (1 + Math.abs(a)) ** 2 : 1);
      });
    return { name: `${act} backward`, run: () => nt.activationBackward(act, dA, A, 0.01), tolerance };
  }
  // Layout: a new shape or order for what follows (the same TypeScript code on both backends).
  if (z.rank >= 2 && d.chance(0.5)) {
    const perm = [...Array(z.rank).keys()].sort(() => d.g.random() - 0.5);
    return { name: `transpose [${perm}]`, run: () => nt.transpose(z, perm), tolerance: () => 0 };
  }
  const rank = d.int(1, 4);
  const target = d.shape(rank, z.size);
  target[0] = -1;
  return { name: `reshape [${target}]`, run: () => nt.reshape(z, z.size === 0 ? [0] : target), tolerance: () => 0 };
}

export function softmaxStep(z: Tensor, axis: number, log: boolean, dtype: DType): Step {
  const u = unit(dtype);
  const name = `${log ? 'logSoftmax' : 'softmax'} axis ${axis}`;
  const n = z.shape[axis];
  const spread = spreadOf(z);
  // softmax (relative): x - max (u·spread), exp and the total's terms alike, the f64 sum
  // (n·2^-53) and its rounding, the division; doubled for the two backends.
  // log-softmax (absolute): x - max, log(total), the final subtraction; doubled.
  const tolerance = (want: Tensor) =>
    Float64Array.from(want.data as Float32Array, (v) =>
      log ? 2 * (u * (3 * spread + 8 + Math.log(n) + 2 * Math.abs(v)) + n * f64u) : 2 * (u * (2 * spread + 6) + n * f64u) * Math.abs(v),
    );
  return { name, run: () => (log ? nt.logSoftmax(z, axis) : nt.softmax(z, axis)), tolerance };
}

/** GEMM: |error| <= γ_{k+4}·(|op(A)|·|op(B)|) on each backend (any summation order, K splits). */
export function gemmTolerance(k: number, u: number, mag: () => Tensor): (want: Tensor) => ArrayLike<number> {
  const gamma = ((k + 4) * u) / (1 - (k + 4) * u);
  return () => Float64Array.from(mag().data as Float32Array, (v) => 2 * gamma * v);
}

function matmulStep(d: Draw, z: Tensor, dtype: DType, opts: FuzzOptions): Step {
  const x = z.rank === 2 ? z : nt.reshape(z, [z.shape[0] ?? 1, -1]);
  const [r, c] = x.shape;
  const transA = d.chance(0.5);
  const transB = d.chance(0.5);
  // x is op(A) (m, k) or op(B) (k, n); the other side gets a drawn dimension.
  const onLeft = d.chance(0.5);
  const [m, k] = transA === onLeft ? [c, r] : [r, c];
  const budget = Math.max(1, Math.floor(opts.maxFlops / Math.max(1, m * k)));
  const other = d.pick(DIMS.filter((v) => v <= Math.max(1, Math.min(budget, opts.maxElements / Math.max(1, r, c)))));
  let a: Tensor;
  let b: Tensor;
  let inner: number;
  if (onLeft) {
    // A = x (stored (m, k), or (k, m) when transA), B drawn: (k, other) stored per transB.
    a = x;
    inner = transA ? r : c;
    b = values(d, transB ? [other, inner] : [inner, other], dtype, false);
  } else {
    b = x;
    inner = transB ? c : r;
    a = values(d, transA ? [inner, other] : [other, inner], dtype, false);
  }
  const flags = { transA, transB };
  const name = `matmul ${transA ? 'aᵀ' : 'a'}[${a.shape}] ${transB ? 'bᵀ' : 'b'}[${b.shape}]`;
  const mag = () => nt.matmul(nt.abs(a), nt.abs(b), flags);
  return { name, run: () => nt.matmul(a, b, flags), tolerance: gemmTolerance(inner, unit(dtype), mag) };
}

function linearStep(d: Draw, z: Tensor, dtype: DType, opts: FuzzOptions): Step {
  const A = z.rank === 2 ? z : nt.reshape(z, [z.shape[0] ?? 1, -1]);
  const [k, m] = A.shape;
  const n = d.pick(DIMS.filter((v) => v <= Math.max(1, Math.min(64, opts.maxFlops / Math.max(1, k * m)))));
  const W = values(d, [n, k], dtype, false);
  const b = d.chance(0.7) ? values(d, [n, 1], dtype, false) : null;
  const act = d.pick(ACTIVATIONS);
  const u = unit(dtype);
  // z = W·A + b: γ_{k+5}·(|W||A| + |b|) on each backend; every activation is 1-Lipschitz and
  // adds its own rounding (6u, as the elementwise ops).
  const gamma = ((k + 5) * u) / (1 - (k + 5) * u);
  const tolerance = (want: Tensor) => {
    const mag = nt.linear(nt.abs(W), nt.abs(A), b && nt.abs(b), 'linear').data;
    return Float64Array.from(want.data as Float32Array, (v, i) => 2 * gamma * mag[i] + 6 * u * Math.abs(v));
  };
  return { name: `linear ${act} W[${W.shape}] A[${A.shape}]${b ? ' b' : ''}`, run: () => nt.linear(W, A, b, act, 0.01), tolerance };
}

type Outcome = { ok: true; value: Tensor } | { ok: false; error: Error };

function attempt(backend: string, run: () => Tensor): Outcome {
  setBackend(backend);
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

/** The first element where `got` and `want` differ by more than the tolerance, in words. */
function compare(got: Tensor, want: Tensor, tolerance: ArrayLike<number> | number, dtype: DType): string | undefined {
  if (got.shape.join() !== want.shape.join()) return `shape [${got.shape}] vs js [${want.shape}]`;
  if (got.dtype !== want.dtype) return `dtype ${got.dtype} vs js ${want.dtype}`;
  // Below the smallest normal number, relative bounds mean nothing: allow that much absolutely.
  const floor = dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
  for (let i = 0; i < want.size; i++) {
    const g = got.data[i];
    const w = want.data[i];
    if (g === w) continue;
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (Number.isNaN(w) !== Number.isNaN(g)) return `at ${i}: ${g} vs js ${w}`;
      continue;
    }
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      if (g !== w) return `at ${i}: ${g} vs js ${w}`;
      continue;
    }
    const tol = typeof tolerance === 'number' ? tolerance : tolerance[i];
    if (!(Math.abs(g - w) <= tol + floor)) return `at ${i}: ${g} vs js ${w} (|difference| ${Math.abs(g - w)} > bound ${tol})`;
  }
  return undefined;
}

/**
 * Runs `step` on js and on `backend`: the js result when they agree, a description of the
 * disagreement, or undefined when both threw the same error.
 */
export function agree(step: Step, dtype: DType, backend: string): Tensor | string | undefined {
  const want = attempt('js', step.run);
  const got = attempt(backend, step.run);
  setBackend('js');
  if (want.ok !== got.ok) {
    const which = want.ok ? backend : 'js';
    const error = want.ok ? (got as { error: Error }).error : (want as { error: Error }).error;
    return `throws on ${which} only: ${error.name}: ${error.message}`;
  }
  if (!want.ok || !got.ok) {
    const [a, b] = [(want as { error: Error }).error, (got as { error: Error }).error];
    if (a.name !== b.name || a.message !== b.message)
      return `different errors: js ${a.name}: ${a.message}; ${backend} ${b.name}: ${b.message}`;
    return undefined;
  }
  return compare(got.value, want.value, step.tolerance(want.value), dtype) ?? want.value;
}

/** Runs program `seed` on js and on `backend`; returns its failure, or undefined. */
export function runProgram(
  seed: number,
  dtype: DType,
  backend: string,
  opts: FuzzOptions,
  onStep?: (name: string, elements: number) => void,
): Failure | undefined {
  const d = new Draw(seed);
  const specials = d.chance(0.2);
  // Big inputs sit near a split point: 16,384-element chunks, the 32,768-element threshold for
  // threads, 4 chunks per thread on 2 threads, or the largest size allowed.
  const target = d.pick([16_384, 32_767, 32_768, 32_769, 65_536, 131_071, 131_073, opts.maxElements]);
  const rank = d.int(0, 5);
  const shape = d.chance(0.35) && target <= opts.maxElements ? d.bigShape(Math.max(rank, 1), target) : d.shape(rank, 2000);
  let z = values(d, shape, dtype, specials);
  const program: string[] = [`x [${z.shape}] ${dtype}${specials ? ' with NaN/inf' : ''}`];
  for (let s = 0; s < opts.steps; s++) {
    setBackend('js');
    const step = drawStep(d, z, dtype, opts);
    program.push(step.name);
    const fail = (problem: string): Failure => ({ seed, dtype, step: s, program, problem });
    const result = agree(step, dtype, backend);
    if (typeof result === 'string') return fail(result);
    if (result === undefined) return undefined;
    onStep?.(step.name, Math.max(z.size, result.size));
    // Keep the next inputs in a range where both backends stay finite for the same reasons.
    z = result;
    if (spreadOf(z) > 1e6) z = nt.clip(z, -50, 50);
  }
  return undefined;
}

export function describeFailure(f: Failure): string {
  return `seed ${f.seed} ${f.dtype}, step ${f.step}: ${f.problem}\n    ${f.program.join('\n -> ')}`;
}
