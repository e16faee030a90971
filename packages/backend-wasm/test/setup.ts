import { registerBackend } from '@neurite/tensor';
import { ALWAYS_WASM, loadWasmBackend, neuriteBackend } from '../src/index.ts';

/**
 * 'wasm' is the backend as shipped (tiny ops stay in TypeScript); 'wasm-all' sends every op to
 * the kernels whatever its size, so the conformance suite's small tensors exercise them, and
 * splits every product across the pool's threads once they run (setWasmThreads).
 */
registerBackend(neuriteBackend.name, neuriteBackend.load, -1);
registerBackend('wasm-all', () => loadWasmBackend(ALWAYS_WASM, 'wasm-all'), -1);
/** Every op in wasm, and never split across threads: the reference for the threaded results. */
registerBackend('wasm-all-1t', () => loadWasmBackend({ ...ALWAYS_WASM, parallel: Number.POSITIVE_INFINITY }, 'wasm-all-1t'), -1);
