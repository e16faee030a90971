/**
 * The browser run of the wasm backend's suites: bundled (by esbuild and by Vite, see
 * ../browser.test.mjs) into a page of static files, it compiles the module with `initWasm()` on
 * the page's main thread, registers the backend the way the README tells an app to, and runs the
 * tensor package's conformance cases and the js-vs-wasm differential on it. `?threads=2` first
 * waits for the GEMM workers (a cross-origin-isolated page only). The outcome lands in
 * `window.__neuriteResults` for the test to read.
 */
import { backendInfo, Generator, matmul, registerBackend, setBackend } from '@neurite/tensor';
import { conformanceCases } from '@neurite/tensor/testing';
import { ALWAYS_WASM, initWasm, loadWasmBackend, registerWasmBackend, setWasmThreads, wasmInfo } from '../../src/index.ts';
import { differentialCases } from '../../test/differential-cases.ts';

interface Results {
  done: boolean;
  passed: number;
  failures: string[];
  chosen?: string;
  info?: unknown;
  crossOriginIsolated: boolean;
  error?: string;
}

const results: Results = { done: false, passed: 0, failures: [], crossOriginIsolated: globalThis.crossOriginIsolated === true };
(globalThis as unknown as { __neuriteResults: Results }).__neuriteResults = results;

const status = (text: string): void => {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
};

async function main(): Promise<void> {
  await initWasm();
  registerWasmBackend();
  // With nothing else registered but js, discovery-free pages get wasm by priority.
  results.chosen = backendInfo().name;
  registerBackend('wasm-all', () => loadWasmBackend(ALWAYS_WASM, 'wasm-all'), -1);
  const threads = Number(new URL(location.href).searchParams.get('threads') ?? '1');
  setWasmThreads(threads);
  if (threads > 1) {
    // The workers start on the first large product and join when loaded: give them time.
    setBackend('wasm');
    const g = new Generator(1);
    const a = g.uniform(-1, 1, [200, 300], 'float32');
    const b = g.uniform(-1, 1, [300, 160], 'float32');
    const deadline = performance.now() + 60_000;
    while (wasmInfo().running < threads && performance.now() < deadline) {
      matmul(a, b);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const cases = [...conformanceCases('wasm-all'), ...conformanceCases('wasm'), ...differentialCases(['wasm-all', 'wasm'], 30)];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    try {
      c.fn();
      results.passed++;
    } catch (error) {
      results.failures.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (i % 50 === 0) {
      status(`${i + 1} / ${cases.length}`);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  results.info = wasmInfo();
}

main()
  .catch((error) => {
    results.error = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
  })
  .finally(() => {
    results.done = true;
    status(results.error ? `error: ${results.error}` : `${results.passed} passed, ${results.failures.length} failed`);
  });
