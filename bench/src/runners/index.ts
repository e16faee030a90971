import type { Runner } from './types.ts';

export type { Runner } from './types.ts';

/**
 * Column order of the table. Each runner is loaded only inside its own child process (see
 * isolate.ts), so one library's global side effects cannot slow another down. Neurite's runners
 * come first; a new backend is one file exporting a Runner and one entry here.
 */
export interface RunnerEntry {
  name: string;
  load(): Promise<Runner>;
}

export const runners: readonly RunnerEntry[] = [
  { name: 'js', load: async () => (await import('./js.ts')).jsRunner },
  { name: 'js-1t', load: async () => (await import('./js.ts')).jsSingleRunner },
  { name: 'native', load: async () => (await import('./native.ts')).nativeRunner },
  { name: 'wasm', load: async () => (await import('./wasm.ts')).wasmRunner },
  { name: 'wasm-1t', load: async () => (await import('./wasm.ts')).wasmSingleRunner },
  { name: 'tfjs-cpu', load: async () => (await import('./tfjs-cpu.ts')).tfjsCpuRunner },
  { name: 'tfjs-wasm', load: async () => (await import('./tfjs-wasm.ts')).tfjsWasmRunner },
  { name: 'numpy', load: async () => (await import('./numpy.ts')).numpyRunner },
  { name: 'torch', load: async () => (await import('./torch.ts')).torchRunner },
];
