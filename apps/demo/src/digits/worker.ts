import { type DigitsSplit, loadDigitsSplit, takeExamples } from '@neurite/datasets';
import type { Sequential } from '@neurite/layers';
import { listIndexedDB, loadFromIndexedDB, saveToIndexedDB } from '@neurite/layers/browser';
import { Generator, Tensor } from '@neurite/tensor';
import { chooseBackend } from '../backend-choice.ts';
import { digitsModel, TRAINING } from './model.ts';
import type { DigitsFromWorker, DigitsToWorker, Evaluation, TrainSettings } from './protocol.ts';

/**
 * Loads the 10,000 digits (the mnist package, through @neurite/datasets), trains the page's
 * network on them and classifies what the visitor draws. Training goes a few batches at a time
 * (one `fit` call per slice of an epoch, which keeps the optimizer's state), so that between
 * slices this worker reads 'stop' and 'predict' messages.
 */
const post = (msg: DigitsFromWorker, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);

const backend = chooseBackend();
const SAMPLES = 24;
const SAVED_NAME = 'digits-demo';
/** Batches per fit call: short enough to answer a click at once, long enough not to cost anything. */
const SLICE_BATCHES = 4;
/** Score the held-out digits after every this many training examples (and at the end). */
const EVALUATE_EVERY = 2000;

let model: Sequential | null = null;
let running = false;
let stopRequested = false;
const data: Promise<DigitsSplit> = loadDigitsSplit();

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const argmax = (p: ArrayLike<number>, j: number, m: number): number => {
  let best = 0;
  for (let c = 1; c < 10; c++) if (p[c * m + j] > p[best * m + j]) best = c;
  return best;
};

async function savedAt(): Promise<string | null> {
  try {
    return (await listIndexedDB()).find((e) => e.name === SAVED_NAME)?.savedAt ?? null;
  } catch {
    // No IndexedDB (a private window may refuse it): the page just offers no saved network.
    return null;
  }
}

async function announce(): Promise<void> {
  const d = await data;
  const samples = new Uint8Array(SAMPLES * 784);
  for (let p = 0; p < samples.length; p++) samples[p] = Math.round(d.testX.data[p] * 255);
  post(
    {
      type: 'loaded',
      backend,
      trainSize: d.trainX.shape[0],
      testSize: d.testX.shape[0],
      samples,
      sampleLabels: Array.from(d.testLabels.data.subarray(0, SAMPLES)),
      saved: await savedAt(),
    },
    [samples.buffer],
  );
}

function evaluate(net: Sequential, d: DigitsSplit, seen: number): Evaluation {
  const { loss, accuracy } = net.evaluate(d.testX, d.testY, { loss: TRAINING.loss });
  const P = net.predictProba(takeExamples(d.testX, range(SAMPLES), 0)).data;
  return { seen, loss, accuracy: accuracy as number, samplePredictions: range(SAMPLES).map((j) => argmax(P, j, SAMPLES)) };
}

async function train(settings: TrainSettings): Promise<void> {
  const d = await data;
  const started = performance.now();
  const net = digitsModel();
  net.compile({ loss: TRAINING.loss, optimizer: TRAINING.optimizer, learningRate: TRAINING.learningRate, metrics: ['accuracy'] });
  model = net;
  const m = Math.min(settings.examples, d.trainX.shape[0]);
  const X = takeExamples(d.trainX, range(m), 0);
  const Y = takeExamples(d.trainY, range(m), 1);
  const { batchSize } = TRAINING;
  const batches = Math.ceil(m / batchSize);
  const slice = SLICE_BATCHES * batchSize;
  // Each epoch visits the examples in a new order from one seeded stream: a reproducible run.
  const rng = new Generator(2);
  let seen = 0;
  let nextEvaluation = EVALUATE_EVERY;
  stopRequested = false;
  running = true;
  try {
    for (let epoch = 1; epoch <= settings.epochs && !stopRequested; epoch++) {
      const order = rng.permutation(m);
      let lossSum = 0;
      let hits = 0;
      let done = 0;
      for (let start = 0; start < m && !stopRequested; start += slice) {
        const idx = order.slice(start, start + slice);
        const h = net.fit(takeExamples(X, idx, 0), takeExamples(Y, idx, 1), { epochs: 1, batchSize, shuffle: false });
        // fit's record covers this slice's batches, each scored by the pass that trained on it.
        lossSum += h.history.loss[0] * idx.length;
        hits += h.history.accuracy[0] * idx.length;
        done += idx.length;
        seen += idx.length;
        post({
          type: 'progress',
          epoch,
          epochs: settings.epochs,
          batch: Math.ceil(done / batchSize),
          batches,
          loss: lossSum / done,
          accuracy: hits / done,
          seen,
          ms: performance.now() - started,
        });
        const last = epoch === settings.epochs && start + slice >= m;
        if (seen >= nextEvaluation && !last) {
          post({ type: 'evaluated', ...evaluate(net, d, seen) });
          nextEvaluation += EVALUATE_EVERY;
        }
        // Yield, so that a 'stop' or 'predict' message is read between slices.
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    post({ type: 'evaluated', ...evaluate(net, d, seen) });
    post({ type: 'trained', stopped: stopRequested, ms: performance.now() - started, seen });
  } finally {
    running = false;
  }
}

function predict(id: number, image: Float32Array): void {
  if (!model) throw new Error('train the network first, then draw');
  if (image.length !== 784) throw new Error(`predict: a digit is 28x28 = 784 values, received ${image.length}`);
  const P = model.predictProba(new Tensor(Float32Array.from(image), [1, 28, 28, 1])).data;
  post({ type: 'prediction', id, probabilities: Array.from(P) });
}

self.onmessage = async (event: MessageEvent<DigitsToWorker>) => {
  const msg = event.data;
  try {
    if (msg.type === 'train') {
      if (running) throw new Error('a training is already running: stop it first');
      await train(msg.settings);
    } else if (msg.type === 'stop') {
      stopRequested = true;
    } else if (msg.type === 'predict') {
      predict(msg.id, msg.image);
    } else if (msg.type === 'save') {
      if (!model) throw new Error('train the network first, then save it');
      post({ type: 'saved', at: (await saveToIndexedDB(model, SAVED_NAME, { overwrite: true })).savedAt });
    } else if (msg.type === 'restore') {
      model = await loadFromIndexedDB(SAVED_NAME);
      post({ type: 'evaluated', ...evaluate(model, await data, 0) });
      post({ type: 'restored', at: (await savedAt()) ?? 'earlier' });
    }
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};

announce().catch((err) =>
  post({ type: 'error', message: `Could not load the digits: ${err instanceof Error ? err.message : String(err)}` }),
);
