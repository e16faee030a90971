import { Dense, Sequential } from '@neurite/layers';
import { Tensor, toBackend } from '@neurite/tensor';
import type { Iterate } from '../measure.ts';
import type { TrainSpec } from '../workloads.ts';
import { trainArrays } from './data.ts';

/**
 * Neurite's fast path for every training workload, on whichever backend is active: a
 * `Sequential` of `Dense` layers (logistic regression is one sigmoid unit with zero init),
 * compiled once with binary cross-entropy and gradient descent, then `trainStep` per iteration,
 * which computes the cost only when asked (every costEvery iterations). `trainStep` runs the
 * fused `linear` forward into reused buffers, dZ = A − Y fused for sigmoid + cross-entropy,
 * dW with one transB GEMM (alpha = 1/m), no dA0 for the first layer, in-place SGD; X and Y go
 * through `toBackend` once.
 * The course's week-2 `optimize` is not used: it allocates fresh tensors every iteration and
 * computes A in float64, so it is not the library's fast path.
 */
export function neuriteTrainer(spec: TrainSpec): { iterate: Iterate } {
  const { X, Y } = trainArrays(spec);
  const [nx] = spec.dims;
  const model = new Sequential({ inputUnits: nx, dtype: spec.dtype, seed: spec.weightSeed });
  spec.dims.slice(1).forEach((units, l) => {
    model.add(new Dense(units, { activation: spec.activations[l], kernelInitializer: spec.init }));
  });
  model.build();
  model.compile({ loss: 'binaryCrossEntropy', optimizer: 'gradientDescent', learningRate: spec.learningRate });
  const widen = (a: Float32Array) => (spec.dtype === 'float64' ? Float64Array.from(a) : a);
  // Every iteration reads the same X and Y: stored once where the backend computes (the wasm
  // backend's memory, as TensorFlow.js keeps its tensors; js and native read them in place).
  const Xt = toBackend(new Tensor(widen(X), [nx, spec.m]));
  const Yt = toBackend(new Tensor(widen(Y), [1, spec.m]));
  return { iterate: (i) => model.trainStep(Xt, Yt, { computeCost: i % spec.costEvery === 0 }).cost };
}
