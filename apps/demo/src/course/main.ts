import '../styles.css';
import './course.css';
import { setupCats } from './cats.ts';
import { parseSizes, renderDims } from './dims.ts';
import { renderGraph } from './graph.ts';
import { gradientStep, nextBatch, renderPropagation } from './propagation.ts';
import { measure, renderTimings } from './vectorize.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function graph(): void {
  const num = (id: string): number => {
    const v = Number($<HTMLInputElement>(id).value);
    return Number.isFinite(v) ? v : 0;
  };
  renderGraph($('graph-svg'), $('graph-derivs'), num('ga'), num('gb'), num('gc'));
}
$('graph-inputs').addEventListener('input', graph);
$('graph-inputs').addEventListener('submit', (e) => e.preventDefault());
graph();

function dims(): void {
  const box = $('dim-error');
  try {
    const m = Number($<HTMLInputElement>('dim-m').value);
    if (!Number.isInteger(m) || m < 1)
      throw new Error(`m must be a whole number of at least 1; received "${$<HTMLInputElement>('dim-m').value}"`);
    renderDims($<HTMLTableElement>('dim-table'), parseSizes($<HTMLInputElement>('dim-layers').value), m);
    box.hidden = true;
  } catch (err) {
    box.textContent = err instanceof Error ? err.message : String(err);
    box.hidden = false;
  }
}
$('dim-form').addEventListener('input', dims);
$('dim-form').addEventListener('submit', (e) => e.preventDefault());
dims();

let values = renderPropagation($('prop'), $('prop-status'));
$('prop-step').addEventListener('click', () => {
  const before = values.J.item();
  gradientStep(values);
  values = renderPropagation($('prop'), $('prop-status'));
  $('prop-status').textContent += ` J went from ${before.toFixed(6)} to ${values.J.item().toFixed(6)}.`;
});
$('prop-batch').addEventListener('click', () => {
  nextBatch();
  values = renderPropagation($('prop'), $('prop-status'));
});

$('vec-run').addEventListener('click', () => {
  const button = $<HTMLButtonElement>('vec-run');
  button.disabled = true;
  $('vec-status').textContent = 'Measuring (best of 5 runs each)…';
  // Let the status paint before the main thread is busy for a moment.
  setTimeout(() => {
    renderTimings($('vec-results'), $('vec-note'), measure());
    $('vec-status').textContent = `n = 1,000,000, measured just now in this tab.`;
    button.disabled = false;
    button.textContent = 'Measure again';
  }, 30);
});

setupCats();
