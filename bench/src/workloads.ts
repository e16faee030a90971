/**
 * What gets measured. A workload is plain JSON (the numpy runner receives the same list over a pipe),
 * so a new kind — say an end-to-end training loop — is a new variant of `WorkloadSpec`, a case in
 * each runner that can express it, and an entry in `rate` when it has a natural throughput unit.
 */

export type BenchDType = 'float32' | 'float64';

export interface GemmSpec {
  kind: 'gemm';
  dtype: BenchDType;
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
}

/**
 * One op over `size` elements, output allocation included. log reads |x| (positive inputs);
 * sigmoidBackward is dA·A·(1 − A) with A = y; copy is a fresh copy of x, the memory-speed
 * reference for the others (same bytes read and written as a unary op).
 */
export type ElementwiseOp = 'sigmoid' | 'tanh' | 'exp' | 'log' | 'sigmoidBackward' | 'add' | 'mul' | 'sum' | 'copy';

export interface ElementwiseSpec {
  kind: 'elementwise';
  op: ElementwiseOp;
  dtype: BenchDType;
  size: number;
}

/**
 * An end-to-end training run: full-batch gradient descent with binary cross-entropy, the cost
 * computed and read back on every iteration i with i % costEvery === 0 (as the course prints it),
 * so no runner can defer work past a read-back. `layers` are the units after the input, each with
 * its activation; `init` names the course's initialization (see train-data.ts).
 */
export interface TrainSpec {
  kind: 'train';
  /** float64 is the course's own dtype; the data are the same float32 values, widened. */
  dtype: BenchDType;
  model: 'logistic' | 'deep' | 'planar';
  /** n_x, then the units of each layer: [12288, 20, 7, 5, 1]. */
  dims: number[];
  activations: ('relu' | 'tanh' | 'sigmoid')[];
  init: 'zeros' | 'courseDeep' | 'randomNormal';
  /** Seed of numpy's legacy stream for the weights (np.random.seed before initialize_parameters). */
  weightSeed: number;
  m: number;
  learningRate: number;
  /** The course's iteration count: the total time is estimated for it. */
  iterations: number;
  costEvery: number;
  data: TrainData;
}

/**
 * Where X (n_x, m) and Y (1, m) come from: seeded random data of the cat set's shape (pixels
 * uniform in [0, 1), `positives` labels 1), the planar flower, or raw little-endian float32
 * files written by main.ts from the real cat images (`--real-data`).
 */
export type TrainData =
  | { source: 'random'; seed: number; positives: number }
  | { source: 'planar' }
  | { source: 'files'; X: string; Y: string; description: string };

/**
 * One 2-D convolution in the course's layout: x (m, H, W, C) with F filters f x f, stride 1,
 * 'same' padding. `forward` times Z = conv2d(x, W); `backward` times both gradients from dZ,
 * dA_prev and dW (what a training step needs; no bias).
 */
export interface ConvSpec {
  kind: 'conv';
  dtype: 'float32';
  pass: 'forward' | 'backward';
  m: number;
  H: number;
  W: number;
  C: number;
  F: number;
  f: number;
}

/**
 * LeNet-5 (LeCun et al. 1998, with ReLU and max pooling) trained on the digits with Adam and
 * softmax cross-entropy, float32: conv 5x5 'same' (filters[0]) → max pool 2 → conv 5x5 'valid'
 * (filters[1]) → max pool 2 → flatten → dense 120 → dense 84 → dense 10 softmax. `step` times one
 * training step on one batch of `batch` digits; `epoch` one pass over `examples` digits in
 * batches of `batch`, in order (no shuffle: every runner sees the same batches). Every step reads
 * its loss back. The data and the initial weights are files written once by main.ts (cnn/data.ts),
 * so every runner trains the same network from the same weights on the same digits.
 */
export interface CnnSpec {
  kind: 'cnn';
  dtype: 'float32';
  pass: 'step' | 'epoch';
  batch: number;
  examples: number;
  filters: [number, number];
  dense: [number, number];
  learningRate: number;
  /** Filled in by main.ts before the runners start (cnn/data.ts). */
  files?: CnnFiles;
}

/** Raw little-endian float32 files: X (examples, 28, 28, 1), Y one-hot (examples, 10), and each initial weight in Neurite's layout. */
export interface CnnFiles {
  X: string;
  Y: string;
  weights: { name: string; path: string; shape: number[] }[];
  description: string;
}

