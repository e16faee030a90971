import { nativeInfo, neuriteBackend } from '@neurite/backend-native';
import { add, matmul, registerBackend, setBackend, sigmoid, type Tensor, tensor } from '@neurite/tensor';
import { neuriteTrainer } from '../train/neurite.ts';
import { randomData, type Workload } from '../workloads.ts';
import { inProcess } from './types.ts';

/** Neurite's native backend (Rust kernels over N-API) through the same public ops as `js`. */
export const nativeRunner = inProcess({
  name: 'native',
  description: "Neurite, native backend ('native': Rust over N-API, OpenBLAS/pure-Rust GEMM), public ops, 2 threads",
  neurite: true,
  async init() {
    registerBackend(neuriteBackend.name, neuriteBackend.load, neuriteBackend.priority);
    try {
      setBackend('native');
    } catch (error) {
      return (error as Error).message;
    }
    return undefined;
  },
  async describeEnvironment() {
    const info = nativeInfo();
    return [
      `native: GEMM provider ${info.gemmProvider} (of ${info.gemmProviders.join(', ')}), ${info.threads} threads, binary ${info.from}`,
    ];
  },
  async prepare(w: Workload) {
    setBackend('native');
    const s = w.spec;
    if (s.kind === 'train') return neuriteTrainer(s);
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
        return { step: s.op === 'sigmoid' ? () => sigmoid(x) : () => add(x, y) };
      }
    }
  },
});
