import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACTIVATIONS,
  Activation,
  AveragePool2D,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  GlobalAveragePooling2D,
  type Layer,
  MaxPool2D,
  Sequential,
  Unflatten,
} from '@neurite/layers';
import { type FloatDType, Generator, type Tensor, tensor } from '@neurite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { fromOnnx, toOnnx } from '../src/index.ts';
import { outputBound } from './bound.ts';
import { type RandomModel, randomCnn, randomDense, runOrt } from './models.ts';
import { needsPython, python, pythonHas } from './python.ts';

/*
 * Exported models run in ONNX Runtime (onnxruntime-node's CPU build) and predict what
 * Neurite predicts, within the running error bound of test/bound.ts; python's onnx.checker
 * (full check, with shape inference) accepts every file, where python has onnx.
 */

const dir = mkdtempSync(join(tmpdir(), 'neurite-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const written: string[] = [];
const measured = { worstRatio: 0, worstRelative: 0 };

/** Runs the export in ONNX Runtime on X and checks every output element against Neurite's. */
async function agree(model: Sequential, X: Tensor, label: string): Promise<void> {
  const bytes = toOnnx(model);
  const file = join(dir, `${label.replace(/[^A-Za-z0-9]+/g, '-')}.onnx`);
  writeFileSync(file, bytes);
  written.push(file);
  const ours = model.predictProba(X);
  const theirs = await runOrt(bytes, X.cast('float32'));
  expect([...theirs.dims], label).toEqual([...ours.shape]);
  const { bound } = outputBound(model, X);
  for (let i = 0; i < ours.size; i++) {
    const d = Math.abs(ours.data[i] - theirs.data[i]);
    if (!(d <= bound.data[i]))
      expect.fail(`${label}: output ${i}: Neurite ${ours.data[i]}, ONNX Runtime ${theirs.data[i]}, |diff| ${d} > bound ${bound.data[i]}`);
    measured.worstRatio = Math.max(measured.worstRatio, d / bound.data[i]);
    // Relative to the value, with a floor of 1e-3 for values near 0.
    measured.worstRelative = Math.max(measured.worstRelative, d / Math.max(Math.abs(ours.data[i]), 1e-3));
  }
  // And back: the file imported predicts the same, within the same bound (both float32 evaluations).
  const back = fromOnnx(bytes).predictProba(X.cast('float32'));
  for (let i = 0; i < ours.size; i++) {
    if (!(Math.abs(back.data[i] - ours.data[i]) <= bound.data[i]))
      expect.fail(`${label}: imported back, output ${i}: ${back.data[i]} vs ${ours.data[i]}`);
  }
}

function train(model: Sequential, X: Tensor): Sequential {
  const out = model.layers[model.layers.length - 1] as Dense;
  const m = model.examplesOf(X);
  const g = new Generator(5);
  const Y = tensor(
    Float64Array.from({ length: out.units * m }, () => g.normal()),
    model.dtype,
    [out.units, m],
  );
  model.fit(X, Y, { iterations: 3, loss: 'meanSquaredError', learningRate: 0.05, seed: 1 });
  return model;
}

const images = (dtype: FloatDType, m = 4) => new Generator(7).randn([m, 7, 8, 2], 'float32').cast(dtype);
const columns = (dtype: FloatDType, n = 5, m = 9) => new Generator(8).randn([n, m], 'float32').cast(dtype);

describe('toOnnx: every layer and activation, in ONNX Runtime', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it.each(ACTIVATIONS)(`Conv2D, Dense and Activation layers with %s (${dtype})`, async (activation) => {
      const alpha = activation === 'leakyRelu' ? 0.2 : activation === 'elu' ? 0.7 : undefined;
      const model = new Sequential({ inputShape: [null, 7, 8, 2], dtype, seed: 4 })
        .add(new Conv2D(3, 3, { activation, alpha, padding: 'same', biasInitializer: 'glorotUniform' }))
        .add(new Activation(activation, { alpha }))
        .add(new Flatten())
        .add(new Dense(6, { activation, alpha, biasInitializer: 'glorotUniform' }))
        .add(new Activation(activation, { alpha }))
        .add(new Dense(3));
      await agree(model.build(), images(dtype), `${activation} ${dtype}`);
    });
  }

  const windows: [string, () => Layer[]][] = [
    [
      'Conv2D strides, dilation, explicit padding',
      () => [
        new Conv2D(3, [3, 2], {
          strides: [2, 1],
          dilation: [1, 2],
          padding: [
            [1, 0],
            [0, 2],
          ],
        }),
        new Flatten(),
      ],
    ],
    ['Conv2D without a bias, padding [1, 0]', () => [new Conv2D(2, 2, { useBias: false, padding: [1, 0] }), new Flatten()]],
    ['MaxPool2D, valid and same', () => [new MaxPool2D(2), new MaxPool2D([2, 3], { strides: 1, padding: 'same' }), new Flatten()]],
    [
      'AveragePool2D, padded, with and without the padding counted',
      () => [
        new AveragePool2D(3, { strides: 2, padding: 1 }),
        new AveragePool2D(2, { padding: 'same', strides: 1, countIncludePad: true }),
        new Flatten(),
      ],
    ],
    ['GlobalAveragePooling2D to (C, m)', () => [new Conv2D(4, 1), new GlobalAveragePooling2D()]],
    ['GlobalAveragePooling2D with keepDims, then Flatten', () => [new GlobalAveragePooling2D({ keepDims: true }), new Flatten()]],
    [
      'BatchNormalization on images, without center or scale',
      () => [new BatchNormalization({ center: false }), new BatchNormalization({ scale: false, epsilon: 0.1 }), new Flatten()],
    ],
    ['Dropout on images and columns', () => [new Dropout(0.5), new Flatten(), new Dropout(0.2), new BatchNormalization()]],
  ];
  it.each(windows)('%s', async (label, layers) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const model = new Sequential({
        inputShape: [null, 7, 8, 2],
        dtype,
        seed: 9,
        layers: [...layers(), new Dense(3, { activation: 'softmax' })],
      });
      const X = images(dtype);
      // Three steps of training move BatchNormalization's moving statistics off 0 and 1.
      model.fit(
        X,
        tensor(
          [
            [1, 0, 0, 1],
            [0, 1, 0, 0],
            [0, 0, 1, 0],
          ],
          dtype,
        ),
        { iterations: 3, loss: 'categoricalCrossEntropy', learningRate: 0.1 },
      );
      await agree(model, X, `${label} ${dtype}`);
    }
  });

  it('Unflatten: columns (n, m) into a CNN, and back through import', async () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const model = new Sequential({ inputUnits: 7 * 8 * 2, dtype, seed: 11 })
        .add(new Unflatten([7, 8, 2]))
        .add(new Conv2D(3, 3, { activation: 'relu' }))
        .add(new Flatten())
        .add(new Dense(2, { activation: 'softmax' }));
      const X = columns(dtype, 7 * 8 * 2, 5);
      await agree(model.build(), X, `unflatten ${dtype}`);
      const back = fromOnnx(toOnnx(model, { dtype }));
      expect(back.layers.map((l) => l.describe())).toEqual(model.layers.map((l) => l.describe()));
      expect(Array.from(back.predictProba(X).data)).toEqual(Array.from(model.predictProba(X).data));
    }
  });

  it('random architectures, float32 and float64, trained a few steps', async () => {
    const models: RandomModel[] = [];
    for (let seed = 100; models.length < 16; seed++) {
      const dtype = seed % 4 < 2 ? 'float32' : 'float64';
      const r = seed % 2 ? randomDense(seed, dtype) : randomCnn(seed, dtype);
      if (r) models.push(r);
    }
    for (const r of models) await agree(r.model, r.X, r.description);
    // For the record: how far inside the bound the worst element was, and its relative error.
    console.log(`worst |diff| / bound ${measured.worstRatio.toExponential(2)}, worst relative ${measured.worstRelative.toExponential(2)}`);
  });
});

