// Where one iteration of the course's deep net goes, op by op, on a chosen backend.
//
//     pnpm build && cd bench && node profile-deep.mjs [backend=wasm] [threads] [steps=60]
//
// The bench's deep net ([12288, 20, 7, 5, 1], 209 examples, float32, gradient descent) on
// random pixels, trained with `trainStep` as the bench does; every backend method is wrapped
// with a timer through a second backend registered under another name, so the numbers are the
// kernels' own, copies into wasm memory included. Medians over the steps after 10 warm-up steps.
import { neuriteBackend, setWasmThreads } from '@neurite/backend-wasm';
import { Dense, Sequential } from '@neurite/layers';
import { Generator, registerBackend, setBackend, Tensor, toBackend } from '@neurite/tensor';
import { median, timeActiveBackend } from './timed-backend.mjs';

const [which = 'wasm', threads, stepsArg] = process.argv.slice(2);
const steps = Number(stepsArg ?? 60);
registerBackend(neuriteBackend.name, neuriteBackend.load, neuriteBackend.priority);
setBackend(which);
if (which === 'wasm' && threads) setWasmThreads(Number(threads));

const [nx, m] = [12288, 209];
const model = new Sequential({ inputUnits: nx, dtype: 'float32', seed: 1 });
for (const [units, activation] of [
  [20, 'relu'],
  [7, 'relu'],
  [5, 'relu'],
  [1, 'sigmoid'],
]) {
  model.add(new Dense(units, { activation, kernelInitializer: 'courseDeep' }));
}
model.build();
model.compile({ loss: 'binaryCrossEntropy', optimizer: 'gradientDescent', learningRate: 0.0075 });
const g = new Generator(2);
const resident = process.env.RESIDENT !== '0';
const X0 = g.rand([nx, m], 'float32');
const X = resident ? toBackend(X0) : X0;
const labels = new Float32Array(m);
for (let j = 0; j < m; j += 3) labels[j] = 1;
const Y = new Tensor(labels, [1, m]);

const { name, calls } = timeActiveBackend();

const stepTimes = [];
const opTimes = [];
const perCall = new Map();
for (let i = 0; i < steps + 10; i++) {
  calls.length = 0;
  const s = performance.now();
  model.trainStep(X, Y, { computeCost: i % 100 === 0 });
  const t = performance.now() - s;
  if (i < 10) continue;
  stepTimes.push(t);
  opTimes.push(calls.reduce((sum, [, d]) => sum + d, 0));
  const seen = new Map();
  for (const [k, d] of calls) {
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    const key = `${k} #${n}`;
    perCall.set(key, [...(perCall.get(key) ?? []), d]);
  }
}
console.log(`${name}: step ${median(stepTimes).toFixed(2)} ms, ops ${median(opTimes).toFixed(2)} ms (medians of ${steps})`);
const rows = [...perCall].map(([k, v]) => [k, median(v)]).filter(([, v]) => v > 0.02);
for (const [k, v] of rows) console.log(`  ${k.padEnd(26)} ${v.toFixed(3)} ms`);
