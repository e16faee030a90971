import { type DType, dtypeOf, type TypedArray } from './dtype.ts';
import { ShapeError } from './errors.ts';
import { formatTensor } from './format.ts';
import * as ops from './ops/index.ts';
import type { MatmulOptions } from './ops/linalg.ts';
import { formatShape, type Shape, sizeOf } from './shape.ts';
import { checkShape } from './validate.ts';

type Operand = Tensor | number;
type Nested = number | Nested[];

let nextId = 1;

/**
 * An n-dimensional array: contiguous row-major storage in a typed array owned by the
 * garbage collector (nothing to dispose), a shape, and a dtype. Tensors are immutable
 * by convention; ops return new tensors, and `reshape` returns a view sharing `data`.
 */
export class Tensor {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  /** Identity for autodiff tapes. */
  readonly id: number = nextId++;

  constructor(data: TypedArray, shape: Shape) {
    const dtype = dtypeOf(data, 'Tensor', 'data');
    if (!Array.isArray(shape)) checkShape(shape, 'Tensor');
    let size = 1;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i];
      // The common case costs one test per dimension; checkShape writes the message.
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) checkShape(shape, 'Tensor');
      size *= d;
    }
    if (data.length !== size) {
      throw new ShapeError(`Tensor: data of length ${data.length} does not fit shape ${formatShape(shape)} (size ${size})`);
    }
    this.data = data;
    this.shape = Object.freeze(shape.slice());
    this.dtype = dtype;
    this.size = size;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The transpose of a 2-D tensor (reversed axes in general), like numpy's `.T`. */
  get T(): Tensor {
    return ops.transpose(this);
  }

  /** The single value of a size-1 tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item: expected a tensor of size 1, received shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  /** Nested JavaScript arrays, like numpy's `tolist()`. */
  toArray(): Nested {
    const build = (dim: number, offset: number): Nested => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }

  add(b: Operand): Tensor {
    return ops.add(this, b);
  }
  sub(b: Operand): Tensor {
    return ops.sub(this, b);
  }
  mul(b: Operand): Tensor {
    return ops.mul(this, b);
  }
  div(b: Operand): Tensor {
    return ops.div(this, b);
  }
  pow(b: Operand): Tensor {
    return ops.pow(this, b);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  matmul(b: Tensor, options?: MatmulOptions): Tensor {
    return ops.matmul(this, b, options);
  }
  sum(axis?: number | number[], keepDims = false): Tensor {
    return ops.sum(this, axis, keepDims);
  }
  mean(axis?: number | number[], keepDims = false): Tensor {
    return ops.mean(this, axis, keepDims);
  }
  max(axis?: number | number[], keepDims = false): Tensor {
    return ops.max(this, axis, keepDims);
  }
  min(axis?: number | number[], keepDims = false): Tensor {
    return ops.min(this, axis, keepDims);
  }
  argMax(axis?: number): Tensor {
    return ops.argMax(this, axis);
  }
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
}
