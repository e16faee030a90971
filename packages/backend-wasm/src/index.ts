/**
 * @neurite/backend-wasm: @neurite/tensor's Backend contract on WebAssembly SIMD kernels
 * (assembly/, compiled by AssemblyScript), for browsers, Deno, Bun and every OS the native
 * binary does not cover. Under Node and Deno, installing the package is enough: @neurite/tensor's
 * discovery finds `neuriteBackend` (priority 5: below native's 10, above js's 1). In a browser
 * bundle, call `registerWasmBackend()` (after `await initWasm()` on a page's main thread).
 */
import { BackendError, type BackendImpl, type BackendPlugin, registerBackend, ValueError } from '@neurite/tensor';
import { Arena } from './arena.ts';
import { type Crossover, createWasmBackend, SMALL } from './backend.ts';
import { type Kernels, MAX_PAGES, sharedVariant, wasmBytes } from './module.ts';
import { Pool } from './pool.ts';
import { coreCount, envVar, threadsUnavailable } from './runtime.ts';

export { ALWAYS_WASM, type Crossover, createWasmBackend, SMALL } from './backend.ts';

interface State {
  arena: Arena;
  pool: Pool;
  shared: boolean;
  /** Why threads are off here, when they are. */
  singleReason: string | undefined;
  threads: number;
}

/**
 * One module instance per JavaScript realm, however many copies of this package are loaded
 * (the registry's discovery may require the built copy while an app imports the sources, and
 * bundles can duplicate packages): setWasmThreads and wasmInfo must reach the backend in use.
 */
interface Global {
  state?: State;
  compiled?: { module: WebAssembly.Module; shared: boolean };
  pending?: Promise<void>;
}
const realm = globalThis as Record<symbol, Global>;
const KEY = Symbol.for('@neurite/backend-wasm');
realm[KEY] ??= {};
const global = realm[KEY];

const MAX_THREADS = 16;

function memoryFor(shared: boolean): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
}

/** Shared memory where threads can run (and creating it works), ordinary memory elsewhere. */
function chooseMemory(): { memory: WebAssembly.Memory; shared: boolean; why: string | undefined } {
  const why = threadsUnavailable();
  if (!why) {
    try {
      return { memory: memoryFor(true), shared: true, why };
    } catch (error) {
      return { memory: memoryFor(false), shared: false, why: `shared WebAssembly.Memory failed: ${(error as Error).message}` };
    }
  }
  return { memory: memoryFor(false), shared: false, why };
}

function start(instanceOf: (module: WebAssembly.Module, memory: WebAssembly.Memory) => WebAssembly.Instance): State {
  if (typeof WebAssembly !== 'object') throw new BackendError('@neurite/backend-wasm: this runtime has no WebAssembly');
  const { memory, shared: isShared, why } = chooseMemory();
  const compiled = global.compiled;
  const bytes = isShared ? sharedVariant(wasmBytes()) : wasmBytes();
  const module = compiled?.shared === isShared ? compiled.module : new WebAssembly.Module(toBuffer(bytes));
  const kernels = instanceOf(module, memory).exports as unknown as Kernels;
  const arena = new Arena(memory, kernels);
  const pool = new Pool(arena, module);
  return { arena, pool, shared: isShared, singleReason: why, threads: isShared ? defaultThreads() : 1 };
}

function toBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function defaultThreads(): number {
  const value = envVar('NEURITE_THREADS');
  if (value !== undefined && value !== '') return checkThreads(Number(value), 'NEURITE_THREADS');
  return coreCount();
}

function checkThreads(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new ValueError(`${name}: expected an integer number of threads from 1 to ${MAX_THREADS}, received ${n}`);
  }
  return n;
}

function ready(): State {
  global.state ??= start((module, memory) => new WebAssembly.Instance(module, { env: { memory } }));
  return global.state;
}

/**
 * Compiles and instantiates the module asynchronously. Node, Deno, Bun and workers can skip it
 * (the backend loads synchronously there); a page's main thread needs it first, since browsers
 * refuse to compile a large module synchronously there.
 */
export function initWasm(): Promise<void> {
  if (global.state) return Promise.resolve();
  global.pending ??= (async () => {
    const { memory, shared, why } = chooseMemory();
    const module = await WebAssembly.compile(toBuffer(shared ? sharedVariant(wasmBytes()) : wasmBytes()));
    global.compiled = { module, shared };
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const kernels = instance.exports as unknown as Kernels;
    const arena = new Arena(memory, kernels);
    global.state ??= { arena, pool: new Pool(arena, module), shared, singleReason: why, threads: shared ? defaultThreads() : 1 };
  })();
  return global.pending;
}

/**
 * The backend (instantiating the module on first use). `small` sets the sizes below which ops
 * stay on the js backend (`ALWAYS_WASM` sends every op to the kernels, for tests).
 */
export function loadWasmBackend(small: Readonly<Crossover> = SMALL, name = 'wasm'): BackendImpl {
  const s = ready();
  return createWasmBackend(s.arena, lazyPool(s), small, name);
}

/** The pool, whose workers start on the first product large enough to split. */
function lazyPool(s: State): Pool {
  return new Proxy(s.pool, {
    get(target, key, receiver) {
      if (key === 'size') {
        if (s.threads > 1 && target.size !== s.threads && !target.failure) target.resize(s.threads);
        return target.size;
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Threads for large products (the calling thread and `n - 1` workers), where shared memory
 * is available; 1 elsewhere. Default: NEURITE_THREADS, else every core (up to 8).
 */
export function setWasmThreads(n: number): void {
  checkThreads(n, 'setWasmThreads');
  const s = ready();
  if (n > 1 && !s.shared) throw new BackendError(`setWasmThreads: threads are unavailable here: ${s.singleReason}`);
  s.threads = n;
  if (n === 1) s.pool.stop();
  else if (s.pool.size !== n && s.pool.size > 1) s.pool.resize(n);
}

export interface WasmInfo {
  /** Threads large products use (once the workers have started). */
  threads: number;
  /** Threads running now: 1 until the first large product has started the workers. */
  running: number;
  /** Whether the module's memory is shared (threads possible). */
  shared: boolean;
  /** Why only one thread, when so. */
  singleThreadReason: string | undefined;
  /** Bytes of wasm memory now (the largest op's working set so far, after the resident tensors). */
  memoryBytes: number;
  /** Bytes of tensors kept in wasm memory by `toBackend` (freed when they are garbage). */
  residentBytes: number;
  /** Products split across threads so far. */
  parallelProducts: number;
  /** The .wasm module's size. */
  moduleBytes: number;
}

export function wasmInfo(): WasmInfo {
  const s = ready();
  return {
    threads: s.threads,
    running: s.pool.threads,
    shared: s.shared,
    singleThreadReason:
      s.threads > 1 ? s.pool.failure : (s.singleReason ?? (s.shared ? 'setWasmThreads(1) or NEURITE_THREADS=1' : undefined)),
    memoryBytes: s.arena.bytes,
    residentBytes: s.arena.residentBytes,
    parallelProducts: s.pool.jobs,
    moduleBytes: wasmBytes().length,
  };
}

/** What @neurite/tensor's discovery reads. */
export const neuriteBackend: BackendPlugin = {
  name: 'wasm',
  priority: 5,
  load: () => loadWasmBackend(),
};

/** Registers the backend with @neurite/tensor (browser bundles, where there is no discovery). */
export function registerWasmBackend(): void {
  registerBackend(neuriteBackend.name, neuriteBackend.load, neuriteBackend.priority);
}
