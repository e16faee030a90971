import { getLoss, type Loss, type LossName } from '@neurite/losses';
import { type Generator, gather, type Tensor, toGenerator, ValueError } from '@neurite/tensor';
import type { Callback, History, RecordEvent, TrainBeginInfo } from './callbacks.ts';
import { type Metric, type MetricSpec, metricResults, resolveMetrics } from './metrics.ts';
import { checkKeys } from './options.ts';
import type { Sequential } from './sequential.ts';
import { batchAxis } from './shapes.ts';
import { COMPILE_KEYS, type CompileOptions, checkData, compile, runStep } from './training.ts';

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
  /**
   * Record (and with verbose, print) the cost every this many iterations/epochs, and after the
   * last one; default 100. Training by iterations with the full batch, History and validation
   * follow it too; training by epochs, they record every epoch.
   */
  printEvery?: number;
  callbacks?: Callback[];
  /** Print "Cost after iteration N: c" lines (to console.log, or to the function given). */
  verbose?: boolean | ((line: string) => void);
  /** How verbose prints a cost; default c.toFixed(6), the course's %f. */
  costFormat?: (cost: number) => string;
  /** [X_val, Y_val]: scored in inference mode at every record (val_loss, val_<metric>). */
  validationData?: readonly [Tensor, Tensor];
  /**
   * The fraction of (X, Y) held out for validation instead: the last ⌊fraction·m⌋ examples, taken
   * before any shuffling (as Keras does), so sort or shuffle the data first if it is ordered by class.
   */
  validationSplit?: number;
}

const FIT_KEYS = [
  ...COMPILE_KEYS,
  'iterations',
  'epochs',
  'batchSize',
  'shuffle',
  'seed',
  'printEvery',
  'callbacks',
  'verbose',
  'costFormat',
  'validationData',
  'validationSplit',
];

function positiveInt(v: unknown, arg: string): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v <= 0))
    throw new ValueError(`fit: ${arg} must be a positive integer, received ${String(v)}`);
}

interface Split {
  X: Tensor;
  Y: Tensor;
}

/** The training and validation sets: validationData checked like (X, Y), or the last part of (X, Y). */
function splitData(model: Sequential, X: Tensor, Y: Tensor, options: FitOptions): { train: Split; val: Split | null } {
  const { validationData, validationSplit } = options;
  if (validationData !== undefined && validationSplit !== undefined) {
    throw new ValueError('fit: give validationData or validationSplit, not both');
  }
  const [Xc, Yc] = checkData(model, X, Y);
  if (validationData !== undefined) {
    if (!Array.isArray(validationData) || validationData.length !== 2) {
      throw new ValueError('fit: validationData must be [X_val, Y_val], an array of two Tensors');
    }
    const [Xv, Yv] = checkData(model, validationData[0], validationData[1], 'fit: validationData', [
      'validationData[0]',
      'validationData[1]',
    ]);
    return { train: { X: Xc, Y: Yc }, val: { X: Xv, Y: Yv } };
  }
  if (validationSplit === undefined) return { train: { X: Xc, Y: Yc }, val: null };
  if (typeof validationSplit !== 'number' || !(validationSplit > 0 && validationSplit < 1)) {
    throw new ValueError(`fit: validationSplit must be a fraction in (0, 1) such as 0.2, received ${String(validationSplit)}`);
  }
  const m = model.examplesOf(Xc);
  const split = Math.floor(m * (1 - validationSplit));
  if (split < 1 || split >= m) {
    throw new ValueError(
      `fit: validationSplit ${validationSplit} of ${m} examples leaves ${split} for training and ${m - split} for validation; both need at least one`,
    );
  }
  const axis = batchAxis(model.inputShape as NonNullable<Sequential['inputShape']>);
  const head = range(0, split);
  const tail = range(split, m);
  return {
    train: { X: gather(Xc, head, axis), Y: gather(Yc, head, 1) },
    val: { X: gather(Xc, tail, axis), Y: gather(Yc, tail, 1) },
  };
}

export interface EvaluateOptions {
  /** Default: the compiled loss (binary cross-entropy for a model never compiled). */
  loss?: Loss | LossName;
  /** Default: the compiled metrics. */
  metrics?: readonly MetricSpec[];
}

/** evaluate's answer: cost and loss (the same number), accuracy (null for outputs other than sigmoid/softmax), then each metric by its key. */
export type EvaluateResult = { cost: number; loss: number; accuracy: number | null } & Record<string, number | null>;

