/**
 * The N-API surface of native/node (neurite.<platform>.node), typed by hand: napi's
 * generated .d.ts names the Rust argument type. Every function validates its arguments in
 * Rust and throws an Error naming the argument; arrays are borrowed, `out` written in place.
 */
export type NativeArray = Float32Array | Float64Array | Int32Array;

/** One shape class of products and the GEMM provider it runs on (native/kernels/src/gemm/calibrate.rs). */
export interface GemmRoute {
  dtype: 'float32' | 'float64';
  transA: boolean;
  transB: boolean;
  threads: number;
  /** The class's largest m, n and k: powers of two; the class holds sizes above half of each. */
  m: number;
  n: number;
  k: number;
  provider: string;
  /** Each candidate's best time on the class's first product, the built-in rules first. */
  timings: { provider: string; ms: number }[];
  /** Timed in this process (false: read from the cache file). */
  measured: boolean;
}

export interface GemmCalibration {
  /** NEURITE_GEMM_CALIBRATION: 'on' (default), 'off' or 'fresh'; 'unavailable' without OpenBLAS. */
  mode: string;
  /** What the cache file is keyed by: CPU, SIMD features, OPENBLAS_CORETYPE, build. */
  machine: string;
  file?: string;
  /** Why the choices are not kept on disk. */
  problem?: string;
  /** SIMD features detected at run time: 'avx2', 'fma', 'avx512f', 'neon'. */
  features: string[];
  routes: GemmRoute[];
}

export interface NativeBinding {
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: NativeArray,
    b: NativeArray,
    beta: number,
    out: NativeArray,
  ): void;
  unary(op: string, x: NativeArray, out: NativeArray, alpha: number): void;
  binary(
    op: string,
    a: NativeArray,
    aShape: readonly number[],
    b: NativeArray,
    bShape: readonly number[],
    out: NativeArray,
    outShape: readonly number[],
  ): void;
  where(
    cond: NativeArray,
    condShape: readonly number[],
    a: NativeArray,
    aShape: readonly number[],
    b: NativeArray,
    bShape: readonly number[],
    out: NativeArray,
    outShape: readonly number[],
  ): void;
  clip(x: NativeArray, min: number, max: number, out: NativeArray): void;
  reduce(op: string, x: NativeArray, xShape: readonly number[], axes: readonly number[], out: NativeArray): void;
  argMax(x: NativeArray, xShape: readonly number[], axis: number, out: NativeArray): void;
  softmax(x: NativeArray, xShape: readonly number[], axis: number, out: NativeArray, log: boolean): void;
  activationBackward(act: string, dA: NativeArray, A: NativeArray, out: NativeArray, alpha: number): void;
  linear(
    W: NativeArray,
    n: number,
    k: number,
    A: NativeArray,
    m: number,
    b: NativeArray | null,
    act: string,
    alpha: number,
    out: NativeArray,
  ): void;
  /** geometry: the 17 numbers of `geometryOf` (native/kernels/src/conv.rs FIELDS). */
  conv2d(x: NativeArray, W: NativeArray, bias: NativeArray | null, geometry: readonly number[], out: NativeArray): void;
  conv2dBackpropInput(dZ: NativeArray, W: NativeArray, geometry: readonly number[], out: NativeArray): void;
  conv2dBackpropFilter(x: NativeArray, dZ: NativeArray, geometry: readonly number[], out: NativeArray): void;
  pool2d(mode: string, x: NativeArray, geometry: readonly number[], countPad: boolean, out: NativeArray): void;
  pool2dBackward(mode: string, dA: NativeArray, x: NativeArray, geometry: readonly number[], countPad: boolean, out: NativeArray): void;
  sgdUpdate(param: NativeArray, grad: NativeArray, lr: number): void;
  adamUpdate(
    param: NativeArray,
    grad: NativeArray,
    m: NativeArray,
    v: NativeArray,
    lr: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    t: number,
  ): void;
  gemmProvider(): string;
  gemmProviders(): string[];
  setGemmProvider(name: string): void;
  /** How the `auto` provider chooses on this machine: mode, cache file, the classes chosen so far. */
  gemmCalibration(): GemmCalibration;
  /** Times auto's candidates for one shape now unless its class is chosen; null when too small to time. */
  calibrateGemm(dtype: 'float32' | 'float64', transA: boolean, transB: boolean, m: number, n: number, k: number): GemmRoute | null;
  threads(): number;
  tuneAllocator(mmapThreshold: number, trimThreshold: number): boolean;
  /** Diagnostics: panics inside a Rust thread on purpose and throws the resulting Error. */
  selfTestPanic(): void;
}

const FUNCTIONS: (keyof NativeBinding)[] = [
  'gemm',
  'unary',
  'binary',
  'where',
  'clip',
  'reduce',
  'argMax',
  'softmax',
  'activationBackward',
  'linear',
  'conv2d',
  'conv2dBackpropInput',
  'conv2dBackpropFilter',
  'pool2d',
  'pool2dBackward',
  'sgdUpdate',
  'adamUpdate',
  'gemmProvider',
  'gemmProviders',
  'setGemmProvider',
  'gemmCalibration',
  'calibrateGemm',
  'threads',
  'tuneAllocator',
  'selfTestPanic',
];

/** The names a loaded module lacks: a stale binary from an older build. */
export function missingFunctions(mod: unknown): string[] {
  const m = mod as Record<string, unknown> | null;
  return FUNCTIONS.filter((f) => typeof m?.[f] !== 'function');
}
