import { add, matmul, setBackend, sigmoid, type Tensor, tensor } from '@neurite/tensor';
import { neuriteTrainer } from '../train/neurite.ts';
import { randomData, type Workload } from '../workloads.ts';
import { inProcess } from './types.ts';

/** Neurite's pure-TypeScript backend through the public ops (output allocation included, like the peers). */
export const jsRunner = inProcess({
  name: 'js',
  description: "Neurite, pure-TypeScript backend ('js'), public ops (`matmul`, `sigmoid`, `add`), single thread",
  neurite: true,
  async init() {
    setBackend('js');
    return undefined;
  },
  async prepare(w: Workload) {
    setBackend('js');
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
