import { Tensor } from '@neurite/tensor';
import type { CnnSpec } from '../workloads.ts';
import { digitArrays, readF32 } from './data.ts';
import { neuriteLenet } from './lenet.ts';

/**
 * Neurite's LeNet on whichever backend is active, from the shared initial weights: compiled
 * with categorical cross-entropy and Adam, then `trainStep` on the batch (step), or
 * `fit({ epochs: 1, batchSize, shuffle: false })` over the examples (epoch), which gathers each
 * batch and reads its loss back, as a user's fit does.
 */
export function neuriteCnn(spec: CnnSpec): { step: () => unknown; loss0: number } {
  if (!spec.files) throw new Error('the LeNet workloads need their data files (main.ts writes them)');
  const model = neuriteLenet(spec);
  model.setParams(Object.fromEntries(spec.files.weights.map((w) => [w.name, new Tensor(readF32(w.path), w.shape)])));
  model.compile({ loss: 'categoricalCrossEntropy', optimizer: 'adam', learningRate: spec.learningRate });
  const n = spec.examples;
  const { X: x, Y: yRows } = digitArrays(spec.files, n);
  // The course's layout: images (m, 28, 28, 1), labels as columns (10, m).
  const Ycols = new Float32Array(10 * n);
  for (let j = 0; j < n; j++) for (let c = 0; c < 10; c++) Ycols[c * n + j] = yRows[j * 10 + c];
  const X = new Tensor(x, [n, 28, 28, 1]);
  const Y = new Tensor(Ycols, [10, n]);
  const b = spec.batch;
  const firstX = new Tensor(x.subarray(0, b * 784), [b, 28, 28, 1]);
  const firstY = new Tensor(
    Ycols.filter((_, k) => k % n < b),
    [10, b],
  );
  const loss0 = model.evaluate(firstX, firstY).loss;
  // One batch trained first, so that a single timed run (a slow machine: see timeIt) does not
  // include the first call's one-time costs (JIT tiers, GEMM threads starting, buffers).
  if (spec.pass === 'step') {
    model.trainStep(X, Y, { computeCost: true });
    return { step: () => model.trainStep(X, Y, { computeCost: true }).cost, loss0 };
  }
  model.fit(firstX, firstY, { epochs: 1, batchSize: b, shuffle: false });
  return { step: () => model.fit(X, Y, { epochs: 1, batchSize: b, shuffle: false }), loss0 };
}
