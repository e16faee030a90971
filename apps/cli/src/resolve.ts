import { parseDataSpec } from './data/spec.ts';
import { UsageError } from './errors.ts';
import { checkCombination, DEFAULTS, type SettingKey, type TrainSettings } from './options.ts';

/**
 * Settings with every blank filled: the chosen preset's course values where the user gave
 * none. The presets are the course's three models:
 *   logistic  week 2: one sigmoid unit, zero init, lr 0.005, 2000 iterations, cost every 100
 *   shallow   week 3: 4 tanh units, randn*0.01 from seed 2, lr 1.2, 10000 iterations, every 1000
 *   deep      week 4: ReLU [20, 7, 5], randn/sqrt(n_prev) from seed 1, lr 0.0075, 2500, every 100
 */
export interface Resolved extends TrainSettings {
  model: 'logistic' | 'shallow' | 'deep';
  layers: number[];
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

/** The model a data set gets when none is named: the course's pairing of data and model. */
function defaultModel(data: string): Resolved['model'] {
  const kind = parseDataSpec(data).kind;
  return kind === 'cats' || kind === 'mnist' ? 'deep' : 'shallow';
}

export function mergeSettings(...layers: Partial<Record<SettingKey, unknown>>[]): Partial<TrainSettings> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) if (v !== undefined) merged[k] = v;
  return merged as Partial<TrainSettings>;
}

export function resolveSettings(given: Partial<TrainSettings>): Resolved {
  checkCombination(given);
  const base = { ...DEFAULTS, ...given } as TrainSettings;
  const model =
    given.model ??
    (given.layers ? (given.layers.length === 0 ? 'logistic' : 'deep') : given.hidden !== undefined ? 'shallow' : defaultModel(base.data));
  const preset = PRESETS[model];
  let layers: number[] = given.layers ?? (model === 'shallow' && given.hidden !== undefined ? [given.hidden] : [...preset.layers]);
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

/** "shallow [2, 4, 1] tanh": the model's name in plots and tables. */
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
