import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam } from '@neurite/optimizers';
import { Generator, type Tensor, tensor, ValueError } from '@neurite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Activation,
  AveragePool2D,
  BatchNormalization,
  binaryAccuracy,
  type Callback,
  Conv2D,
  csvLogger as csvLines,
  Dense,
  Dropout,
  earlyStopping,
  GlobalAveragePooling2D,
  MaxPool2D,
  reduceLROnPlateau,
  Sequential,
} from '../src/index.ts';
import { csvLogger, loadModelSync, modelCheckpoint } from '../src/node.ts';

const scratch = mkdtempSync(join(tmpdir(), 'neurite-callbacks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function blobs(seed: number, m: number): { X: Tensor; Y: Tensor } {
  const g = new Generator(seed);
  const X = g.randn([2, m], 'float64');
  const noise = g.rand([m]);
  const y = Array.from({ length: m }, (_, j) => (X.data[j] - X.data[m + j] > 0 !== noise.data[j] < 0.2 ? 1 : 0));
  return { X, Y: tensor([y], 'float64') };
}

const wide = (seed = 4) =>
  new Sequential({ inputUnits: 2, dtype: 'float64', seed })
    .add(new Dense(24, { activation: 'tanh' }))
    .add(new Dense(1, { activation: 'sigmoid' }));

/** Copies of every weight at each record, as the record's callbacks see them. */
function weightsAtRecords(): { spy: Callback; copies: number[][][] } {
  const copies: number[][][] = [];
  return { copies, spy: { onRecord: (e) => copies.push(e.model.namedWeights().map(({ weight }) => Array.from(weight.value.data))) } };
}

const weightsOf = (model: Sequential) => model.namedWeights().map(({ weight }) => Array.from(weight.value.data));

describe('modelCheckpoint', () => {
  it('saveBestOnly keeps the weights of the best val_loss epoch, as loadModel reads them back', () => {
    const { X, Y } = blobs(1, 20);
    const { X: Xv, Y: Yv } = blobs(2, 50);
    const dir = join(scratch, 'best');
    const { spy, copies } = weightsAtRecords();
    const history = wide().fit(X, Y, {
      epochs: 60,
      batchSize: 10,
      optimizer: new Adam(0.05),
      seed: 1,
      validationData: [Xv, Yv],
      callbacks: [spy, modelCheckpoint(dir, { saveBestOnly: true })],
    });
    const losses = history.history.val_loss;
    const best = losses.indexOf(Math.min(...losses));
    expect(best).toBeLessThan(losses.length - 1);
    expect(weightsOf(loadModelSync(dir))).toEqual(copies[best]);
  });

  it('training by iterations, saves the weights that scored the record (before its update), one folder per record', () => {
    const { X, Y } = blobs(3, 40);
    const { spy, copies } = weightsAtRecords();
    const history = wide(2).fit(X, Y, {
      iterations: 25,
      learningRate: 0.5,
      printEvery: 10,
      callbacks: [spy, modelCheckpoint(join(scratch, 'iter-{iteration}-{loss:.3f}'))],
    });
    expect(history.at).toEqual([0, 10, 20, 24]);
    const names = readdirSync(scratch).filter((n) => n.startsWith('iter-'));
    expect(names.sort()).toEqual(history.at.map((at, k) => `iter-${at}-${history.history.loss[k].toFixed(3)}`).sort());
    const at10 = loadModelSync(join(scratch, `iter-10-${history.history.loss[1].toFixed(3)}`));
    expect(weightsOf(at10)).toEqual(copies[1]);
    expect(at10.iteration).toBe(10);
  });

  it('names a template key that the fit does not record, before training', () => {
    const { X, Y } = blobs(3, 10);
    const model = wide();
    expect(() => model.fit(X, Y, { epochs: 2, callbacks: [modelCheckpoint(join(scratch, 'x-{val_loss}'))] })).toThrow(
      /modelCheckpoint: monitor 'loss'|the path's \{val_loss\} names no recorded value/,
    );
    expect(() => model.fit(X, Y, { epochs: 2, callbacks: [modelCheckpoint(join(scratch, 'x-{iteration}'))] })).toThrow(
      /uses \{iteration\}, but this fit records by epoch: use \{epoch\}/,
    );
    expect(model.iteration).toBe(0);
  });
});

describe('csvLogger (file)', () => {
  it('writes the header once and a line per record; append adds to the file', () => {
    const { X, Y } = blobs(5, 30);
    const path = join(scratch, 'log.csv');
    const model = wide();
    const first = model.fit(X, Y, { epochs: 2, batchSize: 15, metrics: ['accuracy'], callbacks: [csvLogger(path)] });
    model.fit(X, Y, { epochs: 1, batchSize: 15, metrics: ['accuracy'], callbacks: [csvLogger(path, { append: true })] });
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('epoch,loss,accuracy');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe(`0,${first.history.loss[0]},${first.history.accuracy[0]}`);
    expect(lines[3].startsWith('2,')).toBe(true);
  });
});

describe('reduceLROnPlateau', () => {
  it('multiplies the learning rate by factor after patience records without improvement, then cools down', () => {
    const { X, Y } = blobs(6, 30);
    const rates: number[] = [];
    const lines: string[] = [];
    const model = wide();
    // A learning rate this small cannot lower the loss by minDelta: every record is a plateau.
    model.fit(X, Y, {
      epochs: 9,
      learningRate: 1e-9,
      callbacks: [
        reduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 2, minDelta: 1e-3, log: (l) => lines.push(l) }),
        { onRecord: (e) => rates.push(e.learningRate) },
      ],
    });
    // Epoch 0 sets the best; 1 and 2 wait, the cut comes at the end of 2. Keras's cooldown of 2:
    // epoch 3 is cooling, 4 counts again (the last cooling step), 5 makes two: the next cut; then 8.
    // Each record shows the rate it was trained with, before that record's cut.
    const want = [1e-9, 1e-9, 1e-9, 5e-10, 5e-10, 5e-10, 2.5e-10, 2.5e-10, 2.5e-10];
    rates.forEach((r, i) => {
      expect(Math.abs(r - want[i])).toBeLessThan(1e-15 * want[i]);
    });
    expect(rates).toHaveLength(9);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^reduceLROnPlateau: loss did not improve for 2 epochs; learning rate 1e-9 -> 5e-10 at epoch 2$/);
    expect(Math.abs((model.compiled?.optimizer.learningRate as number) - 1.25e-10)).toBeLessThan(1e-25);
  });
});

