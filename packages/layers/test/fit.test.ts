import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { planarFlower } from '@neurite/datasets';
import { Adam } from '@neurite/optimizers';
import { Generator, type Tensor, tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import {
  type BackwardResult,
  BatchNormalization,
  type Callback,
  csvLogger,
  Dense,
  Dropout,
  earlyStopping,
  type ForwardContext,
  type History,
  Layer,
  type LayerShape,
  type Metric,
  type MetricName,
  Sequential,
} from '../src/index.ts';

const hasNumpy = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const REFERENCE = fileURLToPath(new URL('./reference/metrics_reference.py', import.meta.url));

/** Two noisy Gaussian blobs, m examples: labels from a linear rule with some flipped, so no metric is trivially 1. */
function blobs(seed: number, m: number, classes = 1): { X: Tensor; Y: Tensor } {
  const g = new Generator(seed);
  const X = g.randn([2, m], 'float64');
  const noise = g.rand([m]);
  if (classes === 1) {
    const y = Array.from({ length: m }, (_, j) => (X.data[j] + X.data[m + j] > 0 !== noise.data[j] < 0.15 ? 1 : 0));
    return { X, Y: tensor([y], 'float64') };
  }
  const rows = Array.from({ length: classes }, () => new Array<number>(m).fill(0));
  for (let j = 0; j < m; j++) {
    const angle = Math.atan2(X.data[m + j], X.data[j]) + Math.PI;
    const k = noise.data[j] < 0.15 ? j % classes : Math.min(classes - 1, Math.floor((angle / (2 * Math.PI)) * classes));
    rows[k][j] = 1;
  }
  return { X, Y: tensor(rows, 'float64') };
}

const nested = (t: Tensor): number[][] => {
  const [n, m] = t.shape;
  return Array.from({ length: n }, (_, i) => Array.from(t.data.subarray(i * m, (i + 1) * m)));
};

/**
 * A stateful metric that keeps a copy of every training batch it scores (AL, Y), grouped by
 * record, so numpy can recompute the epoch's metrics from the very outputs fit saw. Updates on
 * the validation targets (the tensor `val`) are not training batches and are left out.
 */
function captureTraining(val: Tensor): { factory: () => Metric; records: [number[][], number[][]][][] } {
  const records: [number[][], number[][]][][] = [];
  const factory = (): Metric => {
    let group: [number[][], number[][]][] = [];
    return {
      name: 'seen',
      higherIsBetter: true,
      reset() {
        group = [];
      },
      update(AL, Y) {
        if (Y !== val) group.push([nested(AL), nested(Y)]);
      },
      result() {
        if (group.length > 0) records.push(group);
        return group.length;
      },
    };
  };
  return { factory, records };
}

/** The validation outputs at each record, in inference mode, as the record's callbacks see the model. */
function captureValidation(Xv: Tensor, Yv: Tensor): { callback: Callback; records: [number[][], number[][]][] } {
  const records: [number[][], number[][]][] = [];
  return { records, callback: { onRecord: (e) => records.push([nested(e.model.predictProba(Xv)), nested(Yv)]) } };
}

function numpyCheck(payload: unknown): string {
  return execFileSync('python3', [REFERENCE], { input: JSON.stringify(payload), encoding: 'utf8' });
}

function recordsOf(history: History, train: [number[][], number[][]][][], val: [number[][], number[][]][] | null) {
  expect(train).toHaveLength(history.at.length);
  return history.at.map((_, k) => ({
    train: train[k],
    val: val ? val[k] : null,
    logs: Object.fromEntries(
      Object.entries(history.history)
        .filter(([key]) => key !== 'seen' && key !== 'val_seen')
        .map(([key, values]) => [key, values[k]]),
    ),
  }));
}

const BINARY: MetricName[] = ['accuracy', 'precision', 'recall', 'f1', 'auc', 'mse', 'mae'];

/** A user's metric function: the mean logit log(p / (1 − p)) over every entry. */
function meanLogit(AL: Tensor, _Y: Tensor): number {
  let s = 0;
  for (let i = 0; i < AL.size; i++) s += Math.log(AL.data[i] / (1 - AL.data[i]));
  return s / AL.size;
}

describe('fit: validation and metrics against numpy', () => {
  it.skipIf(!hasNumpy)('mini-batches with dropout: per-epoch loss and metrics over the batches, val_… in inference mode', () => {
    const { X, Y } = blobs(1, 90);
    const { X: Xv, Y: Yv } = blobs(2, 37);
    const train = captureTraining(Yv);
    const val = captureValidation(Xv, Yv);
    const model = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 3 })
      .add(new Dense(6, { activation: 'tanh' }))
      .add(new Dropout(0.3))
      .add(new Dense(1, { activation: 'sigmoid' }));
    const history = model.fit(X, Y, {
      epochs: 6,
      batchSize: 16,
      optimizer: new Adam(0.05),
      seed: 4,
      metrics: [...BINARY, meanLogit, train.factory],
      validationData: [Xv, Yv],
      callbacks: [val.callback],
    });
    expect(history.unit).toBe('epoch');
    expect(history.at).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Object.keys(history.history)).toEqual([
      'loss',
      ...BINARY,
      'meanLogit',
      'seen',
      'val_loss',
      ...BINARY.map((k) => `val_${k}`),
      'val_meanLogit',
      'val_seen',
    ]);
    // 90 examples in batches of 16: five full batches and one of 10, every epoch.
    expect(history.history.seen).toEqual([6, 6, 6, 6, 6, 6]);
    const result = model.evaluate(Xv, Yv, { metrics: [...BINARY, meanLogit] });
    const out = numpyCheck({
      categorical: false,
      metrics: [...BINARY, 'meanLogit'],
      records: recordsOf(history, train.records, val.records),
      evaluate: { AL: nested(model.predictProba(Xv)), Y: nested(Yv), result },
    });
    expect(out).toContain('checked 6 records');
    // evaluate after the last epoch scores the same weights as the last record's val_….
    expect(result.loss).toBe(history.history.val_loss[5]);
    expect(result.auc).toBe(history.history.val_auc[5]);
  });

  it.skipIf(!hasNumpy)('full batch by iterations: records every printEvery iterations, before that iteration’s update', () => {
    const { X, Y } = blobs(5, 64);
    const { X: Xv, Y: Yv } = blobs(6, 25);
    const train = captureTraining(Yv);
    const val = captureValidation(Xv, Yv);
    const model = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 1 })
      .add(new Dense(4, { activation: 'tanh' }))
      .add(new Dense(1, { activation: 'sigmoid' }));
    const history = model.fit(X, Y, {
      iterations: 30,
      learningRate: 0.8,
      printEvery: 7,
      metrics: [...BINARY, meanLogit, train.factory],
      validationData: [Xv, Yv],
      callbacks: [val.callback],
    });
    expect(history.unit).toBe('iteration');
    expect(history.at).toEqual([0, 7, 14, 21, 28, 29]);
    // The course's fields are the same records' losses.
    expect(history.iterations).toEqual(history.at);
    expect(history.costs).toEqual(history.history.loss);
    const out = numpyCheck({
      categorical: false,
      metrics: [...BINARY, 'meanLogit'],
      records: recordsOf(history, train.records, val.records),
    });
    expect(out).toContain('checked 6 records');
  });

  it.skipIf(!hasNumpy)(
    'softmax, three classes, a short last batch: categorical accuracy and micro-averaged precision, recall, F1, AUC',
    () => {
      const { X, Y } = blobs(7, 70, 3);
      const { X: Xv, Y: Yv } = blobs(8, 41, 3);
      const train = captureTraining(Yv);
      const val = captureValidation(Xv, Yv);
      const model = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 2 })
        .add(new Dense(8, { activation: 'relu' }))
        .add(new Dense(3, { activation: 'softmax' }));
      const history = model.fit(X, Y, {
        epochs: 5,
        batchSize: 32,
        loss: 'categoricalCrossEntropy',
        optimizer: new Adam(0.03),
        seed: 9,
        metrics: [...BINARY, train.factory],
        validationData: [Xv, Yv],
        callbacks: [val.callback],
      });
      const result = model.evaluate(Xv, Yv);
      const out = numpyCheck({
        categorical: true,
        metrics: BINARY,
        records: recordsOf(history, train.records, val.records),
        evaluate: { AL: nested(model.predictProba(Xv)), Y: nested(Yv), result },
      });
      expect(out).toContain('checked 5 records');
    },
  );
});

