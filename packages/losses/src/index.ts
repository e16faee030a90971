/**
 * @neurite/losses: costs and their gradients, in the course's layout (examples are
 * columns). Each loss comes three ways: `xValue` (a number, one pass, for training
 * loops), `x` (a scalar tensor built from ops, differentiable with `grad`) and
 * `xGradient` (per-example derivative, the course's dAL, without 1/m).
 */
export {
  binaryCrossEntropy,
  binaryCrossEntropyFromLogits,
  binaryCrossEntropyFromLogitsGradient,
  binaryCrossEntropyFromLogitsValue,
  binaryCrossEntropyGradient,
  binaryCrossEntropyValue,
  type ProbabilityOptions,
} from './binary.ts';
export { l2Penalty, l2PenaltyGradient, l2PenaltyValue } from './l2.ts';
export { fusedOutputGradient, getLoss, type Loss, type LossName, type LossOptions } from './loss.ts';
export { type MeanSquaredErrorOptions, meanSquaredError, meanSquaredErrorGradient, meanSquaredErrorValue } from './regression.ts';
export {
  categoricalCrossEntropy,
  categoricalCrossEntropyGradient,
  categoricalCrossEntropyValue,
  softmaxCrossEntropy,
  softmaxCrossEntropyGradient,
  softmaxCrossEntropyValue,
} from './softmax.ts';
