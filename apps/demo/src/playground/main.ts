import '../styles.css';
import {
  ACTIVATION_LABELS,
  ACTIVATIONS,
  BATCH_SIZES,
  type Config,
  DATASET_LABELS,
  DATASETS,
  L2_VALUES,
  LEARNING_RATES,
  MAX_LAYERS,
  MAX_UNITS,
  OPTIMIZER_LABELS,
  OPTIMIZERS,
  parseConfig,
  sameData,
  serializeConfig,
} from './config.ts';
import { generate, type Split } from './data.ts';
import { renderNetwork } from './network-view.ts';
import type { FromWorker, Snapshot, ToWorker } from './protocol.ts';
import { type CurvePoint, drawBoundary, drawCurves } from './render.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

let config = parseConfig(location.search);
let split: Split = generate(config);
let curve: CurvePoint[] = [];
let last: Snapshot | null = null;
let running = false;
let frame = 0;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (msg: ToWorker): void => worker.postMessage(msg);

function fill(select: HTMLSelectElement, values: readonly (string | number)[], label: (v: string | number) => string): void {
  select.replaceChildren(...values.map((v) => new Option(label(v), String(v))));
}

fill($('lr'), LEARNING_RATES, String);
fill($('activation'), ACTIVATIONS, (v) => ACTIVATION_LABELS[v as keyof typeof ACTIVATION_LABELS]);
fill($('optimizer'), OPTIMIZERS, (v) => OPTIMIZER_LABELS[v as keyof typeof OPTIMIZER_LABELS]);
fill($('l2'), L2_VALUES, (v) => (v === 0 ? 'None' : String(v)));
fill($('batch'), BATCH_SIZES, (v) => (v === 0 ? 'Full batch' : String(v)));

/** One thumbnail button per data set, each drawn from its own generator. */
function buildDatasetButtons(): void {
  const list = $('dataset-list');
  list.replaceChildren(
    ...DATASETS.map((name) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'dataset';
      b.dataset.name = name;
      b.setAttribute('aria-pressed', String(name === config.data));
      const c = document.createElement('canvas');
      c.width = 56;
      c.height = 56;
      c.setAttribute('aria-hidden', 'true');
      const s = document.createElement('span');
      s.textContent = DATASET_LABELS[name];
      b.append(c, s);
      b.addEventListener('click', () => update({ data: name }));
      return b;
    }),
  );
  requestAnimationFrame(() => {
    for (const b of list.querySelectorAll<HTMLButtonElement>('button')) {
      const name = b.dataset.name as Config['data'];
      drawBoundary(b.querySelector('canvas')!, {
        split: generate({ data: name, noise: 0, trainPct: 100, seed: 1 }, 160),
        grid: null,
        showTest: false,
      });
    }
  });
}

function syncControls(): void {
  $<HTMLSelectElement>('lr').value = String(config.lr);
  $<HTMLSelectElement>('activation').value = config.activation;
  $<HTMLSelectElement>('optimizer').value = config.optimizer;
  $<HTMLSelectElement>('l2').value = String(config.l2);
  $<HTMLSelectElement>('batch').value = String(config.batch);
  $<HTMLInputElement>('train').value = String(config.trainPct);
  $('train-out').textContent = `${config.trainPct}%`;
  $<HTMLInputElement>('noise').value = String(config.noise);
  $('noise-out').textContent = String(config.noise);
  $('seed-out').textContent = String(config.seed);
  $('layer-count').textContent = String(config.layers.length);
  $('net-title').lastChild!.textContent = config.layers.length === 1 ? ' hidden layer' : ' hidden layers';
  $<HTMLButtonElement>('remove-layer').disabled = config.layers.length === 0;
  $<HTMLButtonElement>('add-layer').disabled = config.layers.length >= MAX_LAYERS;
  for (const b of document.querySelectorAll<HTMLButtonElement>('.dataset'))
    b.setAttribute('aria-pressed', String(b.dataset.name === config.data));
  renderNetwork($('network'), config, MAX_UNITS, (layers) => update({ layers }));
}

/** Applies a change: the URL is updated, the data is redrawn only when its settings changed, and the network restarts. */
function update(change: Partial<Config>): void {
  const next = { ...config, ...change };
  if (!sameData(config, next)) split = generate(next);
  config = next;
  history.replaceState(null, '', serializeConfig(config) + location.hash);
  syncControls();
  curve = [];
  last = null;
  send({ type: 'init', config, split });
  draw();
}