describe('fit: validationSplit', () => {
  it('holds out the last ⌊fraction·m⌋ examples, before shuffling, and trains on the rest', () => {
    const { X, Y } = blobs(11, 50);
    const make = () =>
      new Sequential({ inputUnits: 2, dtype: 'float64', seed: 5 })
        .add(new Dense(3, { activation: 'tanh' }))
        .add(new Dense(1, { activation: 'sigmoid' }));
    const model = make();
    const history = model.fit(X, Y, { epochs: 3, batchSize: 8, learningRate: 0.5, seed: 1, validationSplit: 0.2, metrics: ['accuracy'] });
    // 40 training examples in batches of 8: 5 steps an epoch.
    expect(history.steps).toBe(15);
    const cols = (t: Tensor, a: number, b: number) =>
      tensor(
        nested(t).map((row) => row.slice(a, b)),
        'float64',
      );
    const result = model.evaluate(cols(X, 40, 50), cols(Y, 40, 50));
    expect(history.history.val_loss[2]).toBe(result.loss);
    expect(history.history.val_accuracy[2]).toBe(result.accuracy);
    // The same run on the first 40 examples, with the last 10 as validationData, is the same run.
    const twin = make();
    const again = twin.fit(cols(X, 0, 40), cols(Y, 0, 40), {
      epochs: 3,
      batchSize: 8,
      learningRate: 0.5,
      seed: 1,
      validationData: [cols(X, 40, 50), cols(Y, 40, 50)],
      metrics: ['accuracy'],
    });
    expect(again.history).toEqual(history.history);
  });

  it('refuses fractions that leave no example on one side, and both validation options at once', () => {
    const { X, Y } = blobs(11, 10);
    const model = new Sequential({ inputUnits: 2, dtype: 'float64' }).add(new Dense(1, { activation: 'sigmoid' }));
    expect(() => model.fit(X, Y, { epochs: 1, validationSplit: 0.95 })).toThrow(
      /validationSplit 0.95 of 10 examples leaves 0 for training and 10/,
    );
    expect(() => model.fit(X, Y, { epochs: 1, validationSplit: 1 })).toThrow(/validationSplit must be a fraction in \(0, 1\)/);
    expect(() => model.fit(X, Y, { epochs: 1, validationSplit: 0.5, validationData: [X, Y] })).toThrow(/not both/);
    expect(() => model.fit(X, Y, { epochs: 1, validationData: [X, tensor([[1, 0]], 'float64')] })).toThrow(
      /validationData\[1\] must have shape \(1, 10\)/,
    );
  });
});

