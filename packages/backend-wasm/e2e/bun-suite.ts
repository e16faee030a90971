/**
 * The wasm backend under Bun (run by bun.test.mjs: `bun --conditions=source e2e/bun-suite.ts`):
 * the module instantiates synchronously from the embedded bytes, discovery or
 * registerWasmBackend() makes it the default, threads run on Bun's workers, and the
 * conformance suite and the differential pass. Prints one JSON line with the outcome.
 */
import { backendInfo, Generator, matmul, registerBackend, setBackend } from '@neurite/tensor';
import { conformanceCases } from '@neurite/tensor/testing';
import { ALWAYS_WASM, loadWasmBackend, registerWasmBackend, setWasmThreads, wasmInfo } from '../src/index.ts';
import { differentialCases } from '../test/differential-cases.ts';

registerWasmBackend();
registerBackend('wasm-all', () => loadWasmBackend(ALWAYS_WASM, 'wasm-all'), -1);
const chosen = backendInfo().name;
setWasmThreads(2);
setBackend('wasm');
const g = new Generator(1);
const a = g.uniform(-1, 1, [200, 300], 'float32');
const b = g.uniform(-1, 1, [300, 160], 'float32');
const deadline = Date.now() + 60_000;
while (wasmInfo().running < 2 && Date.now() < deadline) {
  matmul(a, b);
  await new Promise((r) => setTimeout(r, 20));
}
let passed = 0;
const failures: string[] = [];
for (const c of [...conformanceCases('wasm-all'), ...conformanceCases('wasm'), ...differentialCases(['wasm-all', 'wasm'], 30)]) {
  try {
    c.fn();
    passed++;
  } catch (error) {
    failures.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
const info = wasmInfo();
setWasmThreads(1);
console.log(JSON.stringify({ chosen, passed, failures, info, bun: (globalThis as { Bun?: { version: string } }).Bun?.version }));
