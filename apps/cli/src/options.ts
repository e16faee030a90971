import { type Command, InvalidArgumentError, Option } from 'commander';
import { layerList } from './cnn.ts';
import { UsageError } from './errors.ts';
import { boolean, choice, integer, list, number, type Parser, text, ValueProblem } from './parse.ts';

/**
 * Every training setting, once: the flag, its help, its parser. `train`, `sweep` and config
 * files all read this table, so a setting is spelled and validated the same way everywhere.
 */
export const MODELS = ['logistic', 'shallow', 'deep', 'cnn'] as const;
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'leaky-relu'] as const;
export const INITS = ['small', 'scaled', 'he', 'xavier', 'zeros'] as const;
export const OPTIMIZERS = ['gd', 'momentum', 'rmsprop', 'adam'] as const;
export const BACKENDS = ['auto', 'js', 'native', 'wasm'] as const;
export const DTYPES = ['float64', 'float32'] as const;

export interface TrainSettings {
  data: string;
  testData?: string;
  testSplit: number;
  validationSplit?: number;
  label?: string;
  model?: (typeof MODELS)[number];
  /** Hidden sizes of the dense models, or the items of a cnn (canonical strings). */
  layers?: number[] | string[];
  hidden?: number;
  activation?: (typeof ACTIVATIONS)[number];
  init?: (typeof INITS)[number];
  lr?: number;
  iterations?: number;
  epochs?: number;
  batchSize?: number;
  optimizer: (typeof OPTIMIZERS)[number];
  l2: number;
  dropout: number;
  backend: (typeof BACKENDS)[number];
  dtype: (typeof DTYPES)[number];
  seed?: number;
  out?: string;
  overwrite: boolean;
  printEvery?: number;
  json: boolean;
  plot?: string;
  resume?: string;
  quiet: boolean;
}

export type SettingKey = keyof TrainSettings;

export interface SettingSpec {
  key: SettingKey;
  flags: string;
  help: string;
  parse: Parser<unknown>;
  /** May take a comma-separated list of values in `neurite sweep`. */
  sweepable?: boolean;
}

export const SETTINGS: SettingSpec[] = [
  {
    key: 'data',
    flags: '-d, --data <spec>',
    help: 'training data: planar | circles | moons | blobs | xor | spiral | gaussian | cats:<train.h5>,<test.h5> | csv:<file> | mnist:<dir> | digits[:seed=<n>] (default: planar)',
    parse: text('a data spec'),
  },
  {
    key: 'testData',
    flags: '--test-data <spec>',
    help: 'held-out data in the same form as --data (cats, mnist and digits bring their own)',
    parse: text('a data spec'),
  },
  {
    key: 'testSplit',
    flags: '--test-split <fraction>',
    help: 'hold out this fraction of the training data as a test set (default: 0)',
    parse: number({ min: 0, max: 0.9 }),
  },
  {
    key: 'validationSplit',
    flags: '--validation-split <fraction>',
    help: 'hold out this fraction of the training data (a seeded random pick) and report val_loss and val_accuracy on it; without it, --test-data or --test-split data is the validation set',
    parse: number({ min: 0, max: 0.9, exclusiveMin: true }),
  },
  {
    key: 'label',
    flags: '--label <name|index>',
    help: 'label column of a CSV file, by header name or 0-based index (default: the last column)',
    parse: text('a column name or index'),
  },
  {
    key: 'model',
    flags: '-m, --model <kind>',
    help: `model preset: ${MODELS.join(' | ')} (the course's three models, and a convolutional network for images)`,
    parse: choice(MODELS),
  },
  {
    key: 'layers',
    flags: '--layers <sizes>',
    help: 'hidden-layer sizes, e.g. 20,7,5, or the layers of a cnn, e.g. conv:6x5:same,maxpool:2,conv:16x5,maxpool:2,flatten,dense:84 (input and output layers come from the data; see the README)',
    parse: layerList(),
    sweepable: true,
  },
  {
    key: 'hidden',
    flags: '--hidden <units>',
    help: 'hidden units of the shallow model (default: 4)',
    parse: integer(1, 100_000),
    sweepable: true,
  },
  {
    key: 'activation',
    flags: '--activation <name>',
    help: `hidden activation: ${ACTIVATIONS.join(' | ')}`,
    parse: choice(ACTIVATIONS),
    sweepable: true,
  },
  {
    key: 'init',
    flags: '--init <scheme>',
    help: "initial weights: small (randn*0.01) | scaled (randn/sqrt(n_prev), the course's deep model) | he | xavier | zeros",
    parse: choice(INITS),
    sweepable: true,
  },
  { key: 'lr', flags: '--lr <rate>', help: 'learning rate', parse: number({ min: 0, exclusiveMin: true }), sweepable: true },
  { key: 'iterations', flags: '-n, --iterations <count>', help: 'passes over the training data', parse: integer(1), sweepable: true },
  {
    key: 'epochs',
    flags: '--epochs <count>',
    help: 'same as --iterations, reported as epochs (usual with --batch-size)',
    parse: integer(1),
    sweepable: true,
  },
  { key: 'batchSize', flags: '--batch-size <size>', help: 'mini-batch size (default: full batch)', parse: integer(1), sweepable: true },
  {
    key: 'optimizer',
    flags: '--optimizer <name>',
    help: `${OPTIMIZERS.join(' | ')} (default: gd)`,
    parse: choice(OPTIMIZERS),
    sweepable: true,
  },
  { key: 'l2', flags: '--l2 <lambda>', help: 'L2 regularization strength lambda (default: 0)', parse: number({ min: 0 }), sweepable: true },
  {
    key: 'dropout',
    flags: '--dropout <rate>',
    help: 'dropout rate after each hidden layer, 1 - keep_prob (default: 0)',
    parse: number({ min: 0, max: 0.95 }),
    sweepable: true,
  },
  { key: 'backend', flags: '--backend <name>', help: 'auto | js | native | wasm (default: auto)', parse: choice(BACKENDS) },
  {
    key: 'dtype',
    flags: '--dtype <dtype>',
    help: "float64 (default: the course's numbers exactly) | float32 (faster)",
    parse: choice(DTYPES),
  },
  {
    key: 'seed',
    flags: '--seed <n>',
    help: "seed of numpy's legacy generator for the weights (default: the course's)",
    parse: integer(0, 2 ** 32 - 1),
    sweepable: true,
  },
  {
    key: 'out',
    flags: '-o, --out <dir>',
    help: 'save the trained model to this folder (model.json + weights.safetensors)',
    parse: text('a folder path'),
  },
  {
    key: 'overwrite',
    flags: '--overwrite',
    help: 'replace the model already saved in --out (without it, an existing model there is an error)',
    parse: boolean(),
  },
  {
    key: 'printEvery',
    flags: '--print-every <n>',
    help: "print the cost every n iterations (default: the course's, 100 or 1000)",
    parse: integer(1),
  },
  { key: 'json', flags: '--json', help: 'one JSON object per line on stdout, for scripts', parse: boolean() },
  {
    key: 'plot',
    flags: '--plot <file>',
    help: 'write the loss and accuracy curves (train and validation) to an .svg or .png file',
    parse: text('a file path'),
  },
  { key: 'resume', flags: '--resume <dir>', help: 'continue training from a checkpoint or model folder', parse: text('a folder path') },
  { key: 'quiet', flags: '-q, --quiet', help: 'no progress bar or cost lines, only the result', parse: boolean() },
];