/** Identity, with a non-trainable counter of the training batches it has seen: state that restoreBestWeights must restore too. */
class CountBatches extends Layer {
  override build(): void {
    this.addWeight('count', [1, 1], 'zeros', { trainable: false });
  }
  computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }
  forward(A_prev: Tensor, ctx: ForwardContext): Tensor {
    if (ctx.training) this.getWeight('count').value.data[0] += 1;
    return A_prev;
  }
  override backward(dA: Tensor): BackwardResult {
    return { dA_prev: dA };
  }
}

describe('earlyStopping', () => {
  it('restoreBestWeights leaves the best record’s weights, trainable and not, bit for bit', () => {
    // 16 noisy training points and a wide network: it overfits, and val_loss turns up.
    const { X, Y } = blobs(21, 16);
    const { X: Xv, Y: Yv } = blobs(22, 60);
    const model = new Sequential({ inputUnits: 2, dtype: 'float32', seed: 4 })
      .add(new Dense(32, { activation: 'tanh' }))
      .add(new CountBatches({ name: 'counter' }))
      .add(new Dense(1, { activation: 'sigmoid' }));
    const copies: Float32Array[][] = [];
    const spy: Callback = {
      onRecord: (e) => copies.push(e.model.namedWeights().map(({ weight }) => weight.value.data.slice() as Float32Array)),
    };
    const history = model.fit(X, Y, {
      epochs: 400,
      batchSize: 8,
      optimizer: new Adam(0.05),
      seed: 2,
      validationData: [Xv, Yv],
      callbacks: [spy, earlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true })],
    });
    const losses = history.history.val_loss;
    const best = losses.indexOf(Math.min(...losses));
    expect(history.stopped).toBe(true);
    expect(best).toBe(losses.length - 6);
    expect(history.stopReason).toContain(`restored the weights of epoch ${history.at[best]}`);
    const now = model.namedWeights();
    expect(now.map(({ key }) => key)).toEqual(['W1', 'b1', 'counter.count', 'W2', 'b2']);
    now.forEach(({ weight }, i) => {
      expect(new Uint8Array(weight.value.data.buffer, weight.value.data.byteOffset, weight.value.data.byteLength)).toEqual(
        new Uint8Array(copies[best][i].buffer),
      );
    });
    // The counter came back too: two batches an epoch, through the best epoch.
    expect(now[2].weight.value.data[0]).toBe(2 * (best + 1));
  });

  it('with BatchNormalization: the moving statistics come back bit for bit with the weights, and validation uses them', () => {
    const { X, Y } = blobs(31, 24);
    const { X: Xv, Y: Yv } = blobs(32, 60);
    const model = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 6 })
      .add(new Dense(16, { activation: 'relu' }))
      .add(new BatchNormalization({ momentum: 0.9 }))
      .add(new Dense(1, { activation: 'sigmoid' }));
    const copies: number[][][] = [];
    const valScores: number[] = [];
    const spy: Callback = {
      onRecord: (e) => {
        copies.push(e.model.namedWeights().map(({ weight }) => Array.from(weight.value.data)));
        // In inference mode (moving statistics): scoring again gives the recorded val_loss exactly.
        valScores.push(e.model.evaluate(Xv, Yv).loss);
      },
    };
    const history = model.fit(X, Y, {
      epochs: 300,
      batchSize: 8,
      optimizer: new Adam(0.03),
      seed: 3,
      validationData: [Xv, Yv],
      callbacks: [spy, earlyStopping({ patience: 8 })],
    });
    expect(valScores).toEqual(history.history.val_loss);
    const losses = history.history.val_loss;
    const best = losses.indexOf(Math.min(...losses));
    expect(best).toBeLessThan(losses.length - 1);
    const now = model.namedWeights();
    expect(now.map(({ key }) => key)).toContain('batchNormalization1.movingMean');
    expect(now.map(({ weight }) => Array.from(weight.value.data))).toEqual(copies[best]);
    expect(model.evaluate(Xv, Yv).loss).toBe(losses[best]);
  });

  it('judges accuracy-like monitors by max, losses by min, and names an unrecorded monitor', () => {
    const { X, Y } = blobs(3, 40);
    const model = () => new Sequential({ inputUnits: 2, dtype: 'float64', seed: 1 }).add(new Dense(1, { activation: 'sigmoid' }));
    const h = model().fit(X, Y, {
      epochs: 50,
      learningRate: 1e-9,
      metrics: ['accuracy'],
      callbacks: [earlyStopping({ monitor: 'accuracy', patience: 2 })],
    });
    // Accuracy cannot rise at this learning rate: epochs 1 and 2 fail to beat epoch 0.
    expect(h.steps).toBe(3);
    expect(h.stopReason).toMatch(/accuracy did not improve for 2 epochs after the best, [\d.]+, at epoch 0/);
    expect(() => model().fit(X, Y, { epochs: 2, callbacks: [earlyStopping()] })).not.toThrow();
    expect(() => model().fit(X, Y, { epochs: 2, callbacks: [earlyStopping({ monitor: 'val_loss' })] })).toThrow(
      /monitor 'val_loss' is not recorded by this fit; give fit validationData or validationSplit/,
    );
    expect(() => model().fit(X, Y, { epochs: 2, metrics: ['accuracy'], callbacks: [earlyStopping({ monitor: 'acuracy' })] })).toThrow(
      /monitor 'acuracy' is not recorded by this fit \(did you mean 'accuracy'\?\)/,
    );
  });
});

