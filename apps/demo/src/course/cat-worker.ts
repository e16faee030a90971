import { Dense, Sequential } from '@neurite/layers';
import { Tensor, toBackend } from '@neurite/tensor';
import { chooseBackend } from '../backend-choice.ts';
import { accuracy } from '../playground/metrics.ts';
import type { CatFromWorker, CatModel, CatToWorker } from './cat-protocol.ts';

/**
 * Reads the course's two HDF5 files from bytes with h5wasm, then trains the course's
 * two cat classifiers with its exact recipes: logistic regression from zeros (course 1,
 * week 2) and the 4-layer [12288, 20, 7, 5, 1] ReLU net with W = randn/√n[l−1] drawn
 * from numpy's seed 1 (course 1, week 4), both by full-batch gradient descent.
 */
const post = (msg: CatFromWorker, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);

interface CatSet {
  X: Tensor;
  Y: Tensor;
  raw: Uint8Array;
}
let train: CatSet | null = null;
let test: CatSet | null = null;
const models: Partial<Record<CatModel, Sequential>> = {};
let stopRequested = false;

const backend = chooseBackend();

async function readH5(bytes: ArrayBuffer, name: string, prefix: 'train' | 'test'): Promise<CatSet> {
  const h5wasm = await import('h5wasm');
  const { FS } = await h5wasm.ready;
  FS.writeFile(name, new Uint8Array(bytes));
  const f = new h5wasm.File(name, 'r');
  try {
    const xs = f.get(`${prefix}_set_x`) as import('h5wasm').Dataset | null;
    const ys = f.get(`${prefix}_set_y`) as import('h5wasm').Dataset | null;
    if (!xs || !ys) throw new Error(`${name} has no ${prefix}_set_x / ${prefix}_set_y: is it the course's ${prefix}_catvnoncat.h5?`);
    const shape = xs.shape as number[];
    if (shape.length !== 4 || shape[1] !== 64 || shape[2] !== 64 || shape[3] !== 3) {
      throw new Error(`${name}: ${prefix}_set_x should be (m, 64, 64, 3), it is (${shape.join(', ')})`);
    }
    const raw = Uint8Array.from(xs.value as ArrayLike<number>);
    const m = shape[0];
    const n = 64 * 64 * 3;
    // The course's X = x_orig.reshape(m, −1).T / 255: column j is image j, pixels in (row, col, channel) order.
    const X = new Float32Array(n * m);
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) X[i * m + j] = raw[j * n + i] / 255;
    const Y = Float32Array.from(Array.from(ys.value as ArrayLike<number | bigint>, Number));
    return { X: new Tensor(X, [n, m]), Y: new Tensor(Y, [1, m]), raw };
  } finally {
    f.close();
    FS.unlink(name);
  }
}

function build(model: CatModel): Sequential {
  const net =
    model === 'logreg'
      ? new Sequential({ inputUnits: 12288, layers: [new Dense(1, { activation: 'sigmoid', kernelInitializer: 'zeros' })] })
      : new Sequential({
          inputUnits: 12288,
          seed: 1,
          layers: [
            new Dense(20, { activation: 'relu', kernelInitializer: 'courseDeep' }),
            new Dense(7, { activation: 'relu', kernelInitializer: 'courseDeep' }),
            new Dense(5, { activation: 'relu', kernelInitializer: 'courseDeep' }),
            new Dense(1, { activation: 'sigmoid', kernelInitializer: 'courseDeep' }),
          ],
        });
  net.build();
  net.compile({ loss: 'binaryCrossEntropy', optimizer: 'gradientDescent', learningRate: model === 'logreg' ? 0.005 : 0.0075 });
  return net;
}

const predict = (net: Sequential, X: Tensor): Float32Array => net.predictProba(X).data as Float32Array;

async function trainModel(model: CatModel, iterations: number): Promise<void> {
  if (!train || !test) throw new Error('load the two .h5 files first');
  const net = build(model);
  // Every iteration reads the same X and Y: the wasm backend keeps one copy in its memory.
  const X = toBackend(train.X);
  const Y = toBackend(train.Y);
  stopRequested = false;
  const started = performance.now();
  let lastPost = 0;
  let costs: number[] = [];
  for (let it = 1; it <= iterations; it++) {
    costs.push(net.trainStep(X, Y, { computeCost: true }).cost ?? Number.NaN);
    const now = performance.now();
    if (it === iterations || now - lastPost > 100) {
      post({ type: 'progress', model, iteration: it, iterations, costs, ms: now - started });
      costs = [];
      lastPost = now;
      // Yield so that a 'stop' or 'predict' message is read between iterations.
      await new Promise((r) => setTimeout(r, 0));
      if (stopRequested) break;
    }
  }
  models[model] = net;
  post({
    type: 'trained',
    model,
    trainAcc: accuracy(predict(net, train.X), train.Y.data),
    testAcc: accuracy(predict(net, test.X), test.Y.data),
    ms: performance.now() - started,
    testPredictions: Float32Array.from(predict(net, test.X)),
  });
}

self.onmessage = async (event: MessageEvent<CatToWorker>) => {
  const msg = event.data;
  try {
    if (msg.type === 'load') {
      train = await readH5(msg.train, 'train.h5', 'train');
      test = await readH5(msg.test, 'test.h5', 'test');
      post({
        type: 'loaded',
        mTrain: train.Y.size,
        mTest: test.Y.size,
        catsTrain: Array.from(train.Y.data).reduce((s, y) => s + y, 0),
        testImages: test.raw,
        testLabels: Float32Array.from(test.Y.data),
        backend,
      });
    } else if (msg.type === 'train') {
      await trainModel(msg.model, msg.iterations);
    } else if (msg.type === 'stop') {
      stopRequested = true;
    } else if (msg.type === 'predict') {
      const x = new Float32Array(12288);
      for (let i = 0; i < x.length; i++) x[i] = msg.pixels[i] / 255;
      const X = new Tensor(x, [12288, 1]);
      post({
        type: 'prediction',
        logreg: models.logreg ? predict(models.logreg, X)[0] : null,
        deep: models.deep ? predict(models.deep, X)[0] : null,
      });
    }
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