function setRunning(on: boolean): void {
  running = on;
  const play = $('play');
  play.setAttribute('aria-pressed', String(on));
  play.setAttribute('aria-label', on ? 'Pause' : 'Train');
  play.classList.toggle('running', on);
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function draw(): void {
  cancelAnimationFrame(frame);
  frame = requestAnimationFrame(() => {
    drawBoundary($('boundary'), { split, grid: last?.grid ?? null, showTest: $<HTMLInputElement>('show-test').checked });
    drawCurves($('curves'), curve);
    $('epoch').textContent = (last?.epoch ?? 0)
      .toString()
      .padStart(6, '0')
      .replace(/(\d{3})(\d{3})$/, '$1,$2');
    $('test-acc').textContent = last ? pct(last.testAcc) : '–';
    $('train-acc').textContent = last ? pct(last.trainAcc) : '–';
    $('test-cost').textContent = last ? last.testCost.toFixed(3) : '–';
    $('train-cost').textContent = last ? last.trainCost.toFixed(3) : '–';
  });
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const msg = event.data;
  if (msg.type === 'error') {
    setRunning(false);
    const box = $('error');
    box.textContent = `Training stopped: ${msg.message}`;
    box.hidden = false;
    return;
  }
  if (msg.type === 'saved') {
    localStorage.setItem(SAVED_KEY, JSON.stringify({ config, epoch: msg.epoch }));
    $('model-status').textContent = `Saved at epoch ${msg.epoch} (${(msg.bytes / 1024).toFixed(1)} KiB)`;
    $<HTMLButtonElement>('load-model').disabled = false;
    return;
  }
  $('error').hidden = true;
  if (loading !== null && msg.loaded) {
    $('model-status').textContent = `Loaded the model saved at epoch ${loading}`;
    loading = null;
  }
  last = msg;
  curve.push(...msg.history);
  if (curve.length > 4000) curve = curve.filter((_, i) => i % 2 === 0);
  draw();
};
worker.onerror = (event) => {
  const box = $('error');
  box.textContent = `The training worker failed: ${event.message}`;
  box.hidden = false;
};

function togglePlay(): void {
  setRunning(!running);
  send({ type: running ? 'play' : 'pause' });
}

/** The configuration and epoch of the model saved in IndexedDB (the weights are in IndexedDB, by the worker). */
const SAVED_KEY = 'neurite-playground-saved';
let loading: number | null = null;

function savedModel(): { config: Config; epoch: number } | null {
  try {
    const saved = JSON.parse(localStorage.getItem(SAVED_KEY) ?? 'null');
    return saved && typeof saved.epoch === 'number' ? { config: parseConfig(serializeConfig(saved.config)), epoch: saved.epoch } : null;
  } catch {
    return null;
  }
}

$<HTMLButtonElement>('load-model').disabled = savedModel() === null;
$('save-model').addEventListener('click', () => {
  setRunning(false);
  send({ type: 'save' });
});
$('load-model').addEventListener('click', () => {
  const saved = savedModel();
  if (!saved) return;
  setRunning(false);
  // Rebuild the page and the worker for the saved configuration, then put the saved weights in.
  update(saved.config);
  loading = saved.epoch;
  send({ type: 'load', epoch: saved.epoch });
});

$('play').addEventListener('click', togglePlay);
$('step').addEventListener('click', () => {
  setRunning(false);
  send({ type: 'step' });
});
$('reset').addEventListener('click', () => {
  curve = [];
  last = null;
  send({ type: 'reset' });
});
$('lr').addEventListener('change', (e) => update({ lr: Number((e.target as HTMLSelectElement).value) }));
$('activation').addEventListener('change', (e) => update({ activation: (e.target as HTMLSelectElement).value as Config['activation'] }));
$('optimizer').addEventListener('change', (e) => update({ optimizer: (e.target as HTMLSelectElement).value as Config['optimizer'] }));
$('l2').addEventListener('change', (e) => update({ l2: Number((e.target as HTMLSelectElement).value) }));
$('batch').addEventListener('change', (e) => update({ batch: Number((e.target as HTMLSelectElement).value) }));
$('train').addEventListener('input', (e) => {
  $('train-out').textContent = `${(e.target as HTMLInputElement).value}%`;
});
$('train').addEventListener('change', (e) => update({ trainPct: Number((e.target as HTMLInputElement).value) }));
$('noise').addEventListener('input', (e) => {
  $('noise-out').textContent = (e.target as HTMLInputElement).value;
});
$('noise').addEventListener('change', (e) => update({ noise: Number((e.target as HTMLInputElement).value) }));
$('regenerate').addEventListener('click', () => update({ seed: (config.seed % 99991) + 1 }));
$('show-test').addEventListener('change', draw);
$('add-layer').addEventListener('click', () => update({ layers: [...config.layers, config.layers.at(-1) ?? 4] }));
$('remove-layer').addEventListener('click', () => update({ layers: config.layers.slice(0, -1) }));
$('share').addEventListener('click', async () => {
  const button = $('share');
  try {
    await navigator.clipboard.writeText(location.href);
    button.textContent = 'Link copied';
  } catch {
    button.textContent = 'Copy the address bar';
  }
  setTimeout(() => {
    button.textContent = 'Copy link';
  }, 1600);
});

// Space toggles training, S steps, R resets, unless the visitor is typing in or operating a control.
document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (e.altKey || e.ctrlKey || e.metaKey || target.closest('input, select, textarea, button')) return;
  if (e.key === ' ') {
    e.preventDefault();
    togglePlay();
  } else if (e.key === 's' || e.key === 'S') $('step').click();
  else if (e.key === 'r' || e.key === 'R') $('reset').click();
});
window.addEventListener('resize', draw);

buildDatasetButtons();
update({});