describe('toOnnx: the file', () => {
  it('declares opset 17 and IR version 8, names its input and output, and keeps the batch dynamic', async () => {
    const model = new Sequential({ inputUnits: 4, seed: 1 })
      .add(new Dense(3, { activation: 'relu' }))
      .add(new Dense(2, { activation: 'softmax' }))
      .build();
    const bytes = toOnnx(model, { inputName: 'features', outputName: 'probabilities', batchName: 'batch' });
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['features']);
    expect(session.outputNames).toEqual(['probabilities']);
    for (const m of [1, 7]) {
      const X = columns('float32', 4, m);
      const out = await session.run({ features: new ort.Tensor('float32', X.data as Float32Array, [4, m]) });
      expect(out.probabilities.dims).toEqual([2, m]);
      const ours = model.predictProba(X);
      for (let i = 0; i < ours.size; i++) expect(Math.abs((out.probabilities.data as Float32Array)[i] - ours.data[i])).toBeLessThan(1e-6);
    }
    // Reading it back (through the vendored onnx.proto) shows the declarations.
    const { decodeModel } = await import('../src/proto.ts');
    const decoded = decodeModel(bytes, 'test');
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(decoded.graph?.input?.[0].type?.tensorType?.shape?.dim).toEqual([{ dimValue: 4 }, { dimParam: 'batch' }]);
    expect(fromOnnx(bytes).layers.map((l) => l.describe())).toEqual(['Dense (relu)', 'Dense (softmax)']);
  });

  it("layout 'rows' takes (m, n_x) and NCHW, as PyTorch does", async () => {
    const dense = train(
      new Sequential({ inputUnits: 5, seed: 2 }).add(new Dense(4, { activation: 'tanh' })).add(new Dense(3)),
      columns('float32'),
    );
    const X = columns('float32');
    const rows = tensor(
      Float64Array.from({ length: X.size }, (_, k) => X.data[(k % 5) * 9 + Math.floor(k / 5)]),
      'float32',
      [9, 5],
    );
    const out = await runOrt(toOnnx(dense, { layout: 'rows' }), rows);
    expect(out.dims).toEqual([9, 3]);
    const ours = dense.predictProba(X);
    const { bound } = outputBound(dense, X);
    for (let j = 0; j < 9; j++)
      for (let k = 0; k < 3; k++) expect(Math.abs(out.data[j * 3 + k] - ours.data[k * 9 + j])).toBeLessThanOrEqual(bound.data[k * 9 + j]);

    const cnn = new Sequential({ inputShape: [null, 7, 8, 2], seed: 3 }).add(new Conv2D(3, 3, { activation: 'relu' })).build();
    const I = images('float32');
    // An image output, in the course's layout too: (m, n_H, n_W, n_C).
    const course = await runOrt(toOnnx(cnn), I);
    const own = cnn.predictProba(I);
    expect(course.dims).toEqual(own.shape);
    for (let i = 0; i < own.size; i++) expect(Math.abs(course.data[i] - own.data[i])).toBeLessThan(1e-5 * (1 + Math.abs(own.data[i])));
    const nchw = I.transpose([0, 3, 1, 2]);
    const y = await runOrt(toOnnx(cnn, { layout: 'rows' }), nchw);
    const expected = cnn.predictProba(I).transpose([0, 3, 1, 2]);
    expect(y.dims).toEqual(expected.shape);
    for (let i = 0; i < expected.size; i++)
      expect(Math.abs(y.data[i] - expected.data[i])).toBeLessThan(1e-5 * (1 + Math.abs(expected.data[i])));
  });

  it.skipIf(!pythonHas('onnx'))(
    needsPython('every file written above passes onnx.checker (full check, with shape inference)', 'onnx'),
    () => {
      const report = python(
        'import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\nprint(len(sys.argv) - 1)',
        written,
      );
      expect(Number(report.trim())).toBe(written.length);
      expect(written.length).toBeGreaterThan(40);
    },
  );
});
