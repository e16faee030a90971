import { Adam } from '@neurite/optimizers';
import { Generator, NeuriteError, type Tensor, tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { type Callback, Dense, Dropout, earlyStopping, progressLogger, Sequential, TrainingError } from '../src/index.ts';

function blobs(seed = 3, m = 60): { X: Tensor; Y: Tensor } {
  const g = new Generator(seed);
  const X = g.randn([2, m], 'float64');
  const Y = tensor([Array.from({ length: m }, (_, j) => (X.data[j] + X.data[m + j] > 0 ? 1 : 0))], 'float64');
  return { X, Y };
}

const small = (seed = 1) =>
  new Sequential({ inputUnits: 2, dtype: 'float64', seed })
    .add(new Dense(4, { activation: 'tanh' }))
    .add(new Dense(1, { activation: 'sigmoid' }));

describe('Sequential', () => {
  it('summary lists each layer with output shape and parameter count', () => {
    const text = new Sequential({ inputUnits: 12288, seed: 1 })
      .add(new Dense(20, { activation: 'relu' }))
      .add(new Dropout(0.2))
      .add(new Dense(1, { activation: 'sigmoid' }))
      .build()
      .summary();
    expect(text).toMatch(/Dense \(relu\)\s+\(20, m\)\s+245780/);
    expect(text).toMatch(/Dropout\s+\(20, m\)\s+0/);
    expect(text).toMatch(/Dense \(sigmoid\)\s+\(1, m\)\s+21/);
    expect(text).toMatch(/Total params: 245,801/);
  });

  it('fit learns a separable problem; predict and evaluate agree', () => {
    const { X, Y } = blobs();
    const model = small();
    const history = model.fit(X, Y, { iterations: 300, learningRate: 0.5, printEvery: 100 });
    expect(history.iterations).toEqual([0, 100, 200, 299]);
    expect(history.costs[3]).toBeLessThan(history.costs[0] / 2);
    const { accuracy, cost } = model.evaluate(X, Y);
    expect(accuracy).toBeGreaterThan(0.9);
    expect(cost).toBeLessThan(history.costs[3] + 1e-3);
    const p = model.predict(X);
    const proba = model.predictProba(X);
    p.data.forEach((v, i) => {
      expect(v).toBe(proba.data[i] > 0.5 ? 1 : 0);
    });
  });

  it('training in slices (fit called repeatedly, or trainStep) equals one long fit', () => {
    const { X, Y } = blobs();
    const whole = small();
    whole.fit(X, Y, { iterations: 20, optimizer: new Adam(0.05), printEvery: 1 });
    const sliced = small();
    sliced.fit(X, Y, { iterations: 5, optimizer: new Adam(0.05) });
    sliced.fit(X, Y, { iterations: 5 });
    for (let i = 0; i < 10; i++) sliced.trainStep(X, Y, { computeCost: i % 2 === 0 });
    expect(sliced.iteration).toBe(20);
    for (const [k, t] of Object.entries(whole.params())) expect(Array.from(sliced.params()[k].data)).toEqual(Array.from(t.data));
  });

  it('a diverging run throws a TrainingError naming the iteration and suggesting a lower learning rate', () => {
    const { X, Y } = blobs();
    // Linear regression with a learning rate far above 1/λmax: the weights grow geometrically to Inf, then NaN.
    const model = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 1 }).add(new Dense(1));
    let error: unknown;
    try {
      model.fit(X, Y, { iterations: 5000, loss: 'meanSquaredError', learningRate: 5, printEvery: 1000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrainingError);
    expect(error).toBeInstanceOf(NeuriteError);
    expect((error as TrainingError).message).toMatch(/at iteration \d+.*learning rate .* too high/);
    expect(Number.isInteger((error as TrainingError).iteration)).toBe(true);
  });

  it('callbacks see costs when they ask, and can stop training', () => {
    const { X, Y } = blobs();
    const seen: (number | undefined)[] = [];
    const lines: string[] = [];
    const spy: Callback = { costEvery: 2, onIterationEnd: (e) => seen.push(e.cost) };
    const stopper: Callback = { onIterationEnd: (e) => e.iteration === 6 && e.stop('enough') };
    const history = small().fit(X, Y, {
      iterations: 100,
      callbacks: [spy, stopper, progressLogger({ every: 3, log: (l) => lines.push(l) })],
      printEvery: 1000,
    });
    expect(history.steps).toBe(7);
    expect(history.stopped).toBe(true);
    expect(history.stopReason).toBe('enough');
    expect(seen.map((c) => c !== undefined)).toEqual([true, false, true, true, true, false, true]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Cost after iteration 0: 0\.\d{6}$/);
  });

  it('early stopping ends a run whose cost stops improving, judged at each record', () => {
    const { X, Y } = blobs();
    const history = small().fit(X, Y, {
      iterations: 5000,
      learningRate: 1e-12,
      printEvery: 1,
      callbacks: [earlyStopping({ patience: 3, minDelta: 1e-6 })],
    });
    // Record 0 sets the best; records 1, 2, 3 do not beat it by 1e-6: stop after step 3.
    expect(history.stopped).toBe(true);
    expect(history.steps).toBe(4);
    expect(history.stopReason).toMatch(
      /^early stopping: loss did not improve by more than 0\.000001 for 3 records \(3 iterations\) after the best, 0\.\d+, at iteration 0; restored the weights of iteration 0 \(loss 0\.\d+\)$/,
    );
  });

  it('mini-batches: an epoch takes ceil(m / batchSize) steps and lowers the cost', () => {
    const { X, Y } = blobs(5, 50);
    const model = small();
    const before = model.evaluate(X, Y).cost;
    const history = model.fit(X, Y, { epochs: 30, batchSize: 16, optimizer: new Adam(0.05), seed: 3, printEvery: 10 });
    expect(history.steps).toBe(30 * 4);
    expect(history.iterations).toEqual([0, 10, 20, 29]);
    expect(model.evaluate(X, Y).cost).toBeLessThan(before / 2);
  });

  it('inverted dropout: seeded masks repeat, kept units are scaled by 1/keep, inference is the identity', () => {
    const A = tensor([Array.from({ length: 2000 }, () => 1)], 'float64');
    const build = { rng: new Generator(0), dtype: 'float64' } as const;
    const training = { training: true, reuse: false, rng: new Generator(0) };
    const run = () => new Dropout(0.25, { seed: 42 }).ensureBuilt([1, null], build).forward(A, training).A;
    const out = run();
    expect(Array.from(out.data)).toEqual(Array.from(run().data));
    const kept = Array.from(out.data).filter((v) => v !== 0);
    kept.forEach((v) => {
      expect(v).toBeCloseTo(1 / 0.75, 15);
    });
    expect(kept.length / 2000).toBeGreaterThan(0.72);
    expect(kept.length / 2000).toBeLessThan(0.78);
    const d = new Dropout(0.25, { seed: 42 }).ensureBuilt([1, null], build);
    expect(d.forward(A, { ...training, training: false }).A).toBe(A);
    // The gradient goes through the same mask with the same scale.
    const { cache } = d.forward(A, training);
    const back = d.backward(A, cache, { needInput: true, reuse: false, m: 2000 }).dA_prev as Tensor;
    expect(Array.from(back.data)).toEqual(Array.from(out.data));
  });

  it('validates inputs with messages that name the problem', () => {
    const model = small();
    expect(() => model.fit(tensor([[1, 2, 3]], 'float64'), tensor([[1, 0, 1]], 'float64'), { iterations: 1 })).toThrow(
      /X must have 2 rows/,
    );
    expect(() => small().fit(blobs().X, tensor([[1, 0]], 'float64'), { iterations: 1 })).toThrow(/Y must have shape \(1, 60\)/);
    expect(() => small().fit(blobs().X, blobs().Y, {})).toThrow(/iterations .* or epochs/);
    expect(() => new Dense(0)).toThrow(/units must be a positive integer/);
    expect(() => new Dense(3, { activation: 'swoosh' as never })).toThrow(/activation must be one of/);
    expect(() => new Dropout(1)).toThrow(/rate must be in \[0, 1\)/);
    expect(() => new Dense(3, { kernelInitializer: 'lecun' as never })).toThrow(/unknown initializer "lecun"/);
    expect(() => small().trainStep(blobs().X, blobs().Y)).toThrow(/compile/);
  });

  it('softmax output: predict gives class indices, evaluate gives accuracy', () => {
    const g = new Generator(2);
    const X = g.randn([2, 30], 'float64');
    const Y = tensor(
      [0, 1, 2].map((c) => Array.from({ length: 30 }, (_, j) => (j % 3 === c ? 1 : 0))),
      'float64',
    );
    const model = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 1 })
      .add(new Dense(5, { activation: 'relu' }))
      .add(new Dense(3, { activation: 'softmax' }));
    model.fit(X, Y, { iterations: 5, loss: 'categoricalCrossEntropy', learningRate: 0.1 });
    const p = model.predict(X);
    expect(p.dtype).toBe('int32');
    expect(p.shape).toEqual([30]);
    expect(model.evaluate(X, Y).accuracy).toBeGreaterThanOrEqual(0);
  });

  it('float32 models train too', () => {
    const { X, Y } = blobs();
    const model = new Sequential({ inputUnits: 2, seed: 1 })
      .add(new Dense(4, { activation: 'relu' }))
      .add(new Dense(1, { activation: 'sigmoid' }));
    const history = model.fit(X, Y, { iterations: 200, learningRate: 0.5 });
    expect(model.params().W1.dtype).toBe('float32');
    expect(history.costs[history.costs.length - 1]).toBeLessThan(history.costs[0]);
  });
});
