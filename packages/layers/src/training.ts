import { getLoss, type Loss, type LossName, type LossOptions, l2PenaltyValue } from '@neurite/losses';
import { getOptimizer, type Optimizer, type OptimizerName, type Schedule } from '@neurite/optimizers';
import { formatShape, type Generator, gather, ShapeError, Tensor, toGenerator, ValueError } from '@neurite/tensor';
import type { Callback, History } from './callbacks.ts';
import { ModelError, TrainingError } from './errors.ts';
import type { Compiled, Sequential } from './sequential.ts';
import { batchAxis, formatLayerShape, withBatch } from './shapes.ts';

export interface CompileOptions {
  loss?: LossName | Loss;
  lossOptions?: LossOptions;
  /** An Optimizer, a name, or { name, learningRate, ...hyperparameters }; default gradient descent. */
  optimizer?: Optimizer | OptimizerName | { name: OptimizerName; learningRate?: number | Schedule };
  /** Learning rate for a named optimizer (default 0.01). */
  learningRate?: number | Schedule;
  /** λ of the L2 penalty (λ/2m)·Σ‖W‖². */
  l2?: number;
}

export interface FitOptions extends CompileOptions {
  /** Optimizer steps (full batch: one per iteration, as in the course). */
  iterations?: number;
  /** Passes over the data (mini-batches). */
  epochs?: number;
  /** Examples per step; default all of them (batch gradient descent). */
  batchSize?: number;
  /** Shuffle examples every epoch (mini-batches only); default true. */
  shuffle?: boolean;
  /**
   * Seed or Generator for shuffling, and from then on the model's training generator
   * (`model.generator`, which layers such as Dropout draw from).
   */
  seed?: number | Generator;
  /** Record (and with verbose, print) the cost every this many iterations/epochs, and after the last one; default 100. */
  printEvery?: number;
  callbacks?: Callback[];
  /** Print "Cost after iteration N: c" lines (to console.log, or to the function given). */
  verbose?: boolean | ((line: string) => void);
  /** How verbose prints a cost; default c.toFixed(6), the course's %f. */
  costFormat?: (cost: number) => string;
}

/** Sets (or keeps) the loss, optimizer and L2 factor that training uses. */
export function compile(model: Sequential, options: CompileOptions = {}): Compiled {
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
  model.compiled = { loss, optimizer, l2 };
  return model.compiled;
}

