import {
  checkFloatDType,
  checkInteger,
  checkNonNegative,
  checkNumber,
  checkSize,
  describeValue,
  type FloatArray,
  type FloatDType,
  Generator,
  type Tensor,
  ValueError,
  wrongType,
} from '@neurite/tensor';

/*
 * The datasets package's argument checks, as thin names over @neurite/tensor's validation
 * layer, so every package refuses bad input in the same words and with the same classes.
 */

/** What every `rng` option accepts: a Generator (advanced in place) or a seed. */
export type RngOption = Generator | number;

export function toRng(rng: RngOption | undefined, fallbackSeed: number, fn: string): Generator {
  if (rng === undefined) return new Generator(fallbackSeed);
  if (rng instanceof Generator) return rng;
  if (typeof rng !== 'number') wrongType(fn, 'rng', 'a Generator or an integer seed in [0, 2^32)', rng);
  checkInteger(rng, fn, 'rng', 0, 2 ** 32 - 1);
  return new Generator(rng);
}

export function floatDType(dtype: unknown, fn: string): FloatDType {
  return dtype === undefined ? 'float32' : checkFloatDType(dtype, fn);
}

export function allocate(dtype: FloatDType, size: number, fn = 'datasets'): FloatArray {
  checkSize(size, fn, `${size} values`, dtype);
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

export function positiveInt(value: unknown, fn: string, arg: string, min = 1): number {
  return checkInteger(value, fn, arg, min);
}

export function nonNegative(value: unknown, fn: string, arg: string): number {
  return checkNonNegative(value, fn, arg);
}

export function finite(value: unknown, fn: string, arg: string): number {
  return checkNumber(value, fn, arg);
}

/** Rows of a 2-D tensor as an error-message-friendly "(a, b)" string. */
export function shapeOf(t: Tensor): string {
  return `(${t.shape.join(', ')})`;
}

/** A ValueError in the house format: "fn: arg must be <expected>, received <value>". */
export function invalid(fn: string, arg: string, expected: string, received: unknown): ValueError {
  return new ValueError(`${fn}: ${arg} must be ${expected}, received ${describeValue(received)}`);
}

/**
 * The toy generators draw point by point: ten million examples take seconds, a billion would
 * look like a hang, so m is capped here (a real data set that large comes from a file).
 */
export const MAX_GENERATED = 10_000_000;

export function exampleCount(value: unknown, fn: string, arg = 'm', min = 1): number {
  return checkInteger(value, fn, arg, min, MAX_GENERATED);
}
