import { neuriteBackend, setWasmThreads, wasmInfo } from '@neurite/backend-wasm';
import { registerBackend, setBackend } from '@neurite/tensor';
import type { Workload } from '../workloads.ts';
import { prepareNeurite } from './neurite-workload.ts';
import { inProcess } from './types.ts';

/**
 * Neurite's WebAssembly backend through the same public ops as `js`: on every core (its GEMM
 * workers share the module's memory), or held to one thread as where SharedArrayBuffer is not.
 */
function wasmBackendRunner(name: string, description: string, threads?: number) {
  return inProcess({
    name,
    description,
    neurite: true,
    async init() {
      registerBackend(neuriteBackend.name, neuriteBackend.load, neuriteBackend.priority);
      try {
        setBackend('wasm');
        if (threads !== undefined) setWasmThreads(threads);
      } catch (error) {
        return (error as Error).message;
      }
      return undefined;
    },
    async describeEnvironment() {
      const info = wasmInfo();
      return [`${name}: ${info.threads} thread(s), shared memory ${info.shared ? 'on' : 'off'}, module ${info.moduleBytes} bytes`];
    },
    async prepare(w: Workload) {
      return prepareNeurite('wasm', w);
    },
  });
}

export const wasmRunner = wasmBackendRunner(
  'wasm',
  "Neurite, WebAssembly SIMD backend ('wasm', AssemblyScript kernels), public ops, large products on every core (shared memory + workers)",
);

export const wasmSingleRunner = wasmBackendRunner(
  'wasm-1t',
  "Neurite's wasm backend with `setWasmThreads(1)`: one thread, as in pages that are not cross-origin isolated",
  1,
);