describe('options are checked at run time', () => {
  const { X, Y } = blobs(7, 12);
  const model = () => new Sequential({ inputUnits: 2, dtype: 'float64' }).add(new Dense(1, { activation: 'sigmoid' }));
  const cases: [string, () => unknown, RegExp][] = [
    [
      'fit batchsize',
      () => model().fit(X, Y, { epochs: 1, batchsize: 4 } as never),
      /^fit: options has an unknown key 'batchsize' \(did you mean 'batchSize'\?\)/,
    ],
    ['fit lr', () => model().fit(X, Y, { iterations: 1, lr: 0.1 } as never), /unknown key 'lr' \(did you mean 'learningRate'\?\)/],
    [
      'fit validation_split',
      () => model().fit(X, Y, { epochs: 1, validation_split: 0.2 } as never),
      /'validation_split' \(did you mean 'validationSplit'\?\)/,
    ],
    [
      'fit validationdata',
      () => model().fit(X, Y, { epochs: 1, validationdata: [X, Y] } as never),
      /'validationdata' \(did you mean 'validationData'\?\)/,
    ],
    ['fit metric', () => model().fit(X, Y, { epochs: 1, metric: ['accuracy'] } as never), /'metric' \(did you mean 'metrics'\?\)/],
    ['fit epoch', () => model().fit(X, Y, { epoch: 3, iterations: 1 } as never), /'epoch' \(did you mean 'epochs'\?\)/],
    [
      'compile optimiser',
      () => model().compile({ optimiser: 'adam' } as never),
      /^compile: options has an unknown key 'optimiser' \(did you mean 'optimizer'\?\)/,
    ],
    [
      'evaluate metrcs',
      () => model().evaluate(X, Y, { metrcs: ['auc'] } as never),
      /^evaluate: options has an unknown key 'metrcs' \(did you mean 'metrics'\?\)/,
    ],
    [
      'predict treshold',
      () => model().predict(X, { treshold: 0.3 } as never),
      /^predict: options has an unknown key 'treshold' \(did you mean 'threshold'\?\)/,
    ],
    [
      'Sequential inputunits',
      () => new Sequential({ inputunits: 2 } as never),
      /^Sequential: options has an unknown key 'inputunits' \(did you mean 'inputUnits'\?\)/,
    ],
    [
      'Dense activaton',
      () => new Dense(3, { activaton: 'relu' } as never),
      /^Dense: options has an unknown key 'activaton' \(did you mean 'activation'\?\)/,
    ],
    ['Dense use_bias', () => new Dense(3, { use_bias: false } as never), /'use_bias' \(did you mean 'useBias'\?\)/],
    ['Dropout sed', () => new Dropout(0.5, { sed: 1 } as never), /^Dropout: options has an unknown key 'sed' \(did you mean 'seed'\?\)/],
    [
      'Conv2D stride',
      () => new Conv2D(8, 3, { stride: 2 } as never),
      /^Conv2D: options has an unknown key 'stride' \(did you mean 'strides'\?\)/,
    ],
    [
      'MaxPool2D padd',
      () => new MaxPool2D(2, { padd: 'same' } as never),
      /^MaxPool2D: options has an unknown key 'padd' \(did you mean 'padding'\?\)/,
    ],
    [
      'AveragePool2D countIncludePadding',
      () => new AveragePool2D(2, { countIncludePadding: true } as never),
      /\(did you mean 'countIncludePad'\?\)/,
    ],
    [
      'BatchNormalization epsillon',
      () => new BatchNormalization({ epsillon: 1e-5 } as never),
      /^BatchNormalization: options has an unknown key 'epsillon' \(did you mean 'epsilon'\?\)/,
    ],
    ['GlobalAveragePooling2D keepdims', () => new GlobalAveragePooling2D({ keepdims: true } as never), /\(did you mean 'keepDims'\?\)/],
    [
      'Activation alpah',
      () => new Activation('leakyRelu', { alpah: 0.2 } as never),
      /^Activation: options has an unknown key 'alpah' \(did you mean 'alpha'\?\)/,
    ],
    [
      'earlyStopping patiense',
      () => earlyStopping({ patiense: 3 } as never),
      /^earlyStopping: options has an unknown key 'patiense' \(did you mean 'patience'\?\)/,
    ],
    [
      'earlyStopping restore_best_weights',
      () => earlyStopping({ restore_best_weights: true } as never),
      /\(did you mean 'restoreBestWeights'\?\)/,
    ],
    [
      'modelCheckpoint saveBest',
      () => modelCheckpoint('x', { saveBest: true } as never),
      /^modelCheckpoint: options has an unknown key 'saveBest' \(did you mean 'saveBestOnly'\?\)/,
    ],
    ['reduceLROnPlateau min_lr', () => reduceLROnPlateau({ min_lr: 0.001 } as never), /'min_lr' \(did you mean 'minLearningRate'\?\)/],
    [
      'csvLogger seperator',
      () => csvLines(() => {}, { seperator: ';' } as never),
      /^csvLogger: options has an unknown key 'seperator' \(did you mean 'separator'\?\)/,
    ],
    [
      'binaryAccuracy treshold',
      () => binaryAccuracy({ treshold: 0.3 } as never),
      /^binaryAccuracy: options has an unknown key 'treshold' \(did you mean 'threshold'\?\)/,
    ],
    [
      'unknown metric',
      () => model().fit(X, Y, { epochs: 1, metrics: ['acurracy' as never] }),
      /^fit: metrics\[0\]: unknown metric 'acurracy' \(did you mean 'accuracy'\?\)/,
    ],
  ];
  for (const [name, run, message] of cases) {
    it(`${name}: a ValueError naming the key and the closest valid one`, () => {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValueError);
      expect(String((error as Error).message)).toMatch(message);
    });
  }

  it('a model file still loads: layer configs pass their constructors’ checks', () => {
    const dir = join(scratch, 'roundtrip');
    const m = new Sequential({ inputUnits: 2, seed: 1 })
      .add(new Dense(3, { activation: 'relu' }))
      .add(new Dropout(0.2, { seed: 3 }))
      .add(new Dense(1, { activation: 'sigmoid' }));
    m.build();
    m.compile({ metrics: ['accuracy'] });
    return import('../src/node.ts').then(({ saveModelSync }) => {
      saveModelSync(m, dir);
      expect(existsSync(join(dir, 'model.json'))).toBe(true);
      expect(weightsOf(loadModelSync(dir))).toEqual(weightsOf(m));
    });
  });
});
