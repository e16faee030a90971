/**
 * A small convolutional network on the course's cat / non-cat images (209 to train on, 50 to
 * test), against the week-4 deep MLP [12288, 20, 7, 5, 1], which reaches 80% on the test set.
 * The images come as the course prepares them, columns (12288, m) / 255; `Unflatten` turns
 * them back into (m, 64, 64, 3). It trains on each image and its mirror image (418 examples):
 * with 209 alone, the test accuracy swings with the seed (66% to 88% over seeds 1 to 5, mean
 * 80.8%); with the mirrors, 82% to 86% (mean 84%). Seeded; 50 test images make each one worth 2
 * points, so the run prints the accuracy of several seeds when asked (--seeds 1,2,3,4,5).
 *
 *   pnpm --filter examples cnn:cats [--epochs 30] [--seed 1] [--seeds 1,2,3,4,5] [--no-flip]
 *                                   [--batch-size 16] [--lr 0.001] [--backend native|js|wasm]
 */
import { accuracy, Conv2D, Dense, Flatten, MaxPool2D, Sequential, Unflatten } from '@neurite/layers';
import { backendInfo, Tensor } from '@neurite/tensor';
import { loadCats } from '../course/data.ts';
import { useBackend } from './backend.ts';

/** Three 3x3 convolutions, each halved by max pooling (64 → 32 → 16 → 8), then one sigmoid unit. */
export function catCnn(seed = 1): Sequential {
  const he = { activation: 'relu', padding: 'same', kernelInitializer: 'heNormal' } as const;
  return new Sequential({ inputUnits: 12288, seed })
    .add(new Unflatten([64, 64, 3]))
    .add(new Conv2D(8, 3, he))
    .add(new MaxPool2D(2))
    .add(new Conv2D(16, 3, he))
    .add(new MaxPool2D(2))
    .add(new Conv2D(32, 3, he))
    .add(new MaxPool2D(2))
    .add(new Flatten())
    .add(new Dense(32, { activation: 'relu', kernelInitializer: 'heNormal' }))
    .add(new Dense(1, { activation: 'sigmoid', kernelInitializer: 'glorotUniform' }));
}

/** Each image and its mirror image (columns are (row, column, channel) pixels of 64x64x3). */
export function withMirrors(X: Tensor, Y: Tensor): { X: Tensor; Y: Tensor } {
  const [n, m] = X.shape;
  const out = new Float32Array(n * 2 * m);
  for (let p = 0; p < n; p++) {
    const [row, col, ch] = [Math.floor(p / 192), Math.floor(p / 3) % 64, p % 3];
    const q = row * 192 + (63 - col) * 3 + ch;
    for (let j = 0; j < m; j++) {
      out[p * 2 * m + j] = X.data[p * m + j];
      out[q * 2 * m + m + j] = X.data[p * m + j];
    }
  }
  const labels = new Float32Array(2 * m);
  labels.set(Y.data);
  labels.set(Y.data, m);
  return { X: new Tensor(out, [n, 2 * m]), Y: new Tensor(labels, [1, 2 * m]) };
}

export interface CatsRun {
  seed: number;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
}

export async function trainCats(
  options: { seed?: number; epochs?: number; batchSize?: number; learningRate?: number; flip?: boolean; log?: (line: string) => void } = {},
): Promise<CatsRun> {
  const seed = options.seed ?? 1;
  const cats = await loadCats();
  const trainX = cats.trainX.cast('float32');
  const trainY = cats.trainY.cast('float32');
  const train = options.flip === false ? { X: trainX, Y: trainY } : withMirrors(trainX, trainY);
  const model = catCnn(seed);
  const start = performance.now();
  model.fit(train.X, train.Y, {
    loss: 'binaryCrossEntropy',
    optimizer: 'adam',
    learningRate: options.learningRate ?? 0.001,
    epochs: options.epochs ?? 30,
    batchSize: options.batchSize ?? 16,
    seed,
    printEvery: 1,
    metrics: ['accuracy'],
    callbacks: [
      {
        onRecord: (e) =>
          options.log?.(`epoch ${e.at + 1}: loss ${e.logs.loss.toFixed(4)}, train accuracy ${(100 * e.logs.accuracy).toFixed(1)}%`),
      },
    ],
  });
  const seconds = (performance.now() - start) / 1000;
  return {
    seed,
    trainAccuracy: accuracy(model.predict(trainX), trainY),
    testAccuracy: accuracy(model.predict(cats.testX.cast('float32')), cats.testY),
    seconds,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const num = (name: string) => (flag(name) === undefined ? undefined : Number(flag(name)));
  useBackend(flag('backend') ?? 'native');
  const seeds = flag('seeds')?.split(',').map(Number) ?? [num('seed') ?? 1];
  const flip = !args.includes('--no-flip');
  console.log(`backend: ${backendInfo().name}, training on ${flip ? 'each image and its mirror image' : 'the 209 images alone'}`);
  console.log(catCnn(seeds[0]).build().summary());
  const runs: CatsRun[] = [];
  for (const seed of seeds) {
    const run = await trainCats({
      seed,
      epochs: num('epochs'),
      batchSize: num('batch-size'),
      learningRate: num('lr'),
      flip,
      log: seeds.length === 1 ? console.log : undefined,
    });
    runs.push(run);
    console.log(
      `seed ${seed}: train accuracy ${(100 * run.trainAccuracy).toFixed(1)}%, test accuracy ${(100 * run.testAccuracy).toFixed(0)}% (${run.seconds.toFixed(1)} s)`,
    );
  }
  if (runs.length > 1) {
    const mean = runs.reduce((s, r) => s + r.testAccuracy, 0) / runs.length;
    console.log(`mean test accuracy over ${runs.length} seeds: ${(100 * mean).toFixed(1)}% (the deep MLP: 80%)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
