import { cnnLayers, parseCnnItem } from './cnn.ts';
import { parseDataSpec } from './data/spec.ts';
import { UsageError } from './errors.ts';
import { checkCombination, DEFAULTS, type SettingKey, type TrainSettings } from './options.ts';
import { ValueProblem } from './parse.ts';

/**
 * Settings with every blank filled: the chosen preset's course values where the user gave
 * none. The presets are the course's three models:
 *   logistic  week 2: one sigmoid unit, zero init, lr 0.005, 2000 iterations, cost every 100
 *   shallow   week 3: 4 tanh units, randn*0.01 from seed 2, lr 1.2, 10000 iterations, every 1000
 *   deep      week 4: ReLU [20, 7, 5], randn/sqrt(n_prev) from seed 1, lr 0.0075, 2500, every 100
 */
export interface Resolved extends TrainSettings {
  model: 'logistic' | 'shallow' | 'deep' | 'cnn';
  /** Hidden sizes for logistic, shallow and deep; the canonical items of --layers for cnn. */
  layers: number[] | string[];
  activation: NonNullable<TrainSettings['activation']>;
  init: NonNullable<TrainSettings['init']>;
  lr: number;
  total: number;
  unit: 'iteration' | 'epoch';
  seed: number;
  printEvery: number;
}

const PRESETS = {
  logistic: { layers: [] as number[], activation: 'relu', init: 'zeros', seed: 1, lr: 0.005, total: 2000, printEvery: 100 },
  shallow: { layers: [4], activation: 'tanh', init: 'small', seed: 2, lr: 1.2, total: 10000, printEvery: 1000 },
  deep: { layers: [20, 7, 5], activation: 'relu', init: 'scaled', seed: 1, lr: 0.0075, total: 2500, printEvery: 100 },
} as const;

/**
 * --model cnn, for images: Adam at 0.001 on mini-batches, He-initialized ReLU layers, float32,
 * one record per epoch. The layers and the length fit the image size: LeNet-5's layout with 16 and
 * 32 filters and dropout 0.25 for 28x28 digits (examples/cnn/digits-lenet.ts), three 3x3
 * convolutions for the 64x64 cat photos (examples/cnn/cats-cnn.ts).
 */
const CNN = {
  digits: {
    layers: ['conv:16x5:same', 'maxpool:2', 'conv:32x5', 'maxpool:2', 'flatten', 'dense:120', 'dense:84'],
    total: 15,
    batchSize: 64,
    dropout: 0.25,
  },
  photos: {
    layers: ['conv:8x3:same', 'maxpool:2', 'conv:16x3:same', 'maxpool:2', 'conv:32x3:same', 'maxpool:2', 'flatten', 'dense:32'],
    total: 30,
    batchSize: 16,
    dropout: 0,
  },
  common: { activation: 'relu', init: 'he', seed: 1, lr: 0.001, printEvery: 1, optimizer: 'adam', dtype: 'float32' },
} as const;

/** The model a data set gets when none is named: the course's pairing of data and model. */
function defaultModel(data: string): Resolved['model'] {
  const kind = parseDataSpec(data).kind;
  return kind === 'digits' ? 'cnn' : kind === 'cats' || kind === 'mnist' ? 'deep' : 'shallow';
}

export function mergeSettings(...layers: Partial<Record<SettingKey, unknown>>[]): Partial<TrainSettings> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) if (v !== undefined) merged[k] = v;
  return merged as Partial<TrainSettings>;
}

