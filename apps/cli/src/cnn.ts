import {
  Activation,
  type ActivationName,
  AveragePool2D,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  GlobalAveragePooling2D,
  type InitializerConfig,
  type Layer,
  MaxPool2D,
} from '@neurite/layers';
import { ValueProblem } from './parse.ts';

/**
 * The --layers mini-language of --model cnn: comma-separated items, in order between the input
 * and the output layer (which comes from the data, as for the other models):
 *
 *   conv:<filters>x<size>[x<size>][:same|:valid][:stride=<n>][:<activation>]   Conv2D (default valid, stride 1, --activation)
 *   maxpool:<size>[:stride=<n>]   avgpool:<size>[:stride=<n>]                  pooling (stride defaults to the size)
 *   gap   flatten   batchnorm   dropout:<rate>                                 GlobalAveragePooling2D, Flatten, ...
 *   dense:<units>[:<activation>]   or just <units>                             Dense (--activation by default)
 *   relu | tanh | sigmoid | leaky-relu | elu | selu | gelu | softplus | silu   an activation layer of its own
 *
 * Items are kept in a canonical spelling (`conv:8x3x3:valid:stride=1` is `conv:8x3`), so a
 * saved model's settings read back as they were written.
 */
export type CnnItem =
  | { kind: 'conv'; filters: number; size: [number, number]; padding: 'same' | 'valid'; stride: number; activation?: ActivationFlag }
  | { kind: 'maxpool' | 'avgpool'; size: number; stride?: number }
  | { kind: 'gap' | 'flatten' | 'batchnorm' }
  | { kind: 'dropout'; rate: number }
  | { kind: 'dense'; units: number; activation?: ActivationFlag }
  | { kind: 'activation'; activation: ActivationFlag };

export const CNN_ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'leaky-relu', 'linear', 'elu', 'selu', 'gelu', 'softplus', 'silu'] as const;
export type ActivationFlag = (typeof CNN_ACTIVATIONS)[number];

const isActivation = (s: string): s is ActivationFlag => (CNN_ACTIVATIONS as readonly string[]).includes(s);

function count(text: string, what: string, item: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isInteger(n) && n >= 1 && n <= 100_000))
    throw new ValueProblem(`'${item}': ${what} must be an integer in [1, 100000], received '${text}'`);
  return n;
}

const GRAMMAR =
  'conv:<filters>x<size>, maxpool:<size>, avgpool:<size>, gap, flatten, batchnorm, dropout:<rate>, dense:<units> or an activation';

/** One item of the list, or a ValueProblem saying what was expected. */
export function parseCnnItem(raw: string): CnnItem {
  const item = raw.trim().toLowerCase();
  if (/^\d+$/.test(item)) return { kind: 'dense', units: count(item, 'units', item) };
  if (isActivation(item)) return { kind: 'activation', activation: item };
  const [head, arg = '', ...extras] = item.split(':');
  const options = (allowed: string[]) => {
    const found: Record<string, string> = {};
    for (const extra of extras) {
      const [key, value] = extra.includes('=') ? extra.split('=') : isActivation(extra) ? ['activation', extra] : ['padding', extra];
      if (!allowed.includes(key) || (key === 'padding' && value !== 'same' && value !== 'valid')) {
        throw new ValueProblem(`'${raw}': unknown option '${extra}' (${head} takes ${allowed.join(', ')})`);
      }
      if (key in found) throw new ValueProblem(`'${raw}': ${key} is given twice`);
      found[key] = value;
    }
    return found;
  };
  switch (head) {
    case 'conv': {
      const dims = arg.split('x');
      if (dims.length < 2 || dims.length > 3)
        throw new ValueProblem(`'${raw}': expected conv:<filters>x<size> or conv:<filters>x<rows>x<columns>, such as conv:8x3`);
      const [filters, rows, cols = rows] = dims.map((d) => count(d, 'each of filters and kernel size', raw));
      const o = options(['padding', 'stride', 'activation']);
      return {
        kind: 'conv',
        filters,
        size: [rows, cols],
        padding: (o.padding as 'same' | 'valid' | undefined) ?? 'valid',
        stride: o.stride === undefined ? 1 : count(o.stride, 'stride', raw),
        ...(o.activation ? { activation: o.activation as ActivationFlag } : {}),
      };
    }
    case 'maxpool':
    case 'avgpool': {
      const size = count(arg, 'the pool size', raw);
      const o = options(['stride']);
      return { kind: head, size, ...(o.stride !== undefined ? { stride: count(o.stride, 'stride', raw) } : {}) };
    }
    case 'gap':
    case 'flatten':
    case 'batchnorm':
      if (arg !== '' || extras.length) throw new ValueProblem(`'${raw}': ${head} takes no arguments`);
      return { kind: head };
    case 'dropout': {
      const rate = Number(arg);
      if (arg === '' || !(rate >= 0 && rate < 1))
        throw new ValueProblem(`'${raw}': expected dropout:<rate> with a rate in [0, 1), such as dropout:0.25`);
      options([]);
      return { kind: 'dropout', rate };
    }
    case 'dense': {
      const units = count(arg, 'units', raw);
      const o = options(['activation']);
      return { kind: 'dense', units, ...(o.activation ? { activation: o.activation as ActivationFlag } : {}) };
    }
    default:
      throw new ValueProblem(`unknown layer '${raw}': expected ${GRAMMAR}`);
  }
}

