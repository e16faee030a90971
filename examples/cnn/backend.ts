import { neuriteBackend as native } from '@neurite/backend-native';
import { neuriteBackend as wasm } from '@neurite/backend-wasm';
import { registerBackend, setBackend } from '@neurite/tensor';

/** Picks the backend by name ('native' is the fastest on Node; 'js' runs everywhere). */
export function useBackend(name: string): void {
  if (name === 'native') registerBackend(native.name, native.load, native.priority);
  else if (name === 'wasm') registerBackend(wasm.name, wasm.load, wasm.priority);
  else if (name !== 'js') throw new Error(`--backend must be native, wasm or js, received '${name}'`);
  setBackend(name);
}
