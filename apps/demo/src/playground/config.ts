/**
 * The playground's whole configuration, and its round trip through the URL's query
 * string, so that a link reproduces a run: same data (seeded), same network, same
 * initialization seed.
 */

export const DATASETS = ['flower', 'circles', 'moons', 'xor', 'gaussian', 'spiral'] as const;
export const ACTIVATIONS = ['tanh', 'relu', 'leakyRelu', 'sigmoid', 'linear'] as const;
export const OPTIMIZERS = ['adam', 'momentum', 'sgd', 'rmsprop'] as const;
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3] as const;
export const L2_VALUES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1] as const;
export const BATCH_SIZES = [8, 16, 32, 64, 128, 256, 0] as const; // 0 = full batch
export const MAX_LAYERS = 6;
export const MAX_UNITS = 16;

export type DatasetName = (typeof DATASETS)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface Config {
  data: DatasetName;
  /** Standard deviation of extra Gaussian noise, in percent of the data's scale. */
  noise: number;
  /** Percent of the points used for training; the rest are the test set. */
  trainPct: number;
  /** Seed of the data generator. */
  seed: number;
  /** Units of each hidden layer, input and output excluded. */
  layers: number[];
  activation: ActivationName;
  lr: number;
  optimizer: OptimizerName;
  l2: number;
  /** Mini-batch size; 0 means the full training set. */
  batch: number;
}

export const DEFAULT_CONFIG: Config = {
  data: 'flower',
  noise: 0,
  trainPct: 50,
  seed: 1,
  layers: [4],
  activation: 'tanh',
  lr: 0.03,
  optimizer: 'adam',
  l2: 0,
  batch: 32,
};

export const DATASET_LABELS: Record<DatasetName, string> = {
  flower: 'Flower',
  circles: 'Circles',
  moons: 'Moons',
  xor: 'XOR',
  gaussian: 'Gaussian',
  spiral: 'Spiral',
};

export const ACTIVATION_LABELS: Record<ActivationName, string> = {
  tanh: 'tanh',
  relu: 'ReLU',
  leakyRelu: 'Leaky ReLU',
  sigmoid: 'Sigmoid',
  linear: 'Linear',
};

export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  adam: 'Adam',
  momentum: 'Momentum',
  sgd: 'Gradient descent',
  rmsprop: 'RMSprop',
};

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function int(value: string | null, lo: number, hi: number, fallback: number): number {
  if (value === null || value.trim() === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= lo && n <= hi ? n : fallback;
}

function oneOf(value: string | null, allowed: readonly number[], fallback: number): number {
  const n = Number(value);
  return value !== null && allowed.includes(n) ? n : fallback;
}

/** Reads a configuration from a query string; every unknown or invalid value falls back to the default. */
export function parseConfig(search: string): Config {
  const q = new URLSearchParams(search);
  const d = DEFAULT_CONFIG;
  let layers = d.layers;
  const rawLayers = q.get('layers');
  if (rawLayers !== null) {
    const parsed = rawLayers === '' ? [] : rawLayers.split(',').map((s) => int(s, 1, MAX_UNITS, -1));
    if (parsed.length <= MAX_LAYERS && parsed.every((n) => n > 0)) layers = parsed;
  }
  return {
    data: pick(q.get('data'), DATASETS, d.data),
    noise: int(q.get('noise'), 0, 50, d.noise),
    trainPct: int(q.get('train'), 10, 90, d.trainPct),
    seed: int(q.get('seed'), 0, 2 ** 31 - 1, d.seed),
    layers,
    activation: pick(q.get('act'), ACTIVATIONS, d.activation),
    lr: oneOf(q.get('lr'), LEARNING_RATES, d.lr),
    optimizer: pick(q.get('opt'), OPTIMIZERS, d.optimizer),
    l2: oneOf(q.get('l2'), L2_VALUES, d.l2),
    batch: oneOf(q.get('batch'), BATCH_SIZES, d.batch),
  };
}

export function serializeConfig(c: Config): string {
  const q = new URLSearchParams({
    data: c.data,
    noise: String(c.noise),
    train: String(c.trainPct),
    seed: String(c.seed),
    layers: c.layers.join(','),
    act: c.activation,
    lr: String(c.lr),
    opt: c.optimizer,
    l2: String(c.l2),
    batch: String(c.batch),
  });
  return `?${q.toString()}`;
}

/** Whether two configurations draw the same points (a change elsewhere keeps the data). */
export function sameData(a: Config, b: Config): boolean {
  return a.data === b.data && a.noise === b.noise && a.trainPct === b.trainPct && a.seed === b.seed;
}
