import { allocate, type FloatDType } from '../dtype.ts';
import { ValueError } from '../errors.ts';
import { sizeOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import {
  checkArray,
  checkArrayLength,
  checkFloatDType,
  checkInteger,
  checkNonNegative,
  checkNumber,
  checkOptions,
  checkShape,
  describeValue,
  wrongType,
} from '../validate.ts';
import { MT19937 } from './mt19937.ts';

export interface GeneratorState {
  key: number[];
  pos: number;
  gauss: number | null;
}

/**
 * A seeded random generator that reproduces numpy's legacy `RandomState` stream:
 * `new Generator(1).randn([2, 3])` equals `np.random.seed(1); np.random.randn(2, 3)`,
 * so the course's initial weights come out the same. Nothing in Neurite reads
 * Math.random; every random function takes a Generator or a seed.
 */
export class Generator {
  private readonly mt: MT19937;
  /** Polar Box-Muller makes two Gaussians at a time; numpy caches the second. */
  private gauss: number | null = null;

  constructor(seed: number) {
    checkInteger(seed, 'Generator', 'seed', 0, 2 ** 32 - 1);
    this.mt = new MT19937(seed);
  }

  /** One float in [0, 1) with 53 random bits, numpy's `random_sample`. */
  random(): number {
    const a = this.mt.nextUint32() >>> 5;
    const b = this.mt.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** One standard normal draw, numpy's legacy `gauss`. */
  normal(): number {
    if (this.gauss !== null) {
      const cached = this.gauss;
      this.gauss = null;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    return f * x2;
  }

  /** Uniform [0, 1) values in C order, like `np.random.rand(*shape)`. */
  rand(shape: readonly number[], dtype: FloatDType = 'float32'): Tensor {
    return this.fill('rand', shape, dtype, () => this.random());
  }

  /** Standard normal values in C order, like `np.random.randn(*shape)`. */
  randn(shape: readonly number[], dtype: FloatDType = 'float32'): Tensor {
    return this.fill('randn', shape, dtype, () => this.normal());
  }

  /** Uniform [low, high), like `np.random.uniform`. */
  uniform(low: number, high: number, shape: readonly number[], dtype: FloatDType = 'float32'): Tensor {
    checkNumber(low, 'uniform', 'low');
    checkNumber(high, 'uniform', 'high');
    if (!Number.isFinite(high - low)) throw new ValueError(`uniform: high - low must be finite, received low=${low}, high=${high}`);
    return this.fill('uniform', shape, dtype, () => low + (high - low) * this.random());
  }

  /** mean + std·N(0, 1), like `np.random.normal`. */
  normalTensor(mean: number, std: number, shape: readonly number[], dtype: FloatDType = 'float32'): Tensor {
    checkNumber(mean, 'normalTensor', 'mean');
    checkNonNegative(std, 'normalTensor', 'std');
    return this.fill('normalTensor', shape, dtype, () => mean + std * this.normal());
  }

  /**
   * Integers in [low, high), like `np.random.randint`: masked rejection sampling on
   * 32-bit words, so the stream matches numpy's for ranges below 2^32.
   */
  randint(low: number, high: number, size = 1): number[] {
    checkInteger(low, 'randint', 'low');
    checkInteger(high, 'randint', 'high');
    checkInteger(size, 'randint', 'size', 0, 2 ** 32);
    if (high <= low) throw new ValueError(`randint: expected low < high, received low=${low}, high=${high}`);
    checkArrayLength(size, 'randint', `size ${size}`);
    const range = high - low - 1;
    if (range > 0xffffffff) throw new ValueError(`randint: ranges wider than 2^32 are not supported, received ${range + 1}`);
    const mask = maskFor(range);
    return Array.from({ length: size }, () => {
      if (range === 0) return low;
      let v: number;
      do v = (this.mt.nextUint32() & mask) >>> 0;
      while (v > range);
      return low + v;
    });
  }

  /** Shuffles an array in place with numpy's legacy Fisher-Yates. */
  shuffle<T>(items: T[]): T[] {
    checkArray(items, 'shuffle', 'items');
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A shuffled 0..n-1, like `np.random.permutation(n)`. */
  permutation(n: number): number[] {
    checkInteger(n, 'permutation', 'n', 0);
    checkArrayLength(n, 'permutation', `n ${n}`);
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  getState(): GeneratorState {
    return { ...this.mt.getState(), gauss: this.gauss };
  }

  setState(state: GeneratorState): void {
    const fn = 'Generator.setState';
    checkOptions(state, fn, ['key', 'pos', 'gauss'], 'state');
    const key = checkArray(state?.key, fn, 'state.key');
    if (key.length !== 624 || !key.every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
      throw new ValueError(`${fn}: state.key must be 624 unsigned 32-bit integers, received ${describeValue(key)}`);
    }
    checkInteger(state.pos, fn, 'state.pos', 0, 624);
    if (state.gauss !== null && state.gauss !== undefined) checkNumber(state.gauss, fn, 'state.gauss');
    this.mt.setState(state);
    this.gauss = state.gauss ?? null;
  }

  /** A uniform integer in [0, max], numpy's `random_interval`. */
  private interval(max: number): number {
    if (max === 0) return 0;
    const mask = maskFor(max);
    let v: number;
    do v = (this.mt.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  private fill(fn: string, shape: readonly number[], dtype: FloatDType, draw: () => number): Tensor {
    const d = checkFloatDType(dtype, fn);
    const s = checkShape(shape, fn, 'shape', d);
    const data = allocate(d, sizeOf(s), fn);
    for (let i = 0; i < data.length; i++) data[i] = draw();
    return new Tensor(data, s);
  }
}

/** The smallest 2^k - 1 that covers `max`. */
function maskFor(max: number): number {
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

/** A Generator from a seed, or the generator itself: what every `rng` option accepts. */
export function toGenerator(rng: Generator | number, fn = 'toGenerator', arg = 'rng'): Generator {
  if (rng instanceof Generator) return rng;
  if (typeof rng !== 'number') wrongType(fn, arg, 'a Generator or an integer seed in [0, 2^32)', rng);
  checkInteger(rng, fn, arg, 0, 2 ** 32 - 1);
  return new Generator(rng);
}
