import { NeuriteError, type Tensor } from '@neurite/tensor';
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
import { outLike } from './util.ts';

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
  const dZ = outLike(A, out);
  for (let i = 0; i < A.size; i++) dZ.data[i] = A.data[i] - Y.data[i];
  return dZ;
}

export interface LossOptions {
  epsilon?: number;
  half?: boolean;
}

/** A loss by name (with options), or the loss itself. */
export function getLoss(loss: LossName | Loss, options: LossOptions = {}): Loss {
  if (typeof loss === 'object' && loss !== null && typeof loss.value === 'function') return loss;
  const eps = options.epsilon === undefined ? {} : { epsilon: options.epsilon };
  switch (loss) {
    case 'binaryCrossEntropy':
      return {
        name: loss,
        config: eps,
        value: (A, Y) => binaryCrossEntropyValue(A, Y, eps),
        tensor: (A, Y) => binaryCrossEntropy(A, Y, eps),
        gradient: (A, Y, out) => binaryCrossEntropyGradient(A, Y, eps, out),
        fusedActivation: 'sigmoid',
      };
    case 'binaryCrossEntropyFromLogits':
      return {
        name: loss,
        config: {},
        value: binaryCrossEntropyFromLogitsValue,
        tensor: binaryCrossEntropyFromLogits,
        gradient: binaryCrossEntropyFromLogitsGradient,
        fusedActivation: null,
      };
    case 'meanSquaredError': {
      const half = { half: options.half ?? false };
      return {
        name: loss,
        config: half,
        value: (A, Y) => meanSquaredErrorValue(A, Y, half),
        tensor: (A, Y) => meanSquaredError(A, Y, half),
        gradient: (A, Y, out) => meanSquaredErrorGradient(A, Y, half, out),
        fusedActivation: null,
      };
    }
    case 'categoricalCrossEntropy':
      return {
        name: loss,
        config: eps,
        value: (A, Y) => categoricalCrossEntropyValue(A, Y, eps),
        tensor: (A, Y) => categoricalCrossEntropy(A, Y, eps),
        gradient: (A, Y, out) => categoricalCrossEntropyGradient(A, Y, eps, out),
        fusedActivation: 'softmax',
      };
    case 'softmaxCrossEntropy':
      return {
        name: loss,
        config: {},
        value: softmaxCrossEntropyValue,
        tensor: softmaxCrossEntropy,
        gradient: softmaxCrossEntropyGradient,
        fusedActivation: null,
      };
    default:
      throw new NeuriteError(
        `getLoss: unknown loss ${JSON.stringify(loss)}; expected one of binaryCrossEntropy, binaryCrossEntropyFromLogits, meanSquaredError, categoricalCrossEntropy, softmaxCrossEntropy`,
      );
  }
}

/** dZ = A − Y for an output activation fused with its loss (see `Loss.fusedActivation`). */
export const fusedOutputGradient = residual;
