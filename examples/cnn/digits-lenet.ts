/**
 * A LeNet-style network on the 10,000 MNIST digits of the `mnist` package: trained on 8,000,
 * scored on the other 2,000 (a split stratified by class, seed 0), with Adam and softmax
 * cross-entropy. LeNet-5's layout (5x5 convolutions, 2x2 pooling, dense 120 and 84) with 16
 * and 32 filters instead of 6 and 16 and dropout 0.25 after the dense layers: LeNet-5 itself
 * fits the 8,000 perfectly and stops near 97.9% on the 2,000. Seeded: the same command gives
 * the same weights and accuracy on a backend (the order of float sums differs between
 * backends, so js and native end a few digits apart).
 *
 *   pnpm --filter examples cnn:digits [--epochs 15] [--seed 1] [--batch-size 64] [--lr 0.001]
 *     [--filters 16,32] [--dropout 0.25] [--decay 1] [--backend native|js|wasm] [--train 8000] [--out <dir>]
 */
import { loadDigitsSplit, takeExamples } from '@neurite/datasets';
import { accuracy, Conv2D, Dense, Dropout, Flatten, type History, MaxPool2D, Sequential } from '@neurite/layers';
import { Adam, exponentialDecay } from '@neurite/optimizers';
import { backendInfo, type Tensor } from '@neurite/tensor';
import { useBackend } from './backend.ts';

/**
 * LeNet-5's layout with ReLU and max pooling: 28x28 in, 'same' padding on the first convolution as
 * the paper's 32x32 input gives; `lenet(1, [6, 16], 0)` is LeNet-5's size (61,706 parameters).
 */
export function lenet(seed = 1, filters: [number, number] = [16, 32], dropout = 0.25): Sequential {
  const model = new Sequential({ inputShape: [null, 28, 28, 1], seed })
    .add(new Conv2D(filters[0], 5, { activation: 'relu', padding: 'same', kernelInitializer: 'heNormal' }))
    .add(new MaxPool2D(2))
    .add(new Conv2D(filters[1], 5, { activation: 'relu', kernelInitializer: 'heNormal' }))
    .add(new MaxPool2D(2))
    .add(new Flatten());
  for (const units of [120, 84]) {
    model.add(new Dense(units, { activation: 'relu', kernelInitializer: 'heNormal' }));
    if (dropout > 0) model.add(new Dropout(dropout));
  }
  return model.add(new Dense(10, { activation: 'softmax', kernelInitializer: 'glorotUniform' }));
}

export interface DigitsRun {
  model: Sequential;
  history: History;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
}

export interface DigitsOptions {
  epochs?: number;
  seed?: number;
  batchSize?: number;
  learningRate?: number;
  /** Filters of the two convolutions (default 16 and 32; LeNet-5 has 6 and 16). */
  filters?: [number, number];
  /** Dropout rate after each hidden Dense layer (default 0.25). */
  dropout?: number;
  /** Multiply the learning rate by this after every epoch (default 1: constant). */
  decay?: number;
  /** Train on the first this many of the 8,000 (a quick check); the test set stays the 2,000. */
  train?: number;
  log?: (line: string) => void;
}

export async function trainDigits(options: DigitsOptions = {}): Promise<DigitsRun> {
  const seed = options.seed ?? 1;
  const data = await loadDigitsSplit({ rng: 0 });
  let { trainX, trainY, trainLabels } = data;
  if (options.train !== undefined && options.train < trainX.shape[0]) {
    const idx = Array.from({ length: options.train }, (_, i) => i);
    trainX = takeExamples(trainX, idx, 0);
    trainY = takeExamples(trainY, idx, 1);
    trainLabels = takeExamples(trainLabels, idx, 0);
  }
  const model = lenet(seed, options.filters, options.dropout);
  const lr = options.learningRate ?? 0.001;
  const decay = options.decay ?? 1;
  const log = options.log ?? (() => {});
  const start = performance.now();
  const history = model.fit(trainX, trainY, {
    loss: 'categoricalCrossEntropy',
    optimizer: new Adam(decay === 1 ? lr : exponentialDecay(lr, { decayRate: decay, decaySteps: 1 })),
    epochs: options.epochs ?? 15,
    batchSize: options.batchSize ?? 64,
    seed,
    printEvery: 1,
    metrics: ['accuracy'],
    callbacks: [
      {
        onRecord: (e) => {
          const s = (performance.now() - start) / 1000;
          log(
            `epoch ${e.at + 1}: loss ${e.logs.loss.toFixed(4)}, train accuracy ${(100 * e.logs.accuracy).toFixed(2)}% (${s.toFixed(1)} s)`,
          );
        },
      },
    ],
  });
  const seconds = (performance.now() - start) / 1000;
  const trainAccuracy = accuracy(model.predict(trainX), trainLabels);
  const testAccuracy = accuracy(model.predict(data.testX), data.testLabels);
  return { model, history, trainAccuracy, testAccuracy, seconds };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const num = (name: string) => (flag(name) === undefined ? undefined : Number(flag(name)));
  useBackend(flag('backend') ?? 'native');
  const seed = num('seed') ?? 1;
  console.log(`backend: ${backendInfo().name}, seed ${seed}`);
  const filters = flag('filters')?.split(',').map(Number) as [number, number] | undefined;
  console.log(lenet(seed, filters, num('dropout')).build().summary());
  const run = await trainDigits({
    epochs: num('epochs'),
    seed,
    batchSize: num('batch-size'),
    learningRate: num('lr'),
    train: num('train'),
    filters: flag('filters')?.split(',').map(Number) as [number, number] | undefined,
    decay: num('decay'),
    dropout: num('dropout'),
    log: console.log,
  });
  console.log(`train accuracy: ${(100 * run.trainAccuracy).toFixed(2)}%`);
  console.log(`test accuracy (the held-out 2,000): ${(100 * run.testAccuracy).toFixed(2)}%`);
  console.log(`training took ${run.seconds.toFixed(1)} s (${(run.seconds / run.history.epochs).toFixed(1)} s per epoch)`);
  const out = flag('out');
  if (out) {
    const { saveModel } = await import('@neurite/layers/node');
    await saveModel(run.model, out);
    console.log(`saved to ${out}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

export type { Tensor };
