import { TrainingError as LayersTrainingError, runStep, type Sequential } from '@neurite/layers';
import { Generator, gather, type Tensor } from '@neurite/tensor';
import { TrainingError } from './errors.ts';
import { predictClasses } from './metrics.ts';
import type { History } from './model.ts';
import type { Reporter } from './progress.ts';
import type { Resolved } from './resolve.ts';

/**
 * The training loop. One pass over the training data per iteration (one gradient step when
 * full batch, as in the course; one step per mini-batch otherwise). It gives the event loop
 * a turn every few tens of milliseconds, so Ctrl-C is heard and the progress bar redraws,
 * and stops at a pass boundary, so a checkpoint is always a consistent state.
 */
export interface LoopInput {
  model: Sequential;
  X: Tensor;
  /** Targets in the output layer's form (0/1 row or one-hot). */
  Y: Tensor;
  /** Class indices of the training set, for accuracy. */
  labels: Tensor;
  /** Scored at every recorded pass, in inference mode: --validation-split's set, or the test set. */
  validation?: { X: Tensor; Y: Tensor; labels: Tensor };
  settings: Resolved;
  /** Passes already done (a resumed run starts there). */
  done: number;
  history: History;
  reporter: Reporter;
  /** Set by the Ctrl-C handler; checked between passes. */
  stopRequested: () => boolean;
}

export interface LoopResult {
  done: number;
  interrupted: boolean;
  seconds: number;
  /** The cost of this run's first pass (NaN when it made none). */
  firstCost: number;
  lastCost: number;
}

export async function trainLoop(input: LoopInput): Promise<LoopResult> {
  const { model, X, Y, labels, validation, settings: s, history, reporter } = input;
  const m = X.shape[1];
  const batchSize = Math.min(s.batchSize ?? m, m);
  // About 300 points make a smooth curve whatever the length of the run; printed iterations are always kept.
  const recordEvery = Math.max(1, Math.floor(s.total / 300));
  const started = performance.now();
  let lastYield = started;
  let done = input.done;
  let lastCost = Number.NaN;
  let firstCost = Number.NaN;
  const accuracy = () => trainAccuracyOf(model, X, labels);
  const track = validation !== undefined || s.plot !== undefined;
  reporter.start(s.total, done);
  while (done < s.total) {
    if (input.stopRequested()) break;
    const pass = done;
    let cost: number;
    try {
      cost = batchSize === m ? (runStep(model, X, Y, true) as number) : epochOfBatches(model, X, Y, batchSize, s.seed + pass);
    } catch (error) {
      if (error instanceof LayersTrainingError) throw diverged(s, pass, Number.NaN);
      throw error;
    }
    if (!Number.isFinite(cost)) throw diverged(s, pass, cost);
    if (done === input.done) firstCost = cost;
    lastCost = cost;
    done++;
    const printed = pass % s.printEvery === 0;
    const last = done === s.total;
    if (printed || last || pass % recordEvery === 0) {
      // Accuracies cost a forward pass each: only when they are printed (with validation) or plotted.
      const trainAccuracy = track ? accuracy() : undefined;
      const val = validation
        ? { loss: model.evaluate(validation.X, validation.Y).cost, accuracy: trainAccuracyOf(model, validation.X, validation.labels) }
        : undefined;
      const n = history.iterations.length;
      history.iterations.push(pass);
      history.costs.push(cost);
      pushAligned(history, 'accuracies', trainAccuracy, n);
      if (val) history.testCosts.push(val.loss);
      pushAligned(history, 'testAccuracies', val?.accuracy, n);
      if (printed) reporter.cost(pass, cost, { accuracy: trainAccuracy, valLoss: val?.loss, valAccuracy: val?.accuracy });
    }
    reporter.tick(done, { cost, accuracy });
    const now = performance.now();
    if (now - lastYield > 30) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
  reporter.tick(done, { cost: lastCost, accuracy, force: true });
  reporter.stop();
  return { done, interrupted: done < s.total, seconds: (performance.now() - started) / 1000, firstCost, lastCost };
}

/**
 * One epoch of mini-batches in a random order drawn from seed + epoch (the course's
 * `seed = seed + 1` per epoch), so a resumed run shuffles exactly as an uninterrupted one.
 * Returns the mean cost over the examples.
 */
function epochOfBatches(model: Sequential, X: Tensor, Y: Tensor, batchSize: number, seed: number): number {
  const m = X.shape[1];
  const order = new Generator(seed % 2 ** 32).permutation(m);
  let total = 0;
  for (let start = 0; start < m; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    const cost = runStep(model, gather(X, idx, 1), gather(Y, idx, 1), true) as number;
    total += cost * idx.length;
  }
  return total / m;
}

/**
 * Appends to an optional history list only while it stays aligned with `iterations` (a run
 * resumed from a checkpoint that did not record it drops the list rather than misalign it).
 */
function pushAligned(history: History, key: 'accuracies' | 'testAccuracies', value: number | undefined, n: number): void {
  const list = history[key];
  if (value !== undefined && (list ? list.length === n : n === 0)) history[key] = [...(list ?? []), value];
  else if (list) delete history[key];
}

/** The share of columns of X whose predicted class is the label (inference mode). */
function trainAccuracyOf(model: Sequential, X: Tensor, labels: Tensor): number {
  const predicted = predictClasses(model.predictProba(X));
  let right = 0;
  for (let j = 0; j < predicted.length; j++) if (predicted[j] === labels.data[j]) right++;
  return right / predicted.length;
}

function diverged(s: Resolved, pass: number, cost: number): TrainingError {
  const what = Number.isNaN(cost) ? 'NaN' : String(cost);
  return new TrainingError(
    `the cost became ${what} at ${s.unit} ${pass} (learning rate ${s.lr}); training stopped and nothing was saved`,
    `lower the learning rate, for example --lr ${Number((s.lr / 10).toPrecision(3))}, or standardize the inputs`,
  );
}
