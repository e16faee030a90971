import { getLoss, type Loss, type LossName, type LossOptions, l2PenaltyValue } from '@neurite/losses';
import { getOptimizer, type Optimizer, type OptimizerName, type Schedule } from '@neurite/optimizers';
import { formatShape, ShapeError, Tensor, ValueError } from '@neurite/tensor';
import { ModelError, TrainingError } from './errors.ts';
import { type MetricSpec, resolveMetrics } from './metrics.ts';
import { checkKeys } from './options.ts';
import type { Compiled, Sequential } from './sequential.ts';
import { formatLayerShape, withBatch } from './shapes.ts';

export interface CompileOptions {
  loss?: LossName | Loss;
  lossOptions?: LossOptions;
  /** An Optimizer, a name, or { name, learningRate, ...hyperparameters }; default gradient descent. */
  optimizer?: Optimizer | OptimizerName | { name: OptimizerName; learningRate?: number | Schedule };
  /** Learning rate for a named optimizer (default 0.01). */
  learningRate?: number | Schedule;
  /** λ of the L2 penalty (λ/2m)·Σ‖W‖². */
  l2?: number;
  /** What fit and evaluate score besides the loss: ['accuracy', 'auc', myMetric, ...] (see metrics.ts). */
  metrics?: readonly MetricSpec[];
}

export const COMPILE_KEYS = ['loss', 'lossOptions', 'optimizer', 'learningRate', 'l2', 'metrics'];

/**
 * Sets (or keeps) the loss, optimizer, L2 factor and metrics that training uses. `checked`:
 * the caller (fit) has already refused unknown keys.
 */
export function compile(model: Sequential, options: CompileOptions = {}, checked = false): Compiled {
  if (!checked) checkKeys(options, 'compile', COMPILE_KEYS);
  const previous = model.compiled;
  const loss =
    options.loss !== undefined
      ? getLoss(options.loss, options.lossOptions)
      : (previous?.loss ?? getLoss('binaryCrossEntropy', options.lossOptions));
  const optimizer =
    options.optimizer !== undefined || options.learningRate !== undefined || !previous
      ? getOptimizer(options.optimizer ?? 'gradientDescent', options.learningRate ?? 0.01)
      : previous.optimizer;
  const l2 = options.l2 ?? previous?.l2 ?? 0;
  if (typeof l2 !== 'number' || !(l2 >= 0)) throw new ValueError(`fit: l2 must be a non-negative number, received ${String(l2)}`);
  const metrics = options.metrics ?? previous?.metrics ?? [];
  // Resolved once here so that a bad metric is refused by compile, not in the middle of fit.
  if (model.built) resolveMetrics(metrics, model.outputShape[0] as number, checked ? 'fit' : 'compile');
  else resolveMetrics(metrics, 1, checked ? 'fit' : 'compile');
  model.compiled = { loss, optimizer, l2, metrics };
  return model.compiled;
}

/** X and Y checked against the model (building it on first use), cast to its dtype. */
export function checkData(model: Sequential, X: Tensor, Y: Tensor, fn = 'fit', args: [string, string] = ['X', 'Y']): [Tensor, Tensor] {
  const Xc = model.prepareInput(X, args[0]);
  const out = model.outputShape;
  // The losses take examples as columns: (n_L, m).
  if (out.length !== 2 || out[1] !== null) {
    throw new ShapeError(
      `${fn}: the model's output is ${formatLayerShape(out)}; the losses need (n_L, m): end the model with Flatten and Dense`,
    );
  }
  const want = withBatch(out, model.examplesOf(Xc));
  if (!(Y instanceof Tensor) || Y.rank !== 2 || Y.shape[0] !== want[0] || Y.shape[1] !== want[1]) {
    throw new ShapeError(
      `${fn}: ${args[1]} must have shape (${want[0]}, ${want[1]}) to match the output layer and ${args[0]}, received ${Y?.shape ? formatShape(Y.shape) : typeof Y}`,
    );
  }
  return [Xc, Y.dtype === model.dtype ? Y : Y.cast(model.dtype)];
}

/** One training step's state kept between steps (buffers for dZ of the output). */
const dZBuffers = new WeakMap<Sequential, Tensor>();

/**
 * One optimizer step on (X, Y): forward with reused buffers, backward, update.
 * Returns the cost before the update when `computeCost`, and throws a TrainingError when
 * the output becomes NaN or infinite.
 */
export function runStep(
  model: Sequential,
  X: Tensor,
  Y: Tensor,
  computeCost: boolean,
  observe?: (A: Tensor, cost: number | undefined) => void,
): number | undefined {
  const { loss, optimizer, l2 } = model.compiled as Compiled;
  const A = model.forward(X, { training: true, reuse: true }).AL;
  let cost: number | undefined;
  if (computeCost) {
    cost = loss.value(A, Y);
    if (l2 > 0) cost += l2PenaltyValue(regularized(model), l2, model.examplesOf(X));
    if (!Number.isFinite(cost)) throw divergence(model, cost, optimizer);
  } else {
    const a = A.data;
    for (let i = 0; i < a.length; i++) if (a[i] - a[i] !== 0) throw divergence(model, loss.value(A, Y), optimizer);
  }
  // Metrics and records see the forward pass's output before the update changes the weights.
  observe?.(A, cost);
  let dZ = dZBuffers.get(model);
  if (!dZ || dZ.size !== A.size) {
    dZ = newLike(A);
    dZBuffers.set(model, dZ);
  }
  model.backpropagate(Y, loss, l2, true, dZ);
  optimizer.step(model.params(), model.gradsByParam());
  model.iteration++;
  return cost;
}

/** The weights the L2 penalty covers (the course's W[l]; not biases, not state). */
function regularized(model: Sequential): Tensor[] {
  return model
    .namedWeights()
    .filter(({ weight }) => weight.trainable && weight.regularized)
    .map(({ weight }) => weight.value);
}

function newLike(A: Tensor): Tensor {
  return new Tensor(A.dtype === 'float64' ? new Float64Array(A.size) : new Float32Array(A.size), A.shape);
}

function divergence(model: Sequential, cost: number, optimizer: Optimizer): TrainingError {
  const lr = optimizer.learningRate;
  return new TrainingError(
    `fit: the cost became ${cost} at iteration ${model.iteration}; training stopped. ` +
      `The learning rate (${lr}) is probably too high: try a lower one (for example ${lr / 10}), or check X and Y for NaN/Inf and scale the inputs.`,
    model.iteration,
  );
}

/**
 * One optimizer step on the whole (X, Y) with the compiled loss and optimizer, for UIs
 * that drive training themselves (one step per animation frame, say).
 */
export function trainStep(
  model: Sequential,
  X: Tensor,
  Y: Tensor,
  options: { computeCost?: boolean } = {},
): { iteration: number; cost: number | undefined } {
  if (!model.compiled) throw new ModelError('trainStep: call model.compile({ loss, optimizer }) (or fit) first');
  const [Xc, Yc] = checkData(model, X, Y);
  const iteration = model.iteration;
  const cost = runStep(model, Xc, Yc, options.computeCost ?? true);
  model.compiled.optimizer.endEpoch();
  return { iteration, cost };
}
