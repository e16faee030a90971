import { type FloatDType, type Generator, Tensor } from '@neurite/tensor';
import { allocate, exampleCount, floatDType, nonNegative, type RngOption, toRng } from '../util.ts';

/** What every generator returns: X is (n_x, m), Y is (1, m) integer class labels 0..classes-1. */
export interface Labeled {
  X: Tensor;
  Y: Tensor;
}

/**
 * Points built example by example in float64 (n_x rows, m columns), then shuffled and
 * noised in scikit-learn's order, and only at the end cast to the requested dtype.
 */
export class Points {
  readonly X: Float64Array;
  readonly Y: Float64Array;

  constructor(
    readonly nx: number,
    readonly m: number,
  ) {
    this.X = new Float64Array(nx * m);
    this.Y = new Float64Array(m);
  }

  set(i: number, label: number, ...coords: number[]): void {
    for (let f = 0; f < this.nx; f++) this.X[f * this.m + i] = coords[f];
    this.Y[i] = label;
  }

  /** sklearn's `util.shuffle(X, y)`: `indices = arange(m); rng.shuffle(indices); X[indices]`. */
  shuffle(rng: Generator): void {
    const idx = rng.permutation(this.m);
    const X = this.X.slice();
    const Y = this.Y.slice();
    for (let i = 0; i < this.m; i++) {
      for (let f = 0; f < this.nx; f++) this.X[f * this.m + i] = X[f * this.m + idx[i]];
      this.Y[i] = Y[idx[i]];
    }
  }

  /** `X += rng.normal(scale=noise, size=(m, n_x))`: draws in C order of the (m, n_x) array. */
  addGaussianNoise(rng: Generator, noise: number): void {
    for (let i = 0; i < this.m; i++) for (let f = 0; f < this.nx; f++) this.X[f * this.m + i] += noise * rng.normal();
  }

  toTensors(dtype: FloatDType): Labeled {
    const X = allocate(dtype, this.X.length);
    X.set(this.X);
    const Y = allocate(dtype, this.m);
    Y.set(this.Y);
    return { X: new Tensor(X, [this.nx, this.m]), Y: new Tensor(Y, [1, this.m]) };
  }
}

/** numpy's linspace, endpoint included or not. */
export function linspace(start: number, stop: number, num: number, endpoint = true): Float64Array {
  const out = new Float64Array(num);
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/** The options every generator shares, validated; the default seed is 0. */
export function common(options: { m?: number; rng?: RngOption; dtype?: FloatDType; noise?: number; shuffle?: boolean }, fn: string) {
  return {
    m: exampleCount(options.m === undefined ? 400 : options.m, fn, 'm'),
    rng: toRng(options.rng, 0, fn),
    dtype: floatDType(options.dtype, fn),
    noise: nonNegative(options.noise ?? 0, fn, 'noise'),
    shuffle: options.shuffle ?? true,
  };
}
