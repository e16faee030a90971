import { record } from '../autodiff/tape.ts';
import type { BinaryOp, UnaryOp } from '../backend.ts';
import { promote } from '../dtype.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { broadcastShapes, type Shape, sizeOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { assertNumber, assertTensor, asTensor, backend, castData, floatOf, type Operand, overwrittenOutput } from './util.ts';

/** Validates, broadcasts and promotes once; the backend only computes. */
function binary(op: BinaryOp, a: Operand, b: Operand): Tensor {
  const dtypeHint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float32';
  const x = asTensor(a, dtypeHint, op, 'a');
  const y = asTensor(b, dtypeHint, op, 'b');
  const dtype = promote(x.dtype, y.dtype);
  const shape = broadcastFor(op, x.shape, y.shape);
  const out = overwrittenOutput(dtype, sizeOf(shape), op, shape);
  backend().binary(op, castData(x, dtype), castData(y, dtype), out, shape);
  const result = new Tensor(out, shape);
  return isComparison(op) ? result : record(op, [x, y], result);
}

function broadcastFor(fn: string, ...shapes: Shape[]): number[] {
  try {
    return broadcastShapes(...shapes);
  } catch (error) {
    throw new ShapeError(`${fn}: ${(error as Error).message}`);
  }
}

function isComparison(op: BinaryOp): boolean {
  return op !== 'add' && op !== 'sub' && op !== 'mul' && op !== 'div' && op !== 'pow' && op !== 'maximum' && op !== 'minimum';
}

export function unary(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  assertTensor(x, op);
  const dtype = floatOf(x);
  const out = overwrittenOutput(dtype, x.size, op, x.shape);
  const input = castData(x, dtype);
  backend().unary(op, input, out, alpha);
  return op === 'sign' ? new Tensor(out, x.shape) : record(op, [x], new Tensor(out, x.shape), { alpha });
}

export const add = (a: Operand, b: Operand): Tensor => binary('add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => binary('sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary('mul', a, b);
export const div = (a: Operand, b: Operand): Tensor => binary('div', a, b);
export const pow = (a: Operand, b: Operand): Tensor => binary('pow', a, b);
export const maximum = (a: Operand, b: Operand): Tensor => binary('maximum', a, b);
export const minimum = (a: Operand, b: Operand): Tensor => binary('minimum', a, b);
/** Comparisons return 1 or 0 in the operands' float dtype, ready for `mean` as an accuracy. */
export const equal = (a: Operand, b: Operand): Tensor => binary('equal', a, b);
export const notEqual = (a: Operand, b: Operand): Tensor => binary('notEqual', a, b);
export const less = (a: Operand, b: Operand): Tensor => binary('less', a, b);
export const lessEqual = (a: Operand, b: Operand): Tensor => binary('lessEqual', a, b);
export const greater = (a: Operand, b: Operand): Tensor => binary('greater', a, b);
export const greaterEqual = (a: Operand, b: Operand): Tensor => binary('greaterEqual', a, b);

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** log(0) is -inf, as in numpy; losses clip before calling it. */
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const sign = (x: Tensor): Tensor => unary('sign', x);
/** The error function, 2/√π ∫₀ˣ e^(−t²) dt, within an ulp or so (fdlibm's approximations). */
export const erf = (x: Tensor): Tensor => unary('erf', x);

/** cond ? a : b elementwise, all three broadcast together. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  assertTensor(cond, 'where', 'cond');
  const hint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : floatOf(cond);
  const x = asTensor(a, hint, 'where', 'a');
  const y = asTensor(b, hint, 'where', 'b');
  const dtype = promote(x.dtype, y.dtype);
  const shape = broadcastFor('where', cond.shape, x.shape, y.shape);
  const out = overwrittenOutput(dtype, sizeOf(shape), 'where', shape);
  backend().where(castData(cond, dtype), castData(x, dtype), castData(y, dtype), out, shape);
  return record('where', [cond, x, y], new Tensor(out, shape));
}

/** Limits values to [min, max], like numpy's clip. */
export function clip(x: Tensor, min: number, max: number): Tensor {
  assertTensor(x, 'clip');
  assertNumber(min, 'clip', 'min');
  assertNumber(max, 'clip', 'max');
  if (min > max) throw new ValueError(`clip: min (${min}) must not exceed max (${max})`);
  const dtype = floatOf(x);
  const out = overwrittenOutput(dtype, x.size, 'clip', x.shape);
  backend().clip(castData(x, dtype), min, max, out);
  return record('clip', [x], new Tensor(out, x.shape), { min, max });
}
