import { showBackend } from '../backend-note.ts';
import type { CatFromWorker, CatModel, CatToWorker } from './cat-protocol.ts';
import { drawCost } from './cost-chart.ts';

/** The cat section: file drop, the two trainings (in a worker), and the photo test. */
export function setupCats(): void {
  const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
  let worker: Worker | null = null;
  const costs: Record<CatModel, number[]> = { logreg: [], deep: [] };
  const trained: Partial<Record<CatModel, boolean>> = {};
  let lastPixels: Uint8Array | null = null;

  const card = (model: CatModel): HTMLElement => document.querySelector(`.model[data-model="${model}"]`)!;
  const showError = (message: string): void => {
    const box = $('cat-error');
    box.textContent = message;
    box.hidden = false;
  };
  const send = (msg: CatToWorker, transfer: Transferable[] = []): void => worker!.postMessage(msg, transfer);

  function getWorker(): Worker {
    if (worker) return worker;
    worker = new Worker(new URL('./cat-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<CatFromWorker>) => onMessage(e.data);
    worker.onerror = (e) => showError(`The cat worker failed: ${e.message}`);
    return worker;
  }

  function onMessage(msg: CatFromWorker): void {
    if (msg.type === 'error') {
      showError(msg.message);
      $('drop-status').textContent = 'Could not read the files.';
      document.querySelectorAll<HTMLButtonElement>('.model .train').forEach((b) => {
        b.disabled = false;
      });
      return;
    }
    $('cat-error').hidden = true;
    if (msg.type === 'loaded') {
      $('drop-status').textContent = `Loaded: ${msg.mTrain} training and ${msg.mTest} test images, 64×64×3.`;
      $('cat-summary').innerHTML =
        `Training set: ${msg.mTrain} images, ${msg.catsTrain} cats. Flattened, <span class="m">X</span> is (12288, ${msg.mTrain}) — one column per image, scaled to [0, 1].`;
      showBackend($('cat-backend'), msg.backend);
      renderSamples(msg.testImages, msg.testLabels, null);
      $('cat-body').hidden = false;
      samples = { images: msg.testImages, labels: msg.testLabels };
    } else if (msg.type === 'progress') {
      const c = card(msg.model);
      costs[msg.model].push(...msg.costs);
      const cost = msg.costs.at(-1) ?? Number.NaN;
      c.querySelector('progress')!.value = msg.iteration / msg.iterations;
      const eta = (msg.ms / msg.iteration) * (msg.iterations - msg.iteration);
      c.querySelector('.result')!.innerHTML =
        `<div><dt>Iteration</dt><dd>${msg.iteration.toLocaleString('en-US')}</dd></div><div><dt>Cost</dt><dd>${cost.toFixed(4)}</dd></div><div><dt>Left</dt><dd>${Math.ceil(eta / 1000)} s</dd></div>`;
      drawCost(c.querySelector('canvas')!, costs[msg.model]);
    } else if (msg.type === 'trained') {
      const c = card(msg.model);
      trained[msg.model] = true;
      c.querySelector('progress')!.value = 1;
      // One training at a time: the worker runs them in turn, and both buttons wait for it.
      document.querySelectorAll<HTMLButtonElement>('.model .train').forEach((b) => {
        b.disabled = false;
      });
      c.querySelector<HTMLButtonElement>('.train')!.textContent = 'Train again';
      c.querySelector<HTMLButtonElement>('.stop')!.hidden = true;
      c.querySelector('.result')!.innerHTML =
        `<div><dt>Train accuracy</dt><dd data-acc="train">${(100 * msg.trainAcc).toFixed(1)}%</dd></div><div><dt>Test accuracy</dt><dd data-acc="test">${(100 * msg.testAcc).toFixed(1)}%</dd></div><div><dt>Time</dt><dd>${(msg.ms / 1000).toFixed(1)} s</dd></div>`;
      if (samples) renderSamples(samples.images, samples.labels, msg.testPredictions);
      if (lastPixels) send({ type: 'predict', pixels: lastPixels });
    } else if (msg.type === 'prediction') {
      renderVerdict(msg.logreg, msg.deep);
    }
  }

  let samples: { images: Uint8Array; labels: Float32Array } | null = null;

  /** The first 24 test images; after training, each is marked by whether the model got it right. */
  function renderSamples(images: Uint8Array, labels: Float32Array, predictions: Float32Array | null): void {
    const root = $('cat-samples');
    root.replaceChildren();
    const n = 64 * 64 * 3;
    for (let j = 0; j < Math.min(24, labels.length); j++) {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      const img = new ImageData(64, 64);
      for (let p = 0; p < 64 * 64; p++) {
        img.data.set(images.subarray(j * n + 3 * p, j * n + 3 * p + 3), 4 * p);
        img.data[4 * p + 3] = 255;
      }
      canvas.getContext('2d')!.putImageData(img, 0, 0);
      const cap = document.createElement('figcaption');
      const truth = labels[j] > 0.5 ? 'cat' : 'non-cat';
      if (predictions) {
        const right = predictions[j] > 0.5 === labels[j] > 0.5;
        fig.className = right ? 'right' : 'wrong';
        cap.textContent = `${truth} ${right ? '✓' : '✗'}`;
      } else cap.textContent = truth;
      canvas.setAttribute('aria-label', `test image ${j + 1}: ${truth}`);
      fig.append(canvas, cap);
      root.append(fig);
    }
  }

  function renderVerdict(logreg: number | null, deep: number | null): void {
    const parts = [
      ['Logistic regression', logreg],
      ['Deep network', deep],
    ]
      .filter(([, p]) => p !== null)
      .map(([name, p]) => {
        const q = p as number;
        const cat = q > 0.5;
        return `<div class="verdict-row"><span>${name}</span><strong class="${cat ? 'cat' : 'noncat'}">${cat ? 'cat' : 'non-cat'}</strong><span class="num">P(cat) = ${q.toFixed(3)}</span></div>`;
      });
    $('own-verdict').innerHTML = parts.length ? parts.join('') : 'Train a model first; its verdict appears here.';
  }

  async function loadFiles(files: FileList | File[]): Promise<void> {
    const list = Array.from(files);
    const train = list.find((f) => /train/i.test(f.name));
    const test = list.find((f) => /test/i.test(f.name));
    if (!train || !test) {
      showError(
        `Drop both files at once: one named like train_catvnoncat.h5 and one like test_catvnoncat.h5 (received ${list.map((f) => f.name).join(', ') || 'nothing'}).`,
      );
      return;
    }
    $('drop-status').textContent = 'Reading the HDF5 files…';
    const [a, b] = await Promise.all([train.arrayBuffer(), test.arrayBuffer()]);
    getWorker();
    send({ type: 'load', train: a, test: b }, [a, b]);
  }

  const drop = $('drop');
  $<HTMLInputElement>('h5-input').addEventListener('change', (e) => {
    const files = (e.target as HTMLInputElement).files;
    if (files) void loadFiles(files);
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer?.files) void loadFiles(e.dataTransfer.files);
  });

  for (const model of ['logreg', 'deep'] as const) {
    const c = card(model);
    c.querySelector('.train')!.addEventListener('click', () => {
      const iterations = Number(c.querySelector<HTMLInputElement>('.iters')!.value);
      if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10000) {
        showError(`Iterations must be a whole number from 1 to 10,000; received ${c.querySelector<HTMLInputElement>('.iters')!.value}.`);
        return;
      }
      costs[model] = [];
      document.querySelectorAll<HTMLButtonElement>('.model .train').forEach((b) => {
        b.disabled = true;
      });
      c.querySelector<HTMLButtonElement>('.stop')!.hidden = false;
      send({ type: 'train', model, iterations });
    });
    c.querySelector('.stop')!.addEventListener('click', () => send({ type: 'stop' }));
  }

  $<HTMLInputElement>('own-input').addEventListener('change', async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      const bitmap = await createImageBitmap(file);
      const canvas = $<HTMLCanvasElement>('own-canvas');
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      // Center-crop to a square, then scale to 64×64, as the training images were framed.
      const side = Math.min(bitmap.width, bitmap.height);
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, 64, 64);
      const rgba = ctx.getImageData(0, 0, 64, 64).data;
      const pixels = new Uint8Array(64 * 64 * 3);
      for (let p = 0; p < 64 * 64; p++) pixels.set(rgba.subarray(4 * p, 4 * p + 3), 3 * p);
      lastPixels = pixels;
      if (!trained.logreg && !trained.deep) {
        $('own-verdict').textContent = 'Train a model first; its verdict appears here.';
        return;
      }
      send({ type: 'predict', pixels });
    } catch (err) {
      showError(`Could not read that image: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}
