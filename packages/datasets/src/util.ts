import { DTypeError, type FloatArray, type FloatDType, Generator, type Tensor, ValueError } from '@neurite/tensor';

/** What every `rng` option accepts: a Generator (advanced in place) or a seed. */
export type RngOption = Generator | number;

export function toRng(rng: RngOption | undefined, fallbackSeed: number, fn: string): Generator {
  if (rng === undefined) return new Generator(fallbackSeed);
  if (rng instanceof Generator) return rng;
  if (typeof rng === 'number') return new Generator(rng);
  throw new ValueError(`${fn}: rng must be a Generator or an integer seed, received ${typeof rng}`);
}

export function floatDType(dtype: unknown, fn: string): FloatDType {
  if (dtype === undefined) return 'float32';
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new DTypeError(`${fn}: dtype must be 'float32' or 'float64', received ${JSON.stringify(dtype)}`);
}

export function allocate(dtype: FloatDType, size: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

export function positiveInt(value: unknown, fn: string, arg: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValueError(`${fn}: ${arg} must be an integer >= ${min}, received ${String(value)}`);
  }
  return value;
}

export function nonNegative(value: unknown, fn: string, arg: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(`${fn}: ${arg} must be a finite number >= 0, received ${String(value)}`);
  }
  return value;
}

export function finite(value: unknown, fn: string, arg: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`${fn}: ${arg} must be a finite number, received ${String(value)}`);
  }
  return value;
}

/** Rows of a 2-D tensor as an error-message-friendly "(a, b)" string. */
export function shapeOf(t: Tensor): string {
  return `(${t.shape.join(', ')})`;
}

/** A ValueError in the house format: "fn: arg must be <expected>, received <value>". */
export function invalid(fn: string, arg: string, expected: string, received: unknown): ValueError {
  return new ValueError(`${fn}: ${arg} must be ${expected}, received ${String(received)}`);
}
