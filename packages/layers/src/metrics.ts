import { didYouMean, NeuriteError, type Tensor, ValueError } from '@neurite/tensor';
import { checkKeys } from './options.ts';

/**
 * Metrics: numbers that judge a model's outputs AL against targets Y, both (n_L, m) with
 * one example per column. Each is a small accumulator: `update` takes one batch, `result`
 * gives the value over every example seen since `reset`. So a metric over an epoch of
 * mini-batches is exactly the metric over the epoch's examples (each scored by the weights
 * of the step that trained on it, as in Keras):
 *
 * - accuracy, MSE, MAE: sums over examples (counts of right answers, sums of errors) divided
 *   by the count, not a mean of per-batch means, so a short last batch weighs what it holds;
 * - precision, recall, F1: the confusion counts TP, FP, FN summed over the batches;
 * - AUC: every score and label kept, and the ROC area computed once over all of them;
 * - a user's function `(AL, Y) => number`: the mean of its per-batch values weighted by the
 *   batch's m (which is the exact value for any per-example mean).
 *
 * Thresholds apply to AL as it comes out of the model: a sigmoid output is positive when
 * AL > 0.5 (the course's predict). With several output units (one-hot targets), accuracy is
 * categorical (argmax of AL against argmax of Y), and precision, recall, F1 and AUC are
 * micro-averaged: every (unit, example) entry is one binary prediction, as Keras's metrics
 * and scikit-learn's `average='micro'` count them.
 */
export interface Metric {
  /** Its key in History and evaluate's result ('accuracy'; 'val_accuracy' on validation data). */
  readonly name: string;
  /** Whether larger values are better (accuracy, AUC) or smaller (MSE): earlyStopping's mode 'auto' reads it. */
  readonly higherIsBetter: boolean;
  reset(): void;
  update(AL: Tensor, Y: Tensor): void;
  result(): number;
}

/** A user's metric: a function of one batch's AL and Y (same shape), averaged over batches weighted by m. */
export type MetricFunction = (AL: Tensor, Y: Tensor) => number;

export type MetricName =
  | 'accuracy'
  | 'binaryAccuracy'
  | 'categoricalAccuracy'
  | 'precision'
  | 'recall'
  | 'f1'
  | 'auc'
  | 'mse'
  | 'meanSquaredError'
  | 'mae'
  | 'meanAbsoluteError'
  // Keras's spellings, keyed as given.
  | 'acc'
  | 'binary_accuracy'
  | 'categorical_accuracy'
  | 'f1_score'
  | 'mean_squared_error'
  | 'mean_absolute_error';

/**
 * What `metrics: [...]` takes: a name, a function (keyed by its name), a `{ name, fn }` pair,
 * or `() => Metric` for a stateful metric of your own (called once per use, so training and
 * validation each get a fresh accumulator).
 */
export type MetricSpec = MetricName | MetricFunction | { name: string; fn: MetricFunction; higherIsBetter?: boolean } | (() => Metric);

export const METRIC_NAMES: readonly MetricName[] = [
  'accuracy',
  'binaryAccuracy',
  'categoricalAccuracy',
  'precision',
  'recall',
  'f1',
  'auc',
  'mse',
  'meanSquaredError',
  'mae',
  'meanAbsoluteError',
  'acc',
  'binary_accuracy',
  'categorical_accuracy',
  'f1_score',
  'mean_squared_error',
  'mean_absolute_error',
];

const THRESHOLD_KEYS = ['name', 'threshold'];

/** The threshold on AL above which a binary prediction is 1 (the course's `A > 0.5`). */
const THRESHOLD = 0.5;

function checkPair(name: string, AL: Tensor, Y: Tensor): void {
  if (AL.size !== Y.size || AL.shape[0] !== Y.shape[0]) {
    throw new ValueError(`${name}: AL ${shapeText(AL)} and Y ${shapeText(Y)} must have the same shape`);
  }
}

function shapeText(t: Tensor): string {
  return `(${t.shape.join(', ')})`;
}

/** Right answers over examples: one sigmoid unit against 0/1 targets (AL > threshold). */
export function binaryAccuracy(options: { name?: string; threshold?: number } = {}): Metric {
  checkKeys(options, 'binaryAccuracy', THRESHOLD_KEYS);
  const t = options.threshold ?? THRESHOLD;
  let right = 0;
  let count = 0;
  return {
    name: options.name ?? 'binaryAccuracy',
    higherIsBetter: true,
    reset() {
      right = 0;
      count = 0;
    },
    update(AL, Y) {
      checkPair(this.name, AL, Y);
      const a = AL.data;
      const y = Y.data;
      for (let i = 0; i < a.length; i++) if (a[i] > t === y[i] > 0.5) right++;
      count += a.length;
    },
    result: () => right / count,
  };
}

