/**
 * @neurite/tensor: n-dimensional arrays with numpy's broadcasting, the op set of a
 * deep-learning course and beyond, autodiff, numpy-compatible random numbers, and a
 * pluggable backend (pure TypeScript built in).
 */

export { grad, type ValueAndGrad, type Vjp, valueAndGrad, vjp } from './autodiff/grad.ts';
export { type GradCheckResult, gradCheck } from './autodiff/gradcheck.ts';
export {
  ACTIVATIONS,
  type Activation,
  type AdamStep,
  type Backend,
  type BackendCore,
  type BackendOptional,
  type BinaryOp,
  type Conv2dGeometry,
  type Gemm,
  POINTWISE_ACTIVATIONS,
  type PointwiseActivation,
  type Pool2dGeometry,
  type PoolMode,
  type ReduceOp,
  type UnaryOp,
} from './backend.ts';
export { defineBackend } from './backend-defaults.ts';
export { jsBackend } from './backends/js/index.ts';
export { getThreads, setThreads, threadInfo } from './backends/js/threads/pool.ts';
export { arange, eye, full, linspace, type NestedArray, ones, onesLike, scalar, tensor, zeros, zerosLike } from './creation.ts';
export { type DType, type FloatArray, type FloatDType, promote, type TypedArray } from './dtype.ts';
export { AllocationError, ArgumentTypeError, BackendError, DTypeError, NeuriteError, ShapeError, ValueError } from './errors.ts';
export * from './ops/index.ts';
export { Generator, type GeneratorState, toGenerator } from './random/generator.ts';
export {
  type BackendImpl,
  type BackendInfo,
  type BackendPlugin,
  backendInfo,
  getBackend,
  listBackends,
  registerBackend,
  setBackend,
  toBackend,
} from './registry.ts';
export { envVar } from './runtime.ts';
export type { Shape } from './shape.ts';
export { closestName, didYouMean, editDistance, KNOWN_ALIASES } from './suggest.ts';
export { Tensor } from './tensor.ts';
export {
  broadcastShapes,
  checkArray,
  checkArrayLength,
  checkAxes,
  checkAxis,
  checkBoolean,
  checkDims,
  checkDType,
  checkFloatDType,
  checkFloatTensor,
  checkFunction,
  checkInteger,
  checkNonNegative,
  checkNumber,
  checkOneOf,
  checkOperand,
  checkOptions,
  checkPositive,
  checkShape,
  checkSize,
  checkString,
  checkTensor,
  describeRule,
  describeValue,
  formatBytes,
  formatShape,
  invalidArgument,
  isPlainObject,
  maxArrayLength,
  type NumberRule,
  optionalBoolean,
  sizeOf,
  wrongType,
} from './validate.ts';
