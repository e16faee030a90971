import type { Activation, BinaryOp, PointwiseActivation, ReduceOp, UnaryOp } from '@neurite/tensor';

/** The op codes of assembly/ops.ts, by name. Ops without a code here run on the js backend. */
export const UNARY: Partial<Record<UnaryOp, number>> = {
  neg: 0,
  abs: 1,
  exp: 2,
  log: 3,
  sqrt: 4,
  square: 5,
  sign: 6,
  sigmoid: 7,
  tanh: 8,
  relu: 9,
  leakyRelu: 10,
};

export const BINARY: Record<BinaryOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
  equal: 7,
  notEqual: 8,
  less: 9,
  lessEqual: 10,
  greater: 11,
  greaterEqual: 12,
};

export const ACTIVATION: Record<Activation, number> = { linear: 0, sigmoid: 1, tanh: 2, relu: 3, leakyRelu: 4 };

/** activationBackward's codes: the fused activations' (the others run on the js backend). */
export const ACTIVATION_GRAD: Partial<Record<PointwiseActivation, number>> = ACTIVATION;

export const REDUCE: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2 };