export function resolveSettings(given: Partial<TrainSettings>): Resolved {
  checkCombination(given);
  const cnnItems = given.layers?.some((v) => typeof v === 'string');
  const model =
    given.model ??
    (cnnItems
      ? 'cnn'
      : given.layers
        ? given.layers.length === 0
          ? 'logistic'
          : 'deep'
        : given.hidden !== undefined
          ? 'shallow'
          : defaultModel(given.data ?? DEFAULTS.data));
  if (model === 'cnn') return resolveCnn(given);
  const base = { ...DEFAULTS, ...given } as TrainSettings;
  const preset = PRESETS[model];
  let layers =
    (given.layers as number[] | undefined) ?? (model === 'shallow' && given.hidden !== undefined ? [given.hidden] : [...preset.layers]);
  if (model === 'logistic') layers = [];
  if (base.dropout > 0 && layers.length === 0) throw new UsageError('--dropout needs hidden layers; the logistic model has none');
  const total = given.iterations ?? given.epochs ?? preset.total;
  // The course's cadence, unless the run is too short for it to print more than the first cost.
  const printEvery = given.printEvery ?? (total > preset.printEvery ? preset.printEvery : Math.max(1, Math.ceil(total / 10)));
  return {
    ...base,
    model,
    layers,
    activation: given.activation ?? preset.activation,
    init: given.init ?? preset.init,
    seed: given.seed ?? preset.seed,
    lr: given.lr ?? (base.optimizer === 'adam' || base.optimizer === 'rmsprop' ? 0.001 : preset.lr),
    total,
    unit: given.epochs !== undefined ? 'epoch' : 'iteration',
    printEvery,
  };
}

/** The cnn's settings: its preset by data (28x28 digits or larger photos), then what was given. */
function resolveCnn(given: Partial<TrainSettings>): Resolved {
  const kind = parseDataSpec(given.data ?? DEFAULTS.data).kind;
  if (kind === 'generated' || kind === 'csv') {
    throw new UsageError(
      `--model cnn needs images, received --data ${given.data ?? DEFAULTS.data}`,
      'give --data digits, mnist:<dir> or cats:<train.h5>,<test.h5>',
    );
  }
  if (given.hidden !== undefined) throw new UsageError('--hidden sets the units of the shallow model, received --model cnn');
  const preset = kind === 'cats' ? CNN.photos : CNN.digits;
  const c = CNN.common;
  const base = { ...DEFAULTS, optimizer: c.optimizer, dtype: c.dtype, dropout: preset.dropout, ...given } as TrainSettings;
  // Plain sizes given with --model cnn are dense layers, as in the items' grammar.
  const layers = (given.layers ?? preset.layers).map((v) => (typeof v === 'number' ? `dense:${v}` : v));
  const activation = given.activation ?? c.activation;
  // The order of the items is checked now, before any data is read; sizes wait for the images.
  try {
    cnnLayers(layers.map(parseCnnItem), { activation, dropout: base.dropout, seed: 0 }, { name: 'zeros' });
  } catch (error) {
    if (error instanceof ValueProblem) throw new UsageError(`--layers: ${error.message}`);
    throw error;
  }
  return {
    ...base,
    model: 'cnn',
    layers,
    batchSize: given.batchSize ?? preset.batchSize,
    activation,
    init: given.init ?? c.init,
    seed: given.seed ?? c.seed,
    lr: given.lr ?? (base.optimizer === 'gd' || base.optimizer === 'momentum' ? 0.01 : c.lr),
    total: given.iterations ?? given.epochs ?? preset.total,
    unit: given.iterations !== undefined ? 'iteration' : 'epoch',
    printEvery: given.printEvery ?? c.printEvery,
  };
}

/** "shallow [2, 4, 1] tanh": the model's name in plots and tables (a cnn's layers are its items). */
export function modelName(s: Resolved, nx: number, outputs: number): string {
  return `${s.model} [${[nx, ...s.layers, outputs].join(', ')}]${s.layers.length ? ` ${s.activation}` : ''}`;
}

/** A one-line description for logs: "shallow [2, 4, 1] tanh, lr 1.2, 10000 iterations, float64". */
export function describeModel(s: Resolved, nx: number, outputs: number): string {
  const sizes = [nx, ...s.layers, outputs].join(', ');
  const hidden = s.layers.length ? ` ${s.activation}` : '';
  const extras = [
    s.optimizer !== 'gd' ? s.optimizer : '',
    s.batchSize ? `batch ${s.batchSize}` : '',
    s.l2 ? `l2 ${s.l2}` : '',
    s.dropout ? `dropout ${s.dropout}` : '',
  ].filter(Boolean);
  return `${s.model} [${sizes}]${hidden}, init ${s.init}, lr ${s.lr}, ${s.total} ${s.unit}s${extras.length ? `, ${extras.join(', ')}` : ''}, ${s.dtype}`;
}