function checkData(model: Sequential, X: Tensor, Y: Tensor): [Tensor, Tensor] {
  const Xc = model.prepareInput(X);
  const out = model.outputShape;
  // The losses take examples as columns: (n_L, m).
  if (out.length !== 2 || out[1] !== null) {
    throw new ShapeError(
      `fit: the model's output is ${formatLayerShape(out)}; the losses need (n_L, m): end the model with Flatten and Dense`,
    );
  }
  const want = withBatch(out, model.examplesOf(Xc));
  if (!(Y instanceof Tensor) || Y.rank !== 2 || Y.shape[0] !== want[0] || Y.shape[1] !== want[1]) {
    throw new ShapeError(
      `fit: Y must have shape (${want[0]}, ${want[1]}) to match the output layer and X, received ${Y?.shape ? formatShape(Y.shape) : typeof Y}`,
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
export function runStep(model: Sequential, X: Tensor, Y: Tensor, computeCost: boolean): number | undefined {
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

function positiveInt(v: number | undefined, arg: string): void {
  if (v !== undefined && (!Number.isInteger(v) || v <= 0))
    throw new ValueError(`fit: ${arg} must be a positive integer, received ${String(v)}`);
}

/**
 * Trains the model; see FitOptions. Calling `fit` again (or `trainStep`) continues from
 * where it stopped: the optimizer and its state, the iteration counter and the schedule
 * carry over unless a new optimizer is given. A UI can therefore train in slices:
 * `model.fit(X, Y, { iterations: 10, optimizer })` then `model.fit(X, Y, { iterations: 10 })`.
 */
export function fit(model: Sequential, X: Tensor, Y: Tensor, options: FitOptions = {}): History {
  if (options.iterations === undefined && options.epochs === undefined) throw new ValueError('fit: give iterations (steps) or epochs');
  positiveInt(options.iterations, 'iterations');
  positiveInt(options.epochs, 'epochs');
  positiveInt(options.batchSize, 'batchSize');
  positiveInt(options.printEvery, 'printEvery');
  const [Xc, Yc] = checkData(model, X, Y);
  const { optimizer } = compile(model, options);
  const m = model.examplesOf(Xc);
  const axis = batchAxis(model.inputShape as NonNullable<Sequential['inputShape']>);
  const batchSize = Math.min(options.batchSize ?? m, m);
  const fullBatch = batchSize === m;
  const printEvery = options.printEvery ?? 100;
  const callbacks = [...(options.callbacks ?? [])];
  const log = options.verbose === true ? console.log : options.verbose || null;
  const format = options.costFormat ?? ((c: number) => c.toFixed(6));
  const rng = options.seed !== undefined ? toGenerator(options.seed) : null;
  if (rng) model.generator = rng;
  const shuffleRng = rng ?? toGenerator(0);

  const batchesPerEpoch = Math.ceil(m / batchSize);
  const totalSteps = options.iterations ?? (options.epochs as number) * batchesPerEpoch;
  const totalEpochs = options.epochs ?? Math.ceil(totalSteps / batchesPerEpoch);
  const history: History = { iterations: [], costs: [], steps: 0, epochs: 0, stopped: false };
  let stopReason: string | undefined;
  const stop = (reason = 'stopped by a callback') => {
    stopReason ??= reason;
  };
  for (const c of callbacks) c.onTrainBegin?.({ model, iterations: options.iterations, epochs: options.epochs });

  for (let e = 0; e < totalEpochs && history.steps < totalSteps && !stopReason; e++) {
    const epoch = optimizer.epoch;
    const recordEpoch = !fullBatch && (epoch % printEvery === 0 || e === totalEpochs - 1);
    let epochCost = 0;
    let order: number[] | null = null;
    if (!fullBatch && (options.shuffle ?? true)) order = shuffleRng.permutation(m);
    for (let start = 0; start < m && history.steps < totalSteps && !stopReason; start += batchSize) {
      const i = model.iteration;
      const last = history.steps === totalSteps - 1;
      const record = fullBatch && (i % printEvery === 0 || last);
      const wanted = callbacks.some((c) => c.costEvery !== undefined && i % c.costEvery === 0);
      let Xb = Xc;
      let Yb = Yc;
      if (!fullBatch) {
        const idx = order ? order.slice(start, start + batchSize) : range(start, Math.min(m, start + batchSize));
        Xb = gather(Xc, idx, axis);
        Yb = gather(Yc, idx, 1);
      }
      const cost = runStep(model, Xb, Yb, record || recordEpoch || wanted);
      history.steps++;
      if (record && cost !== undefined) {
        history.iterations.push(i);
        history.costs.push(cost);
        // Printed like the notebooks, every printEvery; the last cost is recorded, not printed.
        if (i % printEvery === 0) log?.(`Cost after iteration ${i}: ${format(cost)}`);
      }
      if (recordEpoch && cost !== undefined) epochCost += cost * Yb.shape[1];
      for (const c of callbacks) c.onIterationEnd?.({ iteration: i, epoch, cost, learningRate: optimizer.learningRate, model, stop });
    }
    history.epochs++;
    optimizer.endEpoch();
    const meanCost = recordEpoch ? epochCost / m : undefined;
    if (recordEpoch && meanCost !== undefined && history.steps % batchesPerEpoch === 0) {
      history.iterations.push(epoch);
      history.costs.push(meanCost);
      log?.(`Cost after epoch ${epoch}: ${format(meanCost)}`);
    }
    for (const c of callbacks) c.onEpochEnd?.({ epoch, cost: meanCost, model, stop });
  }
  if (stopReason) {
    history.stopped = true;
    history.stopReason = stopReason;
  }
  for (const c of callbacks) c.onTrainEnd?.(history);
  return history;
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

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