export type WorkloadSpec = GemmSpec | ElementwiseSpec | TrainSpec | ConvSpec | CnnSpec;

export interface Workload {
  /** Stable key, also what `--only` matches against (with the title). */
  id: string;
  title: string;
  spec: WorkloadSpec;
}

function gemm(title: string, dtype: BenchDType, M: number, N: number, K: number, transB = false): Workload {
  const id = `gemm-${dtype}-${M}x${N}x${K}${transB ? '-transB' : ''}`;
  return { id, title, spec: { kind: 'gemm', dtype, M, N, K, transA: false, transB } };
}

const ELEMENTWISE_TITLES: Record<ElementwiseOp, string> = {
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  exp: 'exp',
  log: 'log of abs(x)',
  sigmoidBackward: 'sigmoidBackward, dA·A·(1 − A)',
  add: 'add',
  mul: 'mul',
  sum: 'sum to a scalar',
  copy: 'copy (memory-speed reference)',
};

export const workloads: readonly Workload[] = [
  ...[128, 256, 512, 1024].map((n) => gemm(`GEMM f32 ${n}x${n}`, 'float32', n, n, n)),
  gemm('GEMM f32 (20x12288)@(12288x209): Z1 of the cat net', 'float32', 20, 209, 12288),
  gemm('GEMM f32 (20x209)@(209x12288): dA0 = W1ᵀ·dZ1 shape', 'float32', 20, 12288, 209),
  gemm('GEMM f32 (1x12288)@(12288x209): logistic regression w·X', 'float32', 1, 209, 12288),
  gemm('GEMM f32 (20x209)@(12288x209)ᵀ: dW1 = dZ1·A0ᵀ (transB)', 'float32', 20, 12288, 209, true),
  gemm('GEMM f64 1024x1024', 'float64', 1024, 1024, 1024),
  ...elementwiseWorkloads(),
  ...convWorkloads(),
  ...cnnWorkloads(),
  ...trainingWorkloads(),
];

/** Issue 19's elementwise rows, 1M elements in both dtypes (the f32 sigmoid and add ids unchanged). */
function elementwiseWorkloads(): Workload[] {
  const size = 1 << 20;
  const ops = Object.keys(ELEMENTWISE_TITLES) as ElementwiseOp[];
  return (['float32', 'float64'] as const).flatMap((dtype) =>
    ops.map((op) => ({
      id: `${op}-${dtype}-1M`,
      title: `${ELEMENTWISE_TITLES[op]} ${dtype === 'float32' ? 'f32' : 'f64'}, 1M elements`,
      spec: { kind: 'elementwise', op, dtype, size } as const,
    })),
  );
}

function cnnWorkloads(): Workload[] {
  const lenet: Omit<CnnSpec, 'pass' | 'examples'> = {
    kind: 'cnn',
    dtype: 'float32',
    batch: 64,
    filters: [6, 16],
    dense: [120, 84],
    learningRate: 0.001,
  };
  return [
    { id: 'lenet-step-64', title: 'LeNet-5 training step, batch of 64 digits (Adam)', spec: { ...lenet, pass: 'step', examples: 64 } },
    {
      id: 'lenet-epoch-8000',
      title: 'LeNet-5 epoch over the 8,000 digits, batches of 64 (Adam)',
      spec: { ...lenet, pass: 'epoch', examples: 8000 },
    },
  ];
}

/**
 * Multiply-adds of one LeNet training step on m examples: every layer's forward product, its
 * dW, and its dA_prev except the first layer's (nobody needs the gradient of the input).
 * Pooling, activations, the loss and the optimizer are not counted.
 */
export function lenetMacs(s: Pick<CnnSpec, 'filters' | 'dense'>, m: number): number {
  const [c1, c2] = s.filters;
  const [d1, d2] = s.dense;
  const layers = [28 * 28 * c1 * 25, 10 * 10 * c2 * 25 * c1, 5 * 5 * c2 * d1, d1 * d2, d2 * 10];
  return m * layers.reduce((sum, macs, l) => sum + macs * (l === 0 ? 2 : 3), 0);
}