export function evaluate(model: Sequential, X: Tensor, Y: Tensor, options: EvaluateOptions = {}): EvaluateResult {
  checkKeys(options, 'evaluate', ['loss', 'metrics']);
  const loss = getLoss(options.loss ?? model.compiled?.loss ?? 'binaryCrossEntropy');
  const [Xc, Yc] = checkData(model, X, Y, 'evaluate');
  const nOut = model.outputShape[0] as number;
  const metrics = resolveMetrics(options.metrics ?? model.compiled?.metrics, nOut, 'evaluate');
  const activation = model.layers[model.layers.length - 1]?.outputActivation?.activation;
  const accuracy = activation === 'sigmoid' || activation === 'softmax' ? resolveMetrics(['accuracy'], nOut)[0] : null;
  const logs = scoreLogs(model, Xc, Yc, loss, accuracy ? [accuracy, ...metrics.filter((m) => m.name !== 'accuracy')] : metrics, '');
  return { ...logs, cost: logs.loss, loss: logs.loss, accuracy: logs.accuracy ?? null };
}

/** val_loss (without the L2 term) and val_<metric>, from one inference-mode forward pass. */
export function scoreLogs(
  model: Sequential,
  X: Tensor,
  Y: Tensor,
  loss: Loss,
  metrics: readonly Metric[],
  prefix: string,
): Record<string, number> {
  const AL = model.predictProba(X);
  const logs: Record<string, number> = { [`${prefix}loss`]: loss.value(AL, Y) };
  for (const m of metrics) {
    m.reset();
    m.update(AL, Y);
    logs[prefix + m.name] = m.result();
  }
  return logs;
}

/**
 * Trains the model; see FitOptions. Calling `fit` again (or `trainStep`) continues from
 * where it stopped: the optimizer and its state, the iteration counter and the schedule
 * carry over unless a new optimizer is given. A UI can therefore train in slices:
 * `model.fit(X, Y, { iterations: 10, optimizer })` then `model.fit(X, Y, { iterations: 10 })`.
 *
 * What History records (see README, "What fit records"):
 * - training by epochs (or with mini-batches), one record per epoch: `loss` and the training
 *   metrics over the epoch's batches, each batch scored by the forward pass that trained on it
 *   (training mode, before its update); val_… at the epoch's end, in inference mode;
 * - training by iterations with the full batch (the course), one record every printEvery
 *   iterations and at the last, taken before that iteration's update: loss, the metrics and
 *   val_… all come from the same weights.
 */
