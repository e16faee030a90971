// Deno suite for @neurite/layers with @neurite/losses and @neurite/optimizers: the course's
// planar model trains to its published costs, a saved model loads back bit for bit, bad files
// are refused, and the losses and Adam behave as their formulas say.
// Run from packages/layers: ../../node_modules/.bin/deno test --conditions=source --allow-read --allow-write --allow-env deno/
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planarFlower } from '@neurite/datasets';
import { binaryCrossEntropyValue } from '@neurite/losses';
import { Adam } from '@neurite/optimizers';
import { getBackend, tensor } from '@neurite/tensor';
import { Dense, ModelFormatError, Sequential } from '../src/index.ts';
import { loadModelSync, saveModelSync } from '../src/node.ts';

function assert(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

/** The notebook's nn_model: 2-4-1, tanh then sigmoid, weights randn·0.01 from seed 2. */
function planarModel(): Sequential {
  return new Sequential({ inputUnits: 2, dtype: 'float64', seed: 2 })
    .add(new Dense(4, { activation: 'tanh', kernelInitializer: 'randomNormal' }))
    .add(new Dense(1, { activation: 'sigmoid', kernelInitializer: 'randomNormal' }));
}

Deno.test('the planar model reproduces the published costs at iterations 0 and 1000', () => {
  assert(getBackend().name === 'js', `backend ${getBackend().name}`);
  const { X, Y } = planarFlower({ dtype: 'float64' });
  // 1001 iterations, so that the cost is recorded before update 1001 as the course prints it.
  const history = planarModel().fit(X, Y, { loss: 'binaryCrossEntropy', learningRate: 1.2, iterations: 1001, printEvery: 1000 });
  // The course prints 0.693048 and 0.288083 (../shared/reference/README.md).
  assert(Math.abs(history.costs[0] - 0.693048) < 6e-7, `cost 0: ${history.costs[0]}`);
  assert(Math.abs(history.costs[1] - 0.288083) < 6e-7, `cost 1000: ${history.costs[1]}`);
});

Deno.test('a saved model loads back with bit-identical predictions; a truncated one is refused', () => {
  const { X, Y } = planarFlower({ dtype: 'float64' });
  const model = planarModel();
  model.fit(X, Y, { loss: 'binaryCrossEntropy', learningRate: 1.2, iterations: 50, printEvery: 50 });
  const dir = mkdtempSync(join(tmpdir(), 'neurite-deno-'));
  try {
    saveModelSync(model, join(dir, 'model'));
    const loaded = loadModelSync(join(dir, 'model'));
    const a = model.predictProba(X).data;
    const b = loaded.predictProba(X).data;
    assert(a.length === b.length && a.every((v, i) => Object.is(v, b[i])), 'predictions differ after loading');
    const weights = join(dir, 'model', 'weights.safetensors');
    const bytes = readFileSync(weights);
    writeFileSync(weights, bytes.subarray(0, bytes.length - 8));
    let error: unknown;
    try {
      loadModelSync(join(dir, 'model'));
    } catch (e) {
      error = e;
    }
    assert(error instanceof ModelFormatError, `a truncated weights file gave ${String(error)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test('binary cross-entropy is finite for predictions of exactly 0 and 1', () => {
  const A = tensor([[0, 1, 0.5]], 'float64');
  const Y = tensor([[1, 0, 1]], 'float64');
  const cost = binaryCrossEntropyValue(A, Y);
  assert(Number.isFinite(cost) && cost > 0, `cost ${cost}`);
  // Only the 0.5 prediction is exact: its share is -ln(0.5)/3.
  const exact = binaryCrossEntropyValue(tensor([[0.5]], 'float64'), tensor([[1]], 'float64'));
  assert(Math.abs(exact - Math.LN2) < 1e-12, `-ln 0.5 = ${exact}`);
});

Deno.test("Adam's first step moves each weight by the learning rate against its gradient's sign", () => {
  // Bias-corrected: m̂ = g and v̂ = g², so the step is lr·g / (|g| + ε).
  const W = tensor([[1, -2, 3]], 'float64');
  const dW = tensor([[0.5, -4, 1e-3]], 'float64');
  new Adam(0.1, { epsilon: 1e-8 }).step({ W }, { W: dW });
  const want = [1 - (0.1 * 0.5) / (0.5 + 1e-8), -2 + (0.1 * 4) / (4 + 1e-8), 3 - (0.1 * 1e-3) / (1e-3 + 1e-8)];
  want.forEach((v, i) => {
    assert(Math.abs(W.data[i] - v) < 1e-12, `W[${i}] = ${W.data[i]}, expected ${v}`);
  });
});
