// Where one LeNet training step goes, op by op, on the active backend (native when installed).
//
//     pnpm build && cd bench && node profile-lenet.mjs [steps=40]   (from bench/, which has the backends)
//
// The bench's LeNet (6 and 16 filters 5x5, dense 120 and 84, batch 64, Adam) trains on random
// pixels; every method of the active backend is wrapped with a timer through a second backend
// registered under another name, so the numbers are the kernels' own (N-API call included),
// and "step - ops" is what the step spends outside them (autodiff, allocation, layout). The
// conv and pool calls are also listed one by one in step order (#1 the first call of that op).
// Medians over the steps after 5 warm-up steps.
import { Conv2D, Dense, Flatten, MaxPool2D, Sequential } from '@neurite/layers';
import { Generator, Tensor } from '@neurite/tensor';
import { median, timeActiveBackend } from './timed-backend.mjs';

const steps = Number(process.argv[2] ?? 40);
const model = new Sequential({
  inputShape: [null, 28, 28, 1],
  dtype: 'float32',
  seed: 1,
  layers: [
    new Conv2D(6, 5, { activation: 'relu', padding: 'same' }),
    new MaxPool2D(2),
    new Conv2D(16, 5, { activation: 'relu' }),
    new MaxPool2D(2),
    new Flatten(),
    new Dense(120, { activation: 'relu' }),
    new Dense(84, { activation: 'relu' }),
    new Dense(10, { activation: 'softmax' }),
  ],
}).build();
model.compile({ loss: 'categoricalCrossEntropy', optimizer: 'adam', learningRate: 0.001 });
const X = new Generator(2).rand([64, 28, 28, 1], 'float32');
const labels = new Float32Array(640);
for (let j = 0; j < 64; j++) labels[(j % 10) * 64 + j] = 1;
const Y = new Tensor(labels, [10, 64]);

const { name, calls } = timeActiveBackend();

const stepTimes = [];
const opTimes = [];
const perOp = new Map();
const perCall = new Map();
for (let i = 0; i < steps + 5; i++) {
  calls.length = 0;
  const s = performance.now();
  model.trainStep(X, Y, { computeCost: true });
  const t = performance.now() - s;
  if (i < 5) continue;
  stepTimes.push(t);
  opTimes.push(calls.reduce((sum, [, d]) => sum + d, 0));
  const step = new Map();
  for (const [k, d] of calls) step.set(k, (step.get(k) ?? 0) + d);
  for (const [k, d] of step) perOp.set(k, [...(perOp.get(k) ?? []), d]);
  const seen = new Map();
  for (const [k, d] of calls) {
    if (!k.startsWith('conv') && !k.startsWith('pool')) continue;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    const key = `${k} #${n}`;
    perCall.set(key, [...(perCall.get(key) ?? []), d]);
  }
}
console.log(`${name}: step ${median(stepTimes).toFixed(2)} ms, ops ${median(opTimes).toFixed(2)} ms (medians of ${steps})`);
const rows = [...perOp].map(([k, v]) => [k, median(v)]).sort((a, b) => b[1] - a[1]);
for (const [k, v] of rows) console.log(`  ${k.padEnd(22)} ${v.toFixed(3)} ms`);
console.log('conv and pool calls, in the order of the step:');
for (const [k, v] of perCall) console.log(`  ${k.padEnd(26)} ${median(v).toFixed(3)} ms`);
