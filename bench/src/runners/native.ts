import { nativeInfo, neuriteBackend } from '@neurite/backend-native';
import { registerBackend, setBackend } from '@neurite/tensor';
import type { Workload } from '../workloads.ts';
import { prepareNeurite } from './neurite-workload.ts';
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
    return prepareNeurite('native', w);
  },
});
