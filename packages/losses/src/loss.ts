import { checkBoolean, checkOneOf, checkOptions, invalidArgument, isPlainObject, type Tensor, wrongType } from '@neurite/tensor';
import {
  binaryCrossEntropy,
  binaryCrossEntropyFromLogits,
  binaryCrossEntropyFromLogitsGradient,
  binaryCrossEntropyFromLogitsValue,
  binaryCrossEntropyGradient,
  binaryCrossEntropyValue,
} from './binary.ts';
import { meanSquaredError, meanSquaredErrorGradient, meanSquaredErrorValue } from './regression.ts';
import {
  categoricalCrossEntropy,
  categoricalCrossEntropyGradient,
  categoricalCrossEntropyValue,
  softmaxCrossEntropy,
  softmaxCrossEntropyGradient,
  softmaxCrossEntropyValue,
} from './softmax.ts';
import { assertEpsilon, assertPair, outLike } from './util.ts';

export type LossName =
  | 'binaryCrossEntropy'
  | 'binaryCrossEntropyFromLogits'
  | 'meanSquaredError'
  | 'categoricalCrossEntropy'
  | 'softmaxCrossEntropy';

/**
 * A loss as a model uses it. `A` is the network's output. Gradients follow the course's
 * convention: the derivative of each example's loss, without 1/m (the backward pass
 * divides by m in dW and db).
 */
export interface Loss {
  readonly name: LossName;
  readonly config: Record<string, unknown>;
  /** The cost as a number, in one pass. */
  value(A: Tensor, Y: Tensor): number;
  /** The cost as a scalar tensor made of ops, for `grad`. */
  tensor(A: Tensor, Y: Tensor): Tensor;
  /** dA, per example; written into `out` when it fits. */
  gradient(A: Tensor, Y: Tensor, out?: Tensor): Tensor;
  /**
   * When the output layer has this activation, dZ = A − Y directly (sigmoid with binary
   * cross-entropy, softmax with categorical cross-entropy): no division by A(1 − A).
   */
  readonly fusedActivation: 'sigmoid' | 'softmax' | null;
}

function residual(A: Tensor, Y: Tensor, out?: Tensor): Tensor {
  assertPair('fusedOutputGradient', A, Y);
  const dZ = outLike(A, out, 'fusedOutputGradient');
  for (let i = 0; i < A.size; i++) dZ.data[i] = A.data[i] - Y.data[i];
  return dZ;
}

export interface LossOptions {
  epsilon?: number;
  half?: boolean;
}

/** A loss by name (with options), or the loss itself. */
export function getLoss(loss: LossName | Loss, options?: LossOptions): Loss {
  if (isPlainObject(loss)) return checkLossObject(loss);
  const name = checkOneOf(loss, 'getLoss', 'loss', LOSS_NAMES);
  const o = checkOptions(options, 'getLoss', name === 'meanSquaredError' ? ['half'] : EPSILON_LOSSES.includes(name) ? ['epsilon'] : []);
  if (o.epsilon !== undefined) assertEpsilon('getLoss', o.epsilon);
  if (o.half !== undefined) checkBoolean(o.half, 'getLoss', 'options.half');
  const eps = o.epsilon === undefined ? {} : { epsilon: o.epsilon };
  switch (name) {
    case 'binaryCrossEntropy':
      return {
        name,
        config: eps,
        value: (A, Y) => binaryCrossEntropyValue(A, Y, eps),
        tensor: (A, Y) => binaryCrossEntropy(A, Y, eps),
        gradient: (A, Y, out) => binaryCrossEntropyGradient(A, Y, eps, out),
        fusedActivation: 'sigmoid',
      };
    case 'binaryCrossEntropyFromLogits':
      return {
        name,
        config: {},
        value: binaryCrossEntropyFromLogitsValue,
        tensor: binaryCrossEntropyFromLogits,
        gradient: binaryCrossEntropyFromLogitsGradient,
        fusedActivation: null,
      };
    case 'meanSquaredError': {
      const half = { half: o.half ?? false };
      return {
        name,
        config: half,
        value: (A, Y) => meanSquaredErrorValue(A, Y, half),
        tensor: (A, Y) => meanSquaredError(A, Y, half),
        gradient: (A, Y, out) => meanSquaredErrorGradient(A, Y, half, out),
        fusedActivation: null,
      };
    }
    case 'categoricalCrossEntropy':
      return {
        name,
        config: eps,
        value: (A, Y) => categoricalCrossEntropyValue(A, Y, eps),
        tensor: (A, Y) => categoricalCrossEntropy(A, Y, eps),
        gradient: (A, Y, out) => categoricalCrossEntropyGradient(A, Y, eps, out),
        fusedActivation: 'softmax',
      };
    case 'softmaxCrossEntropy':
      return {
        name,
        config: {},
        value: softmaxCrossEntropyValue,
        tensor: softmaxCrossEntropy,
        gradient: softmaxCrossEntropyGradient,
        fusedActivation: null,
      };
  }
}

export const LOSS_NAMES: readonly LossName[] = [
  'binaryCrossEntropy',
  'binaryCrossEntropyFromLogits',
  'meanSquaredError',
  'categoricalCrossEntropy',
  'softmaxCrossEntropy',
];
const EPSILON_LOSSES: readonly LossName[] = ['binaryCrossEntropy', 'categoricalCrossEntropy'];

/** A user's own Loss: every member the training loop calls must be there. */
function checkLossObject(loss: Record<string, unknown>): Loss {
  for (const member of ['value', 'tensor', 'gradient'] as const) {
    if (typeof loss[member] !== 'function') wrongType('getLoss', `loss.${member}`, 'a function (see the Loss interface)', loss[member]);
  }
  if (typeof loss.name !== 'string') wrongType('getLoss', 'loss.name', 'a string', loss.name);
  const fused = loss.fusedActivation;
  if (fused !== null && fused !== 'sigmoid' && fused !== 'softmax') {
    invalidArgument('getLoss', 'loss.fusedActivation', "'sigmoid', 'softmax' or null", fused);
  }
  return loss as unknown as Loss;
}

/** dZ = A − Y for an output activation fused with its loss (see `Loss.fusedActivation`). */
export const fusedOutputGradient = residual;