export function fit(model: Sequential, X: Tensor, Y: Tensor, options: FitOptions = {}): History {
  checkKeys(options, 'fit', FIT_KEYS);
  if (options.iterations === undefined && options.epochs === undefined) throw new ValueError('fit: give iterations (steps) or epochs');
  positiveInt(options.iterations, 'iterations');
  positiveInt(options.epochs, 'epochs');
  positiveInt(options.batchSize, 'batchSize');
  positiveInt(options.printEvery, 'printEvery');
  if (options.callbacks !== undefined && !Array.isArray(options.callbacks)) {
    throw new ValueError('fit: callbacks must be an array, such as [earlyStopping()]');
  }
  const { train, val } = splitData(model, X, Y, options);
  const Xc = train.X;
  const Yc = train.Y;
  const compiled = compile(model, options, true);
  const { optimizer, loss } = compiled;
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

  const nOut = model.outputShape[0] as number;
  const trainMetrics = resolveMetrics(compiled.metrics, nOut, 'fit');
  const valMetrics = val ? resolveMetrics(compiled.metrics, nOut, 'fit') : [];
  const unit: 'epoch' | 'iteration' = fullBatch && options.iterations !== undefined ? 'iteration' : 'epoch';
  const keys = ['loss', ...trainMetrics.map((mt) => mt.name)];
  if (val) keys.push('val_loss', ...valMetrics.map((mt) => `val_${mt.name}`));
  const higherIsBetter: Record<string, boolean> = { loss: false, val_loss: false };
  for (const mt of trainMetrics) {
    higherIsBetter[mt.name] = mt.higherIsBetter !== false;
    higherIsBetter[`val_${mt.name}`] = mt.higherIsBetter !== false;
  }

  const batchesPerEpoch = Math.ceil(m / batchSize);
  const totalSteps = options.iterations ?? (options.epochs as number) * batchesPerEpoch;
  const totalEpochs = options.epochs ?? Math.ceil(totalSteps / batchesPerEpoch);
  const history: History = {
    iterations: [],
    costs: [],
    history: Object.fromEntries(keys.map((k) => [k, []])),
    at: [],
    unit,
    steps: 0,
    epochs: 0,
    stopped: false,
  };
  let stopReason: string | undefined;
  const stop = (reason = 'stopped by a callback') => {
    stopReason ??= reason;
  };
  const recordEvery = unit === 'epoch' ? 1 : printEvery;
  const begin: TrainBeginInfo = { model, iterations: options.iterations, epochs: options.epochs, unit, recordEvery, keys, higherIsBetter };
  for (const c of callbacks) c.onTrainBegin?.(begin);
  const hasMetrics = trainMetrics.length > 0;
  const extras = hasMetrics || val !== null;

  /** Adds a record to History, prints it when asked, and hands it to the callbacks. */
  const record = (at: number, trainLogs: Record<string, number>, printed: string | null): Record<string, number> => {
    const logs = val ? { ...trainLogs, ...scoreLogs(model, val.X, val.Y, loss, valMetrics, 'val_') } : trainLogs;
    history.at.push(at);
    for (const k of keys) history.history[k].push(logs[k]);
    if (printed !== null && log) log(extras ? `${printed}${formatLogs(logs, keys)}` : printed);
    const event: RecordEvent = { unit, at, logs, learningRate: optimizer.learningRate, model, stop };
    for (const c of callbacks) c.onRecord?.(event);
    return logs;
  };

  for (let e = 0; e < totalEpochs && history.steps < totalSteps && !stopReason; e++) {
    const epoch = optimizer.epoch;
    const recordEpoch = !fullBatch && (epoch % printEvery === 0 || e === totalEpochs - 1);
    let epochCost = 0;
    let epochExamples = 0;
    // Full batch by epochs: the course's "Cost after iteration" line, printed with this epoch's record.
    let iterationLine: string | null = null;
    let order: number[] | null = null;
    if (!fullBatch && (options.shuffle ?? true)) order = shuffleRng.permutation(m);
    if (unit === 'epoch') for (const mt of trainMetrics) mt.reset();
    for (let start = 0; start < m && history.steps < totalSteps && !stopReason; start += batchSize) {
      const i = model.iteration;
      const last = history.steps === totalSteps - 1;
      const recordIteration = fullBatch && (i % printEvery === 0 || last);
      const wanted = callbacks.some((c) => c.costEvery !== undefined && i % c.costEvery === 0);
      let Xb = Xc;
      let Yb = Yc;
      if (!fullBatch) {
        const idx = order ? order.slice(start, start + batchSize) : range(start, Math.min(m, start + batchSize));
        Xb = gather(Xc, idx, axis);
        Yb = gather(Yc, idx, 1);
      }
      // Between this step's forward pass and its update: the metrics score the same outputs as the cost.
      let observe: ((A: Tensor, cost: number | undefined) => void) | undefined;
      if (unit === 'epoch' && hasMetrics) observe = (A) => updateAll(trainMetrics, A, Yb);
      else if (unit === 'iteration' && recordIteration) {
        observe = (A, cost) => {
          const logs: Record<string, number> = { loss: cost as number };
          for (const mt of trainMetrics) {
            mt.reset();
            mt.update(A, Yb);
            logs[mt.name] = mt.result();
          }
          record(i, logs, i % printEvery === 0 ? `Cost after iteration ${i}: ${format(cost as number)}` : null);
        };
      }
      const cost = runStep(model, Xb, Yb, recordIteration || unit === 'epoch' || wanted, observe);
      history.steps++;
      if (recordIteration && cost !== undefined) {
        history.iterations.push(i);
        history.costs.push(cost);
        if (unit === 'epoch' && i % printEvery === 0) iterationLine = `Cost after iteration ${i}: ${format(cost)}`;
      }
      const mb = Yb.shape[1];
      if (unit === 'epoch' && cost !== undefined) {
        epochCost += cost * mb;
        epochExamples += mb;
      }
      for (const c of callbacks) c.onIterationEnd?.({ iteration: i, epoch, cost, learningRate: optimizer.learningRate, model, stop });
    }
    history.epochs++;
    optimizer.endEpoch();
    const meanCost = epochExamples > 0 ? epochCost / epochExamples : undefined;
    const complete = history.steps % batchesPerEpoch === 0;
    const courseRecord = recordEpoch && meanCost !== undefined && complete;
    if (courseRecord) {
      history.iterations.push(epoch);
      history.costs.push(meanCost as number);
    }
    // Printed like the course's mini-batch notebooks, every printEvery epochs.
    const printed = courseRecord ? `Cost after epoch ${epoch}: ${format(meanCost as number)}` : iterationLine;
    let logs: Record<string, number> | undefined;
    if (unit === 'epoch' && meanCost !== undefined) logs = record(epoch, { loss: meanCost, ...metricResults(trainMetrics) }, printed);
    for (const c of callbacks) c.onEpochEnd?.({ epoch, cost: recordEpoch ? meanCost : undefined, logs, model, stop });
  }
  if (stopReason) {
    history.stopped = true;
    history.stopReason = stopReason;
  }
  for (const c of callbacks) c.onTrainEnd?.(history);
  return history;
}

function updateAll(metrics: readonly Metric[], A: Tensor, Y: Tensor): void {
  for (let k = 0; k < metrics.length; k++) metrics[k].update(A, Y);
}

/** " - accuracy: 0.9125 - val_loss: 0.2731 - val_accuracy: 0.9000", after the course's cost line. */
export function formatLogs(logs: Readonly<Record<string, number>>, keys: readonly string[]): string {
  return keys
    .filter((k) => k !== 'loss')
    .map((k) => ` - ${k}: ${logs[k]?.toFixed(4)}`)
    .join('');
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