/** The canonical spelling of an item. */
export function formatCnnItem(item: CnnItem): string {
  switch (item.kind) {
    case 'conv': {
      const [r, c] = item.size;
      return [
        `conv:${item.filters}x${r}${c !== r ? `x${c}` : ''}`,
        item.padding === 'same' ? 'same' : '',
        item.stride !== 1 ? `stride=${item.stride}` : '',
        item.activation ?? '',
      ]
        .filter(Boolean)
        .join(':');
    }
    case 'maxpool':
    case 'avgpool':
      return `${item.kind}:${item.size}${item.stride !== undefined && item.stride !== item.size ? `:stride=${item.stride}` : ''}`;
    case 'dropout':
      return `dropout:${item.rate}`;
    case 'dense':
      return `dense:${item.units}${item.activation ? `:${item.activation}` : ''}`;
    case 'activation':
      return item.activation;
    default:
      return item.kind;
  }
}

/** True for a list that only a cnn can hold (anything but plain sizes). */
export function isCnnList(items: readonly (string | number)[]): boolean {
  return items.some((v) => typeof v === 'string' && !/^\s*\d+\s*$/.test(v));
}

const layerActivation = (a: ActivationFlag): ActivationName => (a === 'leaky-relu' ? 'leakyRelu' : a);

/**
 * The hidden layers of a cnn: the items in order, with `activation` where
 * an item names none, and a Flatten added at the end when the last item leaves images (the
 * output layer is a Dense). Dense after images without a Flatten is an error that says so.
 */
export function cnnLayers(
  items: readonly CnnItem[],
  s: { activation: ActivationFlag; dropout: number; seed: number },
  kernelInitializer: InitializerConfig,
): Layer[] {
  const { activation, dropout } = s;
  // Dropout layers draw from seeds of their own, as the deep model's do, so a resumed run drops as an uninterrupted one.
  const dropoutSeed = () => s.seed + layers.length + 1;
  const layers: Layer[] = [];
  let images = true;
  for (const [i, item] of items.entries()) {
    const text = formatCnnItem(item);
    const needImages = () => {
      if (!images) throw new ValueProblem(`'${text}' (item ${i + 1}) needs images, but an earlier flatten, gap or dense made columns`);
    };
    switch (item.kind) {
      case 'conv':
        needImages();
        layers.push(
          new Conv2D(item.filters, item.size, {
            padding: item.padding,
            strides: item.stride,
            activation: layerActivation(item.activation ?? activation),
            kernelInitializer,
          }),
        );
        break;
      case 'maxpool':
      case 'avgpool': {
        needImages();
        const Pool = item.kind === 'maxpool' ? MaxPool2D : AveragePool2D;
        layers.push(new Pool(item.size, item.stride !== undefined ? { strides: item.stride } : {}));
        break;
      }
      case 'gap':
      case 'flatten':
        needImages();
        layers.push(item.kind === 'gap' ? new GlobalAveragePooling2D() : new Flatten());
        images = false;
        break;
      case 'dense':
        if (images) throw new ValueProblem(`'${text}' (item ${i + 1}) takes columns: put flatten (or gap) before it`);
        layers.push(new Dense(item.units, { activation: layerActivation(item.activation ?? activation), kernelInitializer }));
        if (dropout > 0) layers.push(new Dropout(dropout, { seed: dropoutSeed() }));
        break;
      case 'batchnorm':
        layers.push(new BatchNormalization());
        break;
      case 'dropout':
        layers.push(new Dropout(item.rate, { seed: dropoutSeed() }));
        break;
      case 'activation':
        layers.push(new Activation(layerActivation(item.activation)));
        break;
    }
  }
  if (images) layers.push(new Flatten());
  return layers;
}

/**
 * --layers: hidden sizes ("20,7,5", "" or "none" for none) for the dense models, or cnn items
 * ("conv:6x5:same,maxpool:2,flatten,dense:84"), which come back in their canonical spelling.
 */
export function layerList(): (raw: unknown) => number[] | string[] {
  return (raw) => {
    if (raw === '' || raw === 'none' || (Array.isArray(raw) && raw.length === 0)) return [];
    const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : [raw];
    if (items.some((s) => s === '' || (typeof s !== 'string' && typeof s !== 'number'))) {
      throw new ValueProblem(`expected a comma-separated list, received ${JSON.stringify(raw)}`);
    }
    if (!isCnnList(items as (string | number)[])) {
      return items.map((v, i) => {
        const n = Number(v);
        if (!(Number.isInteger(n) && n >= 1 && n <= 100_000))
          throw new ValueProblem(`item ${i + 1}: expected an integer in [1, 100000], received ${JSON.stringify(v)}`);
        return n;
      });
    }
    return items.map((v) => formatCnnItem(parseCnnItem(String(v))));
  };
}
