import { getThreads, setBackend } from '@neurite/tensor';
import type { Workload } from '../workloads.ts';
import { prepareNeurite } from './neurite-workload.ts';
import { inProcess } from './types.ts';

/** Neurite's pure-TypeScript backend through the public ops (output allocation included, like the peers). */
export const jsRunner = inProcess({
  name: 'js',
  description: `Neurite, pure-TypeScript backend ('js'), public ops (\`matmul\`, \`sigmoid\`, \`add\`), GEMM on ${getThreads()} threads (worker_threads; elementwise ops on one)`,
  neurite: true,
  async init() {
    setBackend('js');
    return undefined;
  },
  async prepare(w: Workload) {
    return prepareNeurite('js', w);
  },
});
