/**
 * ms per training iteration of the course's models on the js backend (or the one
 * NEURITE_BACKEND names), with data of the course's shapes. Prints a table and,
 * with --json, one JSON object per model for bench/ to collect.
 *
 *   pnpm --filter examples bench:train [--json] [--iterations N]
 */
import { planarFlower } from '@neurite/datasets';
import { Dense, initializeWithZeros, optimize, Sequential } from '@neurite/layers';
import { backendInfo, Generator, setBackend, type Tensor, tensor } from '@neurite/tensor';

interface Result {
  model: string;
  shape: string;
  msPerIteration: number;
  iterations: number;
}

function catLike(seed = 1): { X: Tensor; Y: Tensor } {
  const g = new Generator(seed);
  const X = g.rand([12288, 209], 'float64');
  const Y = tensor([Array.from({ length: 209 }, (_, j) => (j % 3 === 0 ? 1 : 0))], 'float64');
  return { X, Y };
}

/** Best of `repeats` timed runs after one warm-up run, in ms per iteration. */
function time(run: (iterations: number) => void, iterations: number, repeats = 3): number {
  run(Math.max(1, Math.floor(iterations / 4)));
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    run(iterations);
    best = Math.min(best, (performance.now() - start) / iterations);
  }
  return best;
}

function deepModel(dims: number[], init: 'randomNormal' | 'courseDeep'): Sequential {
  const model = new Sequential({ inputUnits: dims[0], dtype: 'float64', seed: 1 });
  dims.slice(1).forEach((units, i) => {
    model.add(new Dense(units, { activation: i === dims.length - 2 ? 'sigmoid' : 'relu', kernelInitializer: init }));
  });
  return model;
}

const args = process.argv.slice(2);
// The js backend unless NEURITE_BACKEND names another: this measures the pure-TypeScript path.
if (!process.env.NEURITE_BACKEND) setBackend('js');
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const scale = flag('iterations');
const results: Result[] = [];

{
  const { X, Y } = planarFlower({ dtype: 'float64' });
  const model = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 2 })
    .add(new Dense(4, { activation: 'tanh', kernelInitializer: 'randomNormal' }))
    .add(new Dense(1, { activation: 'sigmoid', kernelInitializer: 'randomNormal' }));
  const n = scale ?? 5000;
  const ms = time((k) => model.fit(X, Y, { iterations: k, learningRate: 1.2, printEvery: 1000 }), n);
  results.push({ model: 'week3 planar 2-4-1 (tanh/sigmoid)', shape: 'X (2, 400)', msPerIteration: ms, iterations: n });
}
{
  const { X, Y } = catLike();
  const n = scale ?? 20;
  const { w, b } = initializeWithZeros(12288);
  const ms = time((k) => optimize(w, b, X, Y, k, 0.005), n);
  results.push({ model: 'week2 logistic regression', shape: 'X (12288, 209)', msPerIteration: ms, iterations: n });
  const two = deepModel([12288, 7, 1], 'randomNormal');
  results.push({
    model: 'week4 two-layer [12288, 7, 1]',
    shape: 'X (12288, 209)',
    msPerIteration: time((k) => two.fit(X, Y, { iterations: k, learningRate: 0.0075, printEvery: 100 }), n),
    iterations: n,
  });
  const deep = deepModel([12288, 20, 7, 5, 1], 'courseDeep');
  results.push({
    model: 'week4 L-layer [12288, 20, 7, 5, 1]',
    shape: 'X (12288, 209)',
    msPerIteration: time((k) => deep.fit(X, Y, { iterations: k, learningRate: 0.0075, printEvery: 100 }), n),
    iterations: n,
  });
}

const backend = backendInfo().name;
if (args.includes('--json')) for (const r of results) console.log(JSON.stringify({ backend, ...r }));
else {
  console.log(`backend: ${backend} (float64, full batch, cost every 100 iterations)`);
  for (const r of results)
    console.log(`${r.model.padEnd(38)} ${r.shape.padEnd(16)} ${r.msPerIteration.toFixed(4).padStart(10)} ms/iteration`);
}
