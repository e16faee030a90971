import {
  abs,
  add,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  exp,
  log,
  matmul,
  mul,
  setBackend,
  sigmoid,
  sigmoidBackward,
  sum,
  type Tensor,
  tanh,
  tensor,
} from '@neurite/tensor';
import { neuriteCnn } from '../cnn/neurite.ts';
import { neuriteTrainer } from '../train/neurite.ts';
import { randomData, type Workload } from '../workloads.ts';

/**
 * One workload on a Neurite backend through the public ops (output allocation included,
 * like the peers): the js and native runners differ only in the backend they name.
 */
export function prepareNeurite(backend: string, w: Workload) {
  setBackend(backend);
  const s = w.spec;
  if (s.kind === 'train') return neuriteTrainer(s);
  if (s.kind === 'cnn') return neuriteCnn(s);
  const make = (size: number, seed: number, shape: number[]): Tensor => tensor(randomData(size, seed), s.dtype, shape);
  switch (s.kind) {
    case 'gemm': {
      const a = make(s.M * s.K, 1, s.transA ? [s.K, s.M] : [s.M, s.K]);
      const b = make(s.K * s.N, 2, s.transB ? [s.N, s.K] : [s.K, s.N]);
      const options = { transA: s.transA, transB: s.transB };
      return { step: () => matmul(a, b, options) };
    }
    case 'elementwise': {
      const x = make(s.size, 3, [s.size]);
      const y = make(s.size, 4, [s.size]);
      const positive = abs(x);
      const steps = {
        sigmoid: () => sigmoid(x),
        tanh: () => tanh(x),
        exp: () => exp(x),
        log: () => log(positive),
        sigmoidBackward: () => sigmoidBackward(x, y),
        add: () => add(x, y),
        mul: () => mul(x, y),
        sum: () => sum(x),
        // tensor() of a typed array copies it into fresh (zero-filled) storage, as an op's output is.
        copy: () => tensor(x.data, s.dtype, [s.size]),
      };
      return { step: steps[s.op] };
    }
    case 'conv': {
      const xShape = [s.m, s.H, s.W, s.C];
      const wShape = [s.f, s.f, s.C, s.F];
      const x = make(s.m * s.H * s.W * s.C, 5, xShape);
      const W = make(s.f * s.f * s.C * s.F, 6, wShape);
      const options = { padding: 'same' } as const;
      if (s.pass === 'forward') return { step: () => conv2d(x, W, options) };
      const dZ = make(s.m * s.H * s.W * s.F, 7, [s.m, s.H, s.W, s.F]);
      return { step: () => [conv2dBackpropInput(dZ, W, xShape, options), conv2dBackpropFilter(x, dZ, wShape, options)] };
    }
  }
}
