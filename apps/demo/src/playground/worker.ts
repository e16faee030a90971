import type { Sequential } from '@neurite/layers';
import { loadFromIndexedDB, saveToIndexedDB } from '@neurite/layers/browser';
import { Generator, Tensor } from '@neurite/tensor';
import type { Config } from './config.ts';
import type { Split } from './data.ts';
import { accuracy, crossEntropy } from './metrics.ts';
import { buildModel } from './model.ts';
import { type FromWorker, GRID, MODEL_KEY, type Snapshot, type ToWorker } from './protocol.ts';

/**
 * Trains off the main thread. Work is cut into slices of about 25 ms, with a
 * setTimeout between them so that 'pause' and 'step' messages are read promptly;
 * the page gets at most one snapshot per ~33 ms.
 */
const post = (msg: FromWorker, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);

let config: Config | null = null;
let split: Split | null = null;
let model: Sequential | null = null;
let shuffleRng = new Generator(1);
let Xtrain: Tensor;
let Ytrain: Tensor;
let Xtest: Tensor;
let Ytest: Tensor;
let Xgrid: Tensor;
let epoch = 0;
let running = false;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastPost = 0;
let history: Snapshot['history'] = [];
/** Caps the pace (about 150 epochs a second at most) so that the boundary visibly evolves. */
const MAX_EPOCHS_PER_SLICE = 2;

function build(): void {
  if (!config || !split) return;
  const { train, test, view } = split;
  model = buildModel(config);
  shuffleRng = new Generator(config.seed + 1);
  Xtrain = new Tensor(train.X, [2, train.m]);
  Ytrain = new Tensor(train.Y, [1, train.m]);
  Xtest = new Tensor(test.X, [2, test.m]);
  Ytest = new Tensor(test.Y, [1, test.m]);
  // The lattice's cell centers, top row first, so the heat map is drawn without flipping.
  const G = GRID * GRID;
  const lattice = new Float32Array(2 * G);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const i = r * GRID + c;
      lattice[i] = view.cx - view.half + ((c + 0.5) / GRID) * 2 * view.half;
      lattice[G + i] = view.cy + view.half - ((r + 0.5) / GRID) * 2 * view.half;
    }
  }
  Xgrid = new Tensor(lattice, [2, G]);
  epoch = 0;
  history = [];
}

/**
 * One epoch with Sequential.fit: continuing calls keep the optimizer's state; the shared
 * generator reshuffles every epoch. The curve point is what fit records in its History, as a
 * Keras user reads it: `loss` (the epoch's mean over its batches) and `val_loss` on the test
 * split, computed by fit in inference mode after the epoch.
 */
function trainEpoch(): void {
  if (!model || !config || !split) return;
  const m = split.train.m;
  const batchSize = config.batch === 0 ? m : Math.min(config.batch, m);
  const { history: h } = model.fit(Xtrain, Ytrain, {
    epochs: 1,
    batchSize,
    seed: shuffleRng,
    printEvery: 1_000_000,
    validationData: [Xtest, Ytest],
  });
  epoch++;
  const train = h.loss?.at(-1);
  const test = h.val_loss?.at(-1);
  if (train !== undefined && test !== undefined) history.push({ epoch, train, test });
}

const predict = (X: Tensor): Float32Array => model!.predictProba(X).data as Float32Array;

function evaluate(): Omit<Snapshot, 'type' | 'grid' | 'history' | 'running' | 'epoch'> {
  const pTrain = predict(Xtrain);
  const pTest = predict(Xtest);
  return {
    trainCost: crossEntropy(pTrain, split!.train.Y),
    testCost: crossEntropy(pTest, split!.test.Y),
    trainAcc: accuracy(pTrain, split!.train.Y),
    testAcc: accuracy(pTest, split!.test.Y),
  };
}

function snapshot(loaded = false): void {
  if (!model) return;
  const grid = Float32Array.from(predict(Xgrid));
  const e = evaluate();
  // Only the untrained model (epoch 0) and a loaded one have no History record yet.
  if (history.at(-1)?.epoch !== epoch) history.push({ epoch, train: e.trainCost, test: e.testCost });
  post({ type: 'snapshot', epoch, running, grid, history, ...e, ...(loaded ? { loaded } : {}) }, [grid.buffer]);
  history = [];
  lastPost = performance.now();
}

function loop(): void {
  timer = null;
  if (!running) return;
  try {
    const start = performance.now();
    let slice = 0;
    do {
      trainEpoch();
      slice++;
    } while (performance.now() - start < 20 && slice < MAX_EPOCHS_PER_SLICE);
    if (performance.now() - lastPost > 33) snapshot();
  } catch (err) {
    running = false;
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  timer = setTimeout(loop, 12);
}

/** Save and load are asynchronous (IndexedDB); training stays paused while they run. */
async function store(msg: Extract<ToWorker, { type: 'save' | 'load' }>): Promise<void> {
  running = false;
  if (msg.type === 'save') {
    if (!model) return;
    const { bytes } = await saveToIndexedDB(model, MODEL_KEY, { overwrite: true });
    post({ type: 'saved', epoch, bytes });
    return;
  }
  const loaded = await loadFromIndexedDB(MODEL_KEY);
  // The page re-initialized the worker with the saved configuration first, so the data and shapes match.
  model = loaded;
  epoch = msg.epoch;
  history = [];
  snapshot(true);
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === 'save' || msg.type === 'load') {
    store(msg).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
    return;
  }
  try {
    switch (msg.type) {
      case 'init':
        config = msg.config;
        split = msg.split;
        build();
        snapshot();
        break;
      case 'reset':
        build();
        snapshot();
        break;
      case 'play':
        running = true;
        if (timer === null) timer = setTimeout(loop, 0);
        break;
      case 'pause':
        running = false;
        snapshot();
        break;
      case 'step':
        running = false;
        trainEpoch();
        snapshot();
        break;
    }
  } catch (err) {
    running = false;
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
