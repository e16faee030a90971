import type { BinaryOp, UnaryOp } from '../../backend.ts';
import type { FloatArray, TypedArray } from '../../dtype.ts';
import { BackendError } from '../../errors.ts';
import { broadcastStrides, type Shape } from '../../shape.ts';
import type { Tensor } from '../../tensor.ts';
import { sigmoid32, tanh32 } from './math32.ts';
import { elu, erf, gelu, selu, silu, softplus } from './special.ts';
import { forEachRun } from './strided.ts';

/**
 * Never NaN: for z = -1000, e^1000 overflows to Infinity and 1 / Infinity is exactly 0;
 * for z = +1000, e^-1000 underflows to 0 and the result is exactly 1. JavaScript computes
 * in float64, so float32 inputs cannot overflow earlier.
 */
export function sigmoidScalar(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * IEEE 754's pow, as numpy and C have it: 1^y = 1 and x^0 = 1 for every x and y, NaN included,
 * and (−1)^±∞ = 1. JavaScript's `**` gives NaN for 1 ** NaN and (±1) ** ±Infinity.
 */
export function ieeePow(a: number, b: number): number {
  if (a === 1 || b === 0 || ((b === Number.POSITIVE_INFINITY || b === Number.NEGATIVE_INFINITY) && (a === -1 || a === 1))) return 1;
  return a ** b;
}

export function unary(op: UnaryOp, x: Tensor, out: FloatArray, alpha: number): void {
  const a = x.data;
  const n = a.length;
  // One loop per op: a switch inside the loop would cost more than the math.
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -a[i];
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]);
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(a[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
      return;
    case 'square':
      for (let i = 0; i < n; i++) out[i] = a[i] * a[i];
      return;
    case 'sign':
      for (let i = 0; i < n; i++) out[i] = a[i] > 0 ? 1 : a[i] < 0 ? -1 : a[i];
      return;
    case 'sigmoid':
      // float32 results take math32's inline versions: faster than Math's, the same float32 values.
      if (out instanceof Float32Array) for (let i = 0; i < n; i++) out[i] = sigmoid32(a[i]);
      else for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-a[i]));
      return;
    case 'tanh':
      if (out instanceof Float32Array) for (let i = 0; i < n; i++) out[i] = tanh32(a[i]);
      else for (let i = 0; i < n; i++) out[i] = Math.tanh(a[i]);
      return;
    case 'relu':
      // a > 0 ? a : 0 would turn NaN into 0; numpy's maximum(0, NaN) is NaN.
      for (let i = 0; i < n; i++) out[i] = a[i] < 0 ? 0 : a[i];
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) out[i] = a[i] < 0 ? alpha * a[i] : a[i];
      return;
    case 'erf':
      for (let i = 0; i < n; i++) out[i] = erf(a[i]);
      return;
    case 'elu':
      for (let i = 0; i < n; i++) out[i] = elu(a[i], alpha);
      return;
    case 'selu':
      for (let i = 0; i < n; i++) out[i] = selu(a[i]);
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) out[i] = gelu(a[i]);
      return;
    case 'softplus':
      for (let i = 0; i < n; i++) out[i] = softplus(a[i]);
      return;
    case 'silu':
      for (let i = 0; i < n; i++) out[i] = silu(a[i]);
      return;
    default:
      unknownOp('unary', op);
  }
}

/** An op the op layer let through but this backend lacks: an error, never an unwritten output. */
export function unknownOp(kind: string, op: never): never {
  throw new BackendError(`js backend: unknown ${kind} op '${String(op)}'`);
}

export function binary(op: BinaryOp, x: Tensor, y: Tensor, out: FloatArray, outShape: Shape): void {
  const a = x.data;
  const b = y.data;
  if (x.size === out.length && y.size === out.length) {
    binaryRun(op, a, 0, 1, b, 0, 1, out, 0, out.length);
    return;
  }
  const strides = [broadcastStrides(x.shape, outShape), broadcastStrides(y.shape, outShape)];
  forEachRun(outShape, strides, (off, o, inner, n) => binaryRun(op, a, off[0], inner[0], b, off[1], inner[1], out, o, n));
}

function binaryRun(
  op: BinaryOp,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  out: FloatArray,
  o: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] + b[ib + i * sb];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] - b[ib + i * sb];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] * b[ib + i * sb];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] / b[ib + i * sb];
      return;
    case 'pow':
      for (let i = 0; i < n; i++) out[o + i] = ieeePow(a[ia + i * sa], b[ib + i * sb]);
      return;
    case 'maximum':
      for (let i = 0; i < n; i++) out[o + i] = nanMax(a[ia + i * sa], b[ib + i * sb]);
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) out[o + i] = nanMin(a[ia + i * sa], b[ib + i * sb]);
      return;
    case 'equal':
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] === b[ib + i * sb] ? 1 : 0;
      return;
    case 'notEqual':
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] !== b[ib + i * sb] ? 1 : 0;
      return;
    case 'less':
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] < b[ib + i * sb] ? 1 : 0;
      return;
    case 'lessEqual':
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] <= b[ib + i * sb] ? 1 : 0;
      return;
    case 'greater':
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] > b[ib + i * sb] ? 1 : 0;
      return;
    case 'greaterEqual':
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] >= b[ib + i * sb] ? 1 : 0;
      return;
    default:
      unknownOp('binary', op);
  }
}

/** numpy's maximum and minimum propagate NaN; Math.max does too, but is slower here. */
function nanMax(p: number, q: number): number {
  return p > q || p !== p ? p : q;
}

function nanMin(p: number, q: number): number {
  return p < q || p !== p ? p : q;
}

export function where(cond: Tensor, x: Tensor, y: Tensor, out: FloatArray, outShape: Shape): void {
  const c = cond.data;
  const a = x.data;
  const b = y.data;
  const strides = [cond, x, y].map((t) => broadcastStrides(t.shape, outShape));
  forEachRun(outShape, strides, (off, o, inner, n) => {
    for (let i = 0; i < n; i++) {
      out[o + i] = c[off[0] + i * inner[0]] !== 0 ? a[off[1] + i * inner[1]] : b[off[2] + i * inner[2]];
    }
  });
}

export function clip(x: Tensor, min: number, max: number, out: FloatArray): void {
  const a = x.data;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    out[i] = v < min ? min : v > max ? max : v;
  }
}