/** Right answers over examples for one-hot targets: argmax over the classes (axis 0) of AL and of Y agree. */
export function categoricalAccuracy(options: { name?: string } = {}): Metric {
  checkKeys(options, 'categoricalAccuracy', ['name']);
  let right = 0;
  let count = 0;
  return {
    name: options.name ?? 'categoricalAccuracy',
    higherIsBetter: true,
    reset() {
      right = 0;
      count = 0;
    },
    update(AL, Y) {
      checkPair(this.name, AL, Y);
      const [n, m] = AL.shape;
      const a = AL.data;
      const y = Y.data;
      for (let j = 0; j < m; j++) {
        // First maximum wins, as numpy's argmax.
        let pa = 0;
        let py = 0;
        for (let k = 1; k < n; k++) {
          if (a[k * m + j] > a[pa * m + j]) pa = k;
          if (y[k * m + j] > y[py * m + j]) py = k;
        }
        if (pa === py) right++;
      }
      count += m;
    },
    result: () => right / count,
  };
}

type Confusion = { tp: number; fp: number; fn: number };

function confusionMetric(name: string, value: (c: Confusion) => number, threshold: number): Metric {
  const c: Confusion = { tp: 0, fp: 0, fn: 0 };
  return {
    name,
    higherIsBetter: true,
    reset() {
      c.tp = 0;
      c.fp = 0;
      c.fn = 0;
    },
    update(AL, Y) {
      checkPair(name, AL, Y);
      const a = AL.data;
      const y = Y.data;
      for (let i = 0; i < a.length; i++) {
        const predicted = a[i] > threshold;
        const actual = y[i] > 0.5;
        if (predicted && actual) c.tp++;
        else if (predicted) c.fp++;
        else if (actual) c.fn++;
      }
    },
    result: () => value(c),
  };
}

/** A ratio whose denominator is 0 is 0, as scikit-learn's zero_division default and Keras's divide_no_nan. */
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** TP / (TP + FP): of the examples predicted positive, the share that are. */
export function precision(options: { name?: string; threshold?: number } = {}): Metric {
  checkKeys(options, 'precision', THRESHOLD_KEYS);
  return confusionMetric(options.name ?? 'precision', (c) => ratio(c.tp, c.tp + c.fp), options.threshold ?? THRESHOLD);
}

/** TP / (TP + FN): of the positive examples, the share predicted positive. */
export function recall(options: { name?: string; threshold?: number } = {}): Metric {
  checkKeys(options, 'recall', THRESHOLD_KEYS);
  return confusionMetric(options.name ?? 'recall', (c) => ratio(c.tp, c.tp + c.fn), options.threshold ?? THRESHOLD);
}

/** 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall. */
export function f1(options: { name?: string; threshold?: number } = {}): Metric {
  checkKeys(options, 'f1', THRESHOLD_KEYS);
  return confusionMetric(options.name ?? 'f1', (c) => ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn), options.threshold ?? THRESHOLD);
}

/**
 * The area under the ROC curve, exact (no thresholds' grid): the probability that a random
 * positive scores above a random negative, ties counting one half. That is the trapezoid area
 * of scikit-learn's `roc_auc_score`, whose curve joins tied scores by one diagonal segment,
 * computed here as the Mann–Whitney statistic from midranks. NaN when the examples seen hold
 * only one class (scikit-learn raises there: the area is not defined).
 */
export function auc(options: { name?: string } = {}): Metric {
  checkKeys(options, 'auc', ['name']);
  let scores = new Float64Array(1024);
  let labels = new Uint8Array(1024);
  let count = 0;
  return {
    name: options.name ?? 'auc',
    higherIsBetter: true,
    reset() {
      count = 0;
    },
    update(AL, Y) {
      checkPair(this.name, AL, Y);
      const n = AL.size;
      if (count + n > scores.length) {
        const size = Math.max(2 * scores.length, count + n);
        const s = new Float64Array(size);
        s.set(scores.subarray(0, count));
        const l = new Uint8Array(size);
        l.set(labels.subarray(0, count));
        scores = s;
        labels = l;
      }
      scores.set(AL.data, count);
      const y = Y.data;
      for (let i = 0; i < n; i++) labels[count + i] = y[i] > 0.5 ? 1 : 0;
      count += n;
    },
    result: () => rocAuc(scores.subarray(0, count), labels.subarray(0, count)),
  };
}

/** ROC AUC of scores against 0/1 labels, ties as half (midranks). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i] - scores[j]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    // Ranks start..end-1 (1-based start+1..end) share their mean.
    const midrank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (labels[order[k]]) {
        positives++;
        rankSum += midrank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function meanError(name: string, error: (d: number) => number): Metric {
  let total = 0;
  let count = 0;
  return {
    name,
    higherIsBetter: false,
    reset() {
      total = 0;
      count = 0;
    },
    update(AL, Y) {
      checkPair(name, AL, Y);
      const a = AL.data;
      const y = Y.data;
      let s = 0;
      for (let i = 0; i < a.length; i++) s += error(a[i] - y[i]);
      total += s;
      count += a.length;
    },
    result: () => total / count,
  };
}

/** The mean of (AL − Y)² over every entry (per example over the units, then over the examples). */
export function meanSquaredError(options: { name?: string } = {}): Metric {
  checkKeys(options, 'meanSquaredError', ['name']);
  return meanError(options.name ?? 'meanSquaredError', (d) => d * d);
}

