import { registerWasmBackend, wasmInfo } from '@neurite/backend-wasm';
import { setBackend } from '@neurite/tensor';
import type { BackendChoice } from './backend-note.ts';

/**
 * For a worker: the WebAssembly backend when it loads (a worker may compile it synchronously),
 * on every core when the page is cross-origin isolated; else the js backend, with the reason,
 * which the page shows.
 */
export function chooseBackend(): BackendChoice {
  try {
    registerWasmBackend();
    setBackend('wasm');
    const info = wasmInfo();
    return { name: 'wasm', threads: info.threads, note: info.threads > 1 ? undefined : info.singleThreadReason };
  } catch (error) {
    setBackend('js');
    return {
      name: 'js',
      threads: 1,
      note: `the WebAssembly backend did not load (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}
