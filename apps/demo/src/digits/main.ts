import '../styles.css';
import '../course/course.css';
import './digits.css';
import { showBackend } from '../backend-note.ts';
import { drawCost } from '../course/cost-chart.ts';
import { DEFAULT_SETTINGS, EPOCH_CHOICES, EXAMPLE_CHOICES, settingsFromQuery } from './model.ts';
import { createPad, PAD_SIZE } from './pad.ts';
import { inkFromRgba, toDigit } from './preprocess.ts';
import type { DigitsFromWorker, DigitsToWorker, Evaluation } from './protocol.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (msg: DigitsToWorker, transfer: Transferable[] = []): void => worker.postMessage(msg, transfer);

let trained = false;
let training = false;
let samples: { images: Uint8Array; labels: number[] } | null = null;
let losses: number[] = [];
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function showError(message: string): void {
  const box = $('digits-error');
  box.textContent = message;
  box.hidden = false;
}

// The settings: from the query string when given (a link reproduces a run), else the defaults.
const { settings, problems } = settingsFromQuery(location.search);
if (problems.length) showError(problems.join('; '));
function fillSelect(select: HTMLSelectElement, choices: number[], value: number, label: (v: number) => string): void {
  const all = choices.includes(value) ? choices : [...choices, value].sort((a, b) => a - b);
  select.replaceChildren(...all.map((v) => new Option(label(v), String(v), false, v === value)));
}
fillSelect($('examples'), EXAMPLE_CHOICES, settings.examples, (v) => v.toLocaleString('en-US'));
fillSelect($('epochs'), EPOCH_CHOICES, settings.epochs, String);
const readSettings = () => ({
  examples: Number($<HTMLSelectElement>('examples').value),
  epochs: Number($<HTMLSelectElement>('epochs').value),
});
function keepInUrl(): void {
  const s = readSettings();
  const q = new URLSearchParams(location.search);
  for (const key of ['examples', 'epochs'] as const) {
    if (s[key] === DEFAULT_SETTINGS[key]) q.delete(key);
    else q.set(key, String(s[key]));
  }
  history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}${location.hash}`);
}
$('examples').addEventListener('change', keepInUrl);
$('epochs').addEventListener('change', keepInUrl);

function setTraining(on: boolean): void {
  training = on;
  const button = $<HTMLButtonElement>('train');
  button.textContent = on ? 'Stop' : trained ? 'Train again' : 'Train';
  button.classList.toggle('stop', on);
  $<HTMLSelectElement>('examples').disabled = on;
  $<HTMLSelectElement>('epochs').disabled = on;
  $<HTMLButtonElement>('save').disabled = on || !trained;
}

$('train').addEventListener('click', () => {
  if (training) {
    send({ type: 'stop' });
    return;
  }
  losses = [];
  $('val-acc').textContent = '–';
  $('val-at').textContent = '';
  $<HTMLProgressElement>('progress').value = 0;
  setTraining(true);
  send({ type: 'train', settings: readSettings() });
});
$('save').addEventListener('click', () => send({ type: 'save' }));
$('restore').addEventListener('click', () => send({ type: 'restore' }));

/** The held-out digits shown under the training, marked by the network's answers once it has some. */
function renderSamples(predictions: number[] | null): void {
  if (!samples) return;
  const root = $('samples');
  root.replaceChildren();
  samples.labels.forEach((label, j) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sample';
    const canvas = document.createElement('canvas');
    canvas.width = 28;
    canvas.height = 28;
    const img = new ImageData(28, 28);
    for (let p = 0; p < 784; p++) img.data.set([31, 36, 48, samples!.images[j * 784 + p]], 4 * p);
    canvas.getContext('2d')!.putImageData(img, 0, 0);
    const caption = document.createElement('span');
    if (predictions) {
      const right = predictions[j] === label;
      button.classList.add(right ? 'right' : 'wrong');
      caption.textContent = right ? `${label} ✓` : `${predictions[j]} ✗`;
    } else caption.textContent = String(label);
    button.setAttribute('aria-label', `Held-out digit ${j + 1}, a ${label}: draw it on the pad`);
    button.dataset.label = String(label);
    button.append(canvas, caption);
    button.addEventListener('click', () => {
      pad.showDigit(samples!.images.subarray(j * 784, (j + 1) * 784));
      classify();
    });
    root.append(button);
  });
}

function showEvaluation(e: Evaluation): void {
  $('val-acc').textContent = pct(e.accuracy);
  $('val-acc').dataset.value = String(e.accuracy);
  $('val-at').textContent = e.seen
    ? `after ${e.seen.toLocaleString('en-US')} examples, loss ${e.loss.toFixed(3)}`
    : `loss ${e.loss.toFixed(3)}`;
  renderSamples(e.samplePredictions);
}

worker.onmessage = (event: MessageEvent<DigitsFromWorker>) => {
  const msg = event.data;
  if (msg.type === 'error') {
    showError(msg.message);
    if (training) setTraining(false);
    return;
  }
  if (msg.type === 'loaded') {
    $('digits-status').textContent =
      `Loaded ${(msg.trainSize + msg.testSize).toLocaleString('en-US')} digits: ${msg.trainSize.toLocaleString('en-US')} to train on, ${msg.testSize.toLocaleString('en-US')} held out (split by class).`;
    $('digits-status').dataset.ready = 'true';
    showBackend($('digits-backend'), msg.backend);
    samples = { images: msg.samples, labels: msg.sampleLabels };
    renderSamples(null);
    $<HTMLButtonElement>('train').disabled = false;
    if (msg.saved) {
      $('restore').hidden = false;
      $('restore').textContent = `Use the network saved ${new Date(msg.saved).toLocaleString()}`;
    }
  } else if (msg.type === 'progress') {
    $('epoch').textContent = `${msg.epoch} / ${msg.epochs}`;
    $('batch').textContent = `${msg.batch} / ${msg.batches}`;
    $('loss').textContent = msg.loss.toFixed(3);
    $('train-acc').textContent = pct(msg.accuracy);
    $('elapsed').textContent = `${(msg.ms / 1000).toFixed(1)} s`;
    $<HTMLProgressElement>('progress').value = ((msg.epoch - 1) * msg.batches + msg.batch) / (msg.epochs * msg.batches);
    losses.push(msg.loss);
    drawCost($<HTMLCanvasElement>('loss-chart'), losses);
  } else if (msg.type === 'evaluated') {
    showEvaluation(msg);
  } else if (msg.type === 'trained') {
    trained = true;
    setTraining(false);
    $('train-status').textContent =
      `${msg.stopped ? 'Stopped' : 'Trained'} on ${msg.seen.toLocaleString('en-US')} examples in ${(msg.ms / 1000).toFixed(1)} s. Now draw a digit.`;
    $('train-status').dataset.done = 'true';
    classify();
  } else if (msg.type === 'saved') {
    $('train-status').textContent = `Saved in this browser (IndexedDB) at ${new Date(msg.at).toLocaleTimeString()}.`;
  } else if (msg.type === 'restored') {
    trained = true;
    setTraining(false);
    $('train-status').textContent = `Using the network saved ${new Date(msg.at).toLocaleString()}.`;
    $('train-status').dataset.done = 'true';
    classify();
  } else if (msg.type === 'prediction') {
    onPrediction(msg.id, msg.probabilities);
  }
};
worker.onerror = (e) => showError(`The training worker failed: ${e.message}`);

// Classifying what is drawn: at most one request in flight; a newer drawing waits for it.
let nextId = 0;
let inFlight = false;
let pending = false;
function classify(): void {
  const digit = pad.empty ? null : toDigit(inkFromRgba(pad.pixels(), PAD_SIZE, PAD_SIZE), PAD_SIZE, PAD_SIZE);
  drawPreview(digit);
  if (!digit) {
    renderProbabilities(null);
    return;
  }
  if (!trained) {
    $('prediction').textContent = 'Train the network first.';
    return;
  }
  if (inFlight) {
    pending = true;
    return;
  }
  inFlight = true;
  send({ type: 'predict', id: ++nextId, image: digit }, [digit.buffer]);
}
function onPrediction(id: number, p: number[]): void {
  inFlight = false;
  if (id === nextId && !pad.empty) renderProbabilities(p);
  if (pending) {
    pending = false;
    classify();
  }
}

function drawPreview(digit: Float32Array | null): void {
  const ctx = $<HTMLCanvasElement>('preview').getContext('2d')!;
  const img = new ImageData(28, 28);
  if (digit) for (let p = 0; p < 784; p++) img.data.set([255, 255, 255, Math.round(255 * digit[p])], 4 * p);
  ctx.clearRect(0, 0, 28, 28);
  ctx.putImageData(img, 0, 0);
}

function renderProbabilities(p: number[] | null): void {
  const root = $('probs');
  root.replaceChildren();
  if (!p) {
    $('prediction').textContent = trained ? 'Draw a digit.' : 'Train the network, then draw a digit.';
    delete $('prediction').dataset.digit;
    return;
  }
  const best = p.indexOf(Math.max(...p));
  $('prediction').innerHTML = `It is a <strong>${best}</strong> <span class="muted">(${pct(p[best])} sure)</span>`;
  $('prediction').dataset.digit = String(best);
  p.forEach((v, digit) => {
    const row = document.createElement('div');
    row.className = `prob${digit === best ? ' best' : ''}`;
    row.dataset.digit = String(digit);
    row.dataset.p = String(v);
    row.innerHTML = `<span class="d">${digit}</span><span class="track"><span class="fill" style="width:${(100 * v).toFixed(2)}%"></span></span><span class="num">${pct(v)}</span>`;
    root.append(row);
  });
}

let lastLive = 0;
const pad = createPad($<HTMLCanvasElement>('pad'), (ended) => {
  // While drawing, classify at most every 120 ms; always when a stroke ends.
  const now = performance.now();
  if (ended || now - lastLive > 120) {
    lastLive = now;
    classify();
  }
});
$('clear').addEventListener('click', () => {
  pad.clear();
  classify();
});
renderProbabilities(null);