/** The mean of |AL − Y| over every entry. */
export function meanAbsoluteError(options: { name?: string } = {}): Metric {
  checkKeys(options, 'meanAbsoluteError', ['name']);
  return meanError(options.name ?? 'meanAbsoluteError', Math.abs);
}

/** A user's function as a Metric: its per-batch values averaged with the batches' m as weights. */
export function metricFromFunction(name: string, fn: MetricFunction, higherIsBetter = true): Metric {
  let total = 0;
  let count = 0;
  return {
    name,
    higherIsBetter,
    reset() {
      total = 0;
      count = 0;
    },
    update(AL, Y) {
      const value = fn(AL, Y);
      if (typeof value !== 'number') {
        throw new NeuriteError(`metric '${name}' must return a number, returned ${value === null ? 'null' : typeof value}`);
      }
      const m = AL.shape[AL.shape.length - 1];
      total += value * m;
      count += m;
    },
    result: () => total / count,
  };
}

/**
 * Turns `metrics: [...]` into fresh Metric accumulators. `outputUnits` picks what 'accuracy'
 * means: binary for one output unit, categorical for several. Each key appears once.
 */
export function resolveMetrics(specs: readonly MetricSpec[] | undefined, outputUnits: number, fn = 'compile'): Metric[] {
  if (specs === undefined) return [];
  if (!Array.isArray(specs)) throw new ValueError(`${fn}: metrics must be an array such as ['accuracy'], received ${typeof specs}`);
  const out = specs.map((spec, i) => resolveMetric(spec, outputUnits, `${fn}: metrics[${i}]`));
  const seen = new Set<string>();
  for (const m of out) {
    if (m.name === 'loss' || m.name.startsWith('val_')) {
      throw new ValueError(`${fn}: a metric cannot be named '${m.name}' ('loss' and 'val_…' are History's own keys)`);
    }
    if (seen.has(m.name)) throw new ValueError(`${fn}: the metric '${m.name}' is listed twice`);
    seen.add(m.name);
  }
  return out;
}

function resolveMetric(spec: MetricSpec, outputUnits: number, where: string): Metric {
  if (typeof spec === 'string') {
    switch (spec) {
      case 'accuracy':
      case 'acc':
        return outputUnits === 1 ? binaryAccuracy({ name: spec }) : categoricalAccuracy({ name: spec });
      case 'binaryAccuracy':
      case 'binary_accuracy':
        return binaryAccuracy({ name: spec });
      case 'categoricalAccuracy':
      case 'categorical_accuracy':
        return categoricalAccuracy({ name: spec });
      case 'precision':
        return precision();
      case 'recall':
        return recall();
      case 'f1':
      case 'f1_score':
        return f1({ name: spec });
      case 'auc':
        return auc();
      case 'mse':
      case 'meanSquaredError':
      case 'mean_squared_error':
        return meanSquaredError({ name: spec });
      case 'mae':
      case 'meanAbsoluteError':
      case 'mean_absolute_error':
        return meanAbsoluteError({ name: spec });
    }
    throw new ValueError(
      `${where}: unknown metric '${spec}'${didYouMean(spec, METRIC_NAMES)}; the built-in metrics are ${METRIC_NAMES.slice(0, 11).join(', ')} (and Keras's spellings ${METRIC_NAMES.slice(11).join(', ')})`,
    );
  }
  if (typeof spec === 'function') {
    // A zero-argument function is a factory of a stateful Metric; a metric function takes (AL, Y).
    if (spec.length === 0) {
      const metric = (spec as () => Metric)();
      if (!isMetric(metric)) {
        throw new ValueError(`${where}: a function of no arguments must return a Metric ({ name, higherIsBetter, reset, update, result })`);
      }
      return metric;
    }
    if (!spec.name) throw new ValueError(`${where}: an anonymous metric function needs a name: pass { name: 'myMetric', fn }`);
    return metricFromFunction(spec.name, spec as MetricFunction);
  }
  if (spec && typeof spec === 'object' && typeof spec.name === 'string' && spec.name !== '' && typeof spec.fn === 'function') {
    return metricFromFunction(spec.name, spec.fn, spec.higherIsBetter ?? true);
  }
  throw new ValueError(`${where}: expected a metric name ('accuracy', ...), a function (AL, Y) => number, or { name, fn }`);
}

function isMetric(m: unknown): m is Metric {
  const x = m as Metric;
  return (
    !!x &&
    typeof x.name === 'string' &&
    x.name !== '' &&
    typeof x.reset === 'function' &&
    typeof x.update === 'function' &&
    typeof x.result === 'function'
  );
}

/** The metrics' values after their updates, keyed by name (with `prefix`, 'val_'). */
export function metricResults(metrics: readonly Metric[], prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of metrics) out[prefix + m.name] = m.result();
  return out;
}
