/**
 * The wasm backend under Deno: the module instantiates from the embedded bytes (no permission
 * needed beyond reading the sources), then the tensor package's conformance cases run on it.
 * Run from packages/backend-wasm:
 *
 *     deno test --conditions=source --allow-read --allow-env deno/
 */
import { ALWAYS_WASM, loadWasmBackend, neuriteBackend, setWasmThreads, wasmInfo } from '@neurite/backend-wasm';
import { Generator, matmul, registerBackend, setBackend, sum, tanh } from '@neurite/tensor';
import { conformanceCases } from '@neurite/tensor/testing';
import { differentialCases } from '../test/differential-cases.ts';

registerBackend(neuriteBackend.name, neuriteBackend.load, neuriteBackend.priority);
registerBackend('wasm-all', () => loadWasmBackend(ALWAYS_WASM, 'wasm-all'), -1);

function assert(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

Deno.test('wasm: matmul and tanh agree with the js backend on a 64x300 problem, 1 and 2 threads', () => {
  const g = new Generator(3);
  const W = g.randn([64, 128], 'float64');
  const A = g.randn([128, 300], 'float64');
  setBackend('js');
  const want = sum(tanh(matmul(W, A)), 1).data;
  setBackend('wasm');
  for (const threads of [1, 2]) {
    setWasmThreads(threads);
    const got = sum(tanh(matmul(W, A)), 1).data;
    for (let i = 0; i < want.length; i++) assert(Math.abs(got[i] - want[i]) < 1e-10, `row ${i}: ${got[i]} vs ${want[i]}`);
  }
  setWasmThreads(1);
  assert(wasmInfo().shared, 'Deno has SharedArrayBuffer: the memory should be shared');
});

for (const c of conformanceCases('wasm-all')) Deno.test(`conformance wasm-all: ${c.name}`, c.fn);
for (const c of differentialCases(['wasm-all', 'wasm'], 30)) Deno.test(`differential: ${c.name}`, c.fn);