export const DEFAULTS: Pick<
  TrainSettings,
  'data' | 'testSplit' | 'optimizer' | 'l2' | 'dropout' | 'backend' | 'dtype' | 'json' | 'quiet' | 'overwrite'
> = {
  data: 'planar',
  testSplit: 0,
  optimizer: 'gd',
  l2: 0,
  dropout: 0,
  backend: 'auto',
  dtype: 'float64',
  json: false,
  quiet: false,
  overwrite: false,
};

/** The long flag of a setting, for messages: `lr` -> `--lr`, `batchSize` -> `--batch-size`. */
export function flagOf(key: string): string {
  const spec = SETTINGS.find((s) => s.key === key);
  return spec ? (spec.flags.match(/--[a-z0-9-]+/)?.[0] ?? key) : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Commander calls this with the raw string; a ValueProblem becomes "option '--lr <rate>' argument 'x' is invalid. ...". */
export function commanderParser<T>(parse: Parser<T>): (raw: string) => T {
  return (raw) => {
    try {
      return parse(raw);
    } catch (error) {
      if (error instanceof ValueProblem) throw new InvalidArgumentError(`${error.message[0].toUpperCase()}${error.message.slice(1)}.`);
      throw error;
    }
  };
}

/** Adds the settings (all of them, or `keys`) to a command; in a sweep, sweepable ones take lists. */
export function addSettings(command: Command, options: { keys?: SettingKey[]; sweep?: boolean } = {}): Command {
  for (const spec of SETTINGS) {
    if (options.keys && !options.keys.includes(spec.key)) continue;
    const asList = options.sweep && spec.sweepable;
    const help = asList ? `${spec.help}; a comma-separated list sweeps over the values` : spec.help;
    const option = new Option(spec.flags, help);
    if (option.required) option.argParser(commanderParser(asList ? sweepValues(spec) : spec.parse));
    command.addOption(option);
  }
  return command;
}

/** A sweep's values of one setting: "0.1,0.01", or for --layers, sizes separated by ';' ("20,7,5;10,5"). */
export function sweepValues(spec: SettingSpec): Parser<unknown[]> {
  if (spec.key !== 'layers') return list(spec.parse);
  return (raw) => {
    const items = Array.isArray(raw) ? raw : String(raw).split(';');
    return items.map((item) => spec.parse(item));
  };
}

/** Only the settings the user gave (flags), without commander's bookkeeping keys. */
export function givenSettings(command: Command): Partial<Record<SettingKey, unknown>> {
  const values = command.opts();
  const given: Partial<Record<SettingKey, unknown>> = {};
  for (const spec of SETTINGS) {
    if (values[spec.key] !== undefined && command.getOptionValueSource(spec.key) === 'cli') given[spec.key] = values[spec.key];
  }
  return given;
}

/** Checks a combination of settings that no single parser can see. */
export function checkCombination(settings: Partial<TrainSettings>): void {
  if (settings.iterations !== undefined && settings.epochs !== undefined) {
    throw new UsageError('--iterations and --epochs are the same setting; give one of them');
  }
  const cnnLayers = settings.layers?.some((v) => typeof v === 'string');
  if (settings.model && settings.model !== 'cnn' && settings.layers) {
    throw new UsageError(
      `--model ${settings.model} and --layers both choose the model; give one of them`,
      cnnLayers ? 'conv, pool and flatten layers make a cnn: --model cnn, or no --model' : undefined,
    );
  }
  if (settings.hidden !== undefined && settings.model && settings.model !== 'shallow') {
    throw new UsageError(`--hidden sets the units of the shallow model, received --model ${settings.model}`);
  }
  if (settings.hidden !== undefined && settings.layers)
    throw new UsageError('--hidden and --layers both set hidden sizes; give one of them');
}