describe('csvLogger', () => {
  it('writes a header of the record keys and one line per record, values in full', () => {
    const { X, Y } = blobs(3, 30);
    const { X: Xv, Y: Yv } = blobs(4, 12);
    const lines: string[] = [];
    const history = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 1 }).add(new Dense(1, { activation: 'sigmoid' })).fit(X, Y, {
      epochs: 3,
      batchSize: 10,
      metrics: ['accuracy'],
      validationData: [Xv, Yv],
      callbacks: [csvLogger((l) => lines.push(l))],
    });
    expect(lines[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy\n');
    expect(lines).toHaveLength(4);
    const row = lines[2].trim().split(',').map(Number);
    expect(row).toEqual([
      1,
      history.history.loss[1],
      history.history.accuracy[1],
      history.history.val_loss[1],
      history.history.val_accuracy[1],
    ]);
  });
});

describe('earlyStopping defaults on the planar flower, mini-batches of 32', () => {
  // The case: the old defaults watched each mini-batch's cost with patience 5 and
  // stopped after a few dozen steps far below the accuracy of the full run.
  const { X, Y } = planarFlower();
  const cases = [
    { name: 'gradient descent, lr 1.2, 300 epochs', options: { epochs: 300, learningRate: 1.2 } },
    { name: 'Adam, lr 0.01, 300 epochs', options: { epochs: 300, optimizer: 'adam' as const, learningRate: 0.01 } },
  ];
  for (const { name, options } of cases) {
    it(`${name}: within a point of the run without it, or a named reason`, () => {
      const run = (callbacks: Callback[]) => {
        const model = new Sequential({ inputUnits: 2, seed: 2 })
          .add(new Dense(4, { activation: 'tanh' }))
          .add(new Dense(1, { activation: 'sigmoid' }));
        const history = model.fit(X, Y, { ...options, batchSize: 32, seed: 1, callbacks });
        return { accuracy: model.evaluate(X, Y).accuracy as number, history };
      };
      const full = run([]);
      const early = run([earlyStopping()]);
      expect(early.accuracy).toBeGreaterThanOrEqual(full.accuracy - 0.01);
      if (early.history.stopped)
        expect(early.history.stopReason).toMatch(
          /^early stopping: loss did not improve for 20 epochs after the best, [\d.]+, at epoch \d+; restored the weights of epoch \d+/,
        );
    });
  }
});

describe('fit prints the course lines', () => {
  it('full batch by epochs prints "Cost after iteration", with the record’s values when there are any', () => {
    const { X, Y } = blobs(3, 20);
    const lines: string[] = [];
    const model = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 1 }).add(new Dense(1, { activation: 'sigmoid' }));
    model.fit(X, Y, { epochs: 3, printEvery: 2, verbose: (l) => lines.push(l) });
    expect(lines).toEqual([
      expect.stringMatching(/^Cost after iteration 0: 0\.\d{6}$/),
      expect.stringMatching(/^Cost after iteration 2: /),
    ]);
    lines.length = 0;
    model.fit(X, Y, { epochs: 2, printEvery: 1, metrics: ['accuracy'], validationData: [X, Y], verbose: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^Cost after iteration 3: 0\.\d{6} - accuracy: [01]\.\d{4} - val_loss: 0\.\d{4} - val_accuracy: [01]\.\d{4}$/);
  });
});
