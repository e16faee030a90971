import {
  ACTIVATIONS,
  Activation,
  type ActivationName,
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
import { type FloatDType, Generator, type Padding, type Tensor, tensor } from '@neurite/tensor';
import * as ort from 'onnxruntime-node';

/*
 * Random architectures over every layer and activation, trained a few steps so that weights,
 * biases and batch-norm statistics are no longer their initial values.
 */

const pick = <T>(g: Generator, items: readonly T[]): T => items[Math.floor(g.random() * items.length)];
const int = (g: Generator, lo: number, hi: number): number => lo + Math.floor(g.random() * (hi - lo + 1));

function activationOf(g: Generator): { activation: ActivationName; alpha?: number } {
  const activation = pick(g, ACTIVATIONS);
  if (activation === 'leakyRelu') return { activation, alpha: pick(g, [0.01, 0.2, 1.5]) };
  if (activation === 'elu') return { activation, alpha: pick(g, [1, 0.5, 2]) };
  return { activation };
}

function output(g: Generator, classes: number): { layer: Dense; loss: string } {
  const kind = pick(g, ['softmax', 'sigmoid', 'linear'] as const);
  if (kind === 'softmax') return { layer: new Dense(classes, { activation: 'softmax' }), loss: 'categoricalCrossEntropy' };
  if (kind === 'sigmoid') return { layer: new Dense(1, { activation: 'sigmoid' }), loss: 'binaryCrossEntropy' };
  return { layer: new Dense(2), loss: 'meanSquaredError' };
}

export interface RandomModel {
  model: Sequential;
  X: Tensor;
  description: string;
}

/** Labels for the output: one-hot columns, 0/1, or values. */
function labels(g: Generator, units: number, activation: string, m: number, dtype: FloatDType): Tensor {
  const Y = new Float64Array(units * m);
  for (let j = 0; j < m; j++) {
    if (activation === 'softmax') Y[int(g, 0, units - 1) * m + j] = 1;
    else for (let k = 0; k < units; k++) Y[k * m + j] = activation === 'sigmoid' ? int(g, 0, 1) : g.normal();
  }
  return tensor(Y, dtype, [units, m]);
}

function train(model: Sequential, X: Tensor, loss: string, g: Generator, layers: Layer[]): void {
  const out = layers[layers.length - 1] as Dense;
  const m = model.examplesOf(X);
  const Y = labels(g, out.units, out.activation, m, model.dtype);
  model.fit(X, Y, { iterations: 3, loss: loss as 'meanSquaredError', learningRate: 0.05, seed: 1 });
}

/** A dense net on (n, m) columns: hidden Dense layers with random activations, Dropout, BatchNormalization, Activation. */
export function randomDense(seed: number, dtype: FloatDType): RandomModel {
  const g = new Generator(seed);
  const n = int(g, 2, 8);
  const layers: Layer[] = [];
  const hidden = int(g, 1, 3);
  for (let l = 0; l < hidden; l++) {
    layers.push(new Dense(int(g, 2, 9), { ...activationOf(g), biasInitializer: 'glorotUniform' }));
    const extra = pick(g, ['none', 'dropout', 'batchNorm', 'activation'] as const);
    if (extra === 'dropout') layers.push(new Dropout(0.3));
    if (extra === 'batchNorm') layers.push(new BatchNormalization({ momentum: 0.5, center: g.random() < 0.8, scale: g.random() < 0.8 }));
    if (extra === 'activation') layers.push(new Activation(activationOf(g).activation));
  }
  const out = output(g, int(g, 2, 4));
  layers.push(out.layer);
  const model = new Sequential({ inputUnits: n, dtype, seed, layers });
  const X = g.randn([n, 16], 'float32').cast(dtype);
  train(model, X, out.loss, g, layers);
  return { model, X, description: `dense seed ${seed} ${dtype}` };
}

const PADDINGS: Padding[] = [
  'valid',
  'same',
  1,
  [1, 0],
  [
    [0, 1],
    [1, 0],
  ],
];

/** A small CNN on (m, H, W, C) images: Conv2D, pools, BatchNormalization, Activation, Dropout, then Flatten or global pooling and Dense. */
export function randomCnn(seed: number, dtype: FloatDType): RandomModel | null {
  const g = new Generator(seed);
  const [H, W, C] = [int(g, 6, 9), int(g, 6, 9), int(g, 1, 3)];
  // Some take columns (n, m) through an Unflatten, as a Dense model does.
  const columns = g.random() < 0.3;
  const layers: Layer[] = columns ? [new Unflatten([H, W, C])] : [];
  layers.push(
    new Conv2D(int(g, 2, 4), pick(g, [1, 2, 3, [3, 2]] as const), {
      strides: pick(g, [1, 1, 2]),
      padding: pick(g, PADDINGS),
      dilation: pick(g, [1, 1, 2]),
      ...activationOf(g),
      biasInitializer: 'glorotUniform',
    }),
  );
  const poolOptions = { padding: pick(g, ['valid', 'same'] as const), strides: pick(g, [1, 2]) };
  const poolSize = pick(g, [2, [2, 1]] as const);
  layers.push(
    g.random() < 0.5
      ? new MaxPool2D(poolSize, poolOptions)
      : new AveragePool2D(poolSize, { ...poolOptions, countIncludePad: g.random() < 0.5 }),
  );
  const extra = pick(g, ['batchNorm', 'activation', 'dropout', 'conv'] as const);
  if (extra === 'batchNorm') layers.push(new BatchNormalization({ momentum: 0.5 }));
  if (extra === 'activation') layers.push(new Activation(activationOf(g).activation));
  if (extra === 'dropout') layers.push(new Dropout(0.25));
  if (extra === 'conv') layers.push(new Conv2D(int(g, 2, 3), 1, { ...activationOf(g) }));
  const head = pick(g, ['flatten', 'global', 'globalKeep'] as const);
  if (head === 'flatten') layers.push(new Flatten());
  if (head === 'global') layers.push(new GlobalAveragePooling2D());
  if (head === 'globalKeep') layers.push(new GlobalAveragePooling2D({ keepDims: true }), new Flatten());
  if (g.random() < 0.5) layers.push(new BatchNormalization({ momentum: 0.5 }));
  const out = output(g, int(g, 2, 4));
  layers.push(out.layer);
  const model = new Sequential({ inputShape: columns ? [H * W * C, null] : [null, H, W, C], dtype, seed, layers });
  try {
    model.build();
  } catch {
    return null; // the draw shrank the image below a window: the caller takes the next seed
  }
  const X = g.randn(columns ? [H * W * C, 5] : [5, H, W, C], 'float32').cast(dtype);
  train(model, X, out.loss, g, layers);
  return { model, X, description: `cnn seed ${seed} ${dtype}${columns ? ' (columns, Unflatten)' : ''}` };
}

/** Runs the file in ONNX Runtime on X (float32, in the layout the file was exported for). */
export async function runOrt(bytes: Uint8Array, X: Tensor): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const input = new ort.Tensor('float32', Float32Array.from(X.data), X.shape as number[]);
  const out = await session.run({ [session.inputNames[0]]: input });
  const y = out[session.outputNames[0]];
  return { data: y.data as Float32Array, dims: y.dims };
}