function convWorkloads(): Workload[] {
  const shapes: [string, Omit<ConvSpec, 'kind' | 'dtype' | 'pass'>][] = [
    ['(64, 28, 28, 1) -> 32 filters 3x3', { m: 64, H: 28, W: 28, C: 1, F: 32, f: 3 }],
    ['(64, 14, 14, 32) -> 64 filters 3x3', { m: 64, H: 14, W: 14, C: 32, F: 64, f: 3 }],
  ];
  return shapes.flatMap(([title, shape]) =>
    (['forward', 'backward'] as const).map((pass) => ({
      id: `conv-${pass}-${shape.m}x${shape.H}x${shape.W}x${shape.C}-${shape.F}f${shape.f}`,
      title: `conv2d ${pass === 'forward' ? 'forward' : 'backward (dA_prev and dW)'} f32 ${title}, same`,
      spec: { kind: 'conv', dtype: 'float32', pass, ...shape },
    })),
  );
}

/** Workloads that run in a fresh child process each, for their peak RSS. */
export function isIsolated(w: Workload): boolean {
  return w.spec.kind === 'train' || w.spec.kind === 'conv' || w.spec.kind === 'cnn';
}

function trainingWorkloads(): Workload[] {
  // The cat set's shape: 209 images of 64x64x3 pixels, 72 of them cats (the course's balance).
  const catData: TrainData = { source: 'random', seed: 3, positives: 72 };
  const base = { kind: 'train', dtype: 'float32', costEvery: 100 } as const;
  const deep = {
    ...base,
    model: 'deep',
    dims: [12288, 20, 7, 5, 1],
    activations: ['relu', 'relu', 'relu', 'sigmoid'],
    init: 'courseDeep',
    weightSeed: 1,
    m: 209,
    learningRate: 0.0075,
    iterations: 2500,
    data: catData,
  } as const;
  return [
    {
      id: 'train-logistic',
      title: 'train: logistic regression (12288x209), lr 0.005, 2000 it',
      spec: {
        ...base,
        model: 'logistic',
        dims: [12288, 1],
        activations: ['sigmoid'],
        init: 'zeros',
        weightSeed: 0,
        m: 209,
        learningRate: 0.005,
        iterations: 2000,
        data: catData,
      },
    },
    {
      id: 'train-deep',
      title: 'train: deep net [12288, 20, 7, 5, 1] (209 ex.), lr 0.0075, 2500 it',
      spec: { ...deep, dims: [...deep.dims], activations: [...deep.activations] },
    },
    {
      id: 'train-deep-f64',
      title: "train: deep net in float64 (the course's dtype) [12288, 20, 7, 5, 1] (209 ex.), lr 0.0075, 2500 it",
      spec: { ...deep, dtype: 'float64', dims: [...deep.dims], activations: [...deep.activations] },
    },
    {
      id: 'train-planar',
      title: 'train: planar net 2-4-1 (400 ex.), lr 1.2, 10000 it',
      spec: {
        ...base,
        model: 'planar',
        dims: [2, 4, 1],
        activations: ['tanh', 'sigmoid'],
        init: 'randomNormal',
        weightSeed: 2,
        m: 400,
        learningRate: 1.2,
        iterations: 10000,
        data: { source: 'planar' },
      },
    },
  ];
}

export function isTraining(w: Workload): w is Workload & { spec: TrainSpec } {
  return w.spec.kind === 'train';
}

export interface Rate {
  value: number;
  unit: string;
}

/** Throughput for a median time, in the unit that workload is usually quoted in. */
export function rate(spec: WorkloadSpec, ms: number): Rate | undefined {
  switch (spec.kind) {
    case 'gemm':
      return { value: (2 * spec.M * spec.N * spec.K) / (ms * 1e6), unit: 'GFLOPS' };
    case 'elementwise':
      return { value: spec.size / (ms * 1e3), unit: 'M elem/s' };
    case 'conv': {
      // Multiply-adds of one convolution ('same', stride 1: every output position sees f·f·C taps); backward does two.
      const macs = spec.m * spec.H * spec.W * spec.F * spec.f * spec.f * spec.C;
      return { value: ((spec.pass === 'forward' ? 2 : 4) * macs) / (ms * 1e6), unit: 'GFLOPS' };
    }
    case 'cnn': {
      const steps = Math.ceil(spec.examples / spec.batch);
      return { value: (2 * lenetMacs(spec, spec.batch) * steps) / (ms * 1e6), unit: 'GFLOPS' };
    }
    case 'train':
      return undefined;
  }
}

/** The same inputs for every runner: a small seeded generator, uniform in [-1, 1). */
export function randomData(size: number, seed: number): Float64Array {
  const out = new Float64Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}
