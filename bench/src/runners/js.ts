import { getThreads, setBackend, setThreads } from '@neurite/tensor';
import type { Workload } from '../workloads.ts';
import { prepareNeurite } from './neurite-workload.ts';
import { inProcess } from './types.ts';

/** Neurite's pure-TypeScript backend through the public ops (output allocation included, like the peers). */
function jsBackendRunner(name: string, description: string, threads?: number) {
  return inProcess({
    name,
    description,
    neurite: true,
    async init() {
      setBackend('js');
      if (threads !== undefined) setThreads(threads);
      return undefined;
    },
    async prepare(w: Workload) {
      return prepareNeurite('js', w);
    },
  });
}

export const jsRunner = jsBackendRunner(
  'js',
  `Neurite, pure-TypeScript backend ('js'), public ops (\`matmul\`, \`sigmoid\`, \`add\`), GEMM on ${getThreads()} threads (worker_threads; elementwise ops on one)`,
);

/** The js backend held to the calling thread: what browsers, Deno and `NEURITE_THREADS=1` get. */
export const jsSingleRunner = jsBackendRunner('js-1t', "Neurite's js backend with `setThreads(1)`: one thread, as in browsers and Deno", 1);
