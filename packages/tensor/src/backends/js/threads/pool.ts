import type { FloatArray } from '../../../dtype.ts';
import { BackendError } from '../../../errors.ts';
import { envVar, isNode, nodeBuiltin } from '../../../runtime.ts';
import { checkThreads, MAX_THREADS } from './count.ts';
import { type ArenaViews, arenaViews, CONTROL_INTS, type Core, DONE, ERROR, ERROR_BYTES, type Job, READY, readError } from './job.ts';
import { addInto, extract, packedStrides, placeRows, plan } from './split.ts';

/*
 * The js backend's GEMM threads, under Node. One core runs V8's scalar code at ~5 GFLOPS
 * (gemm.ts); the deep net's two big products need both cores to beat WebAssembly SIMD.
 *
 * Tensors keep ordinary ArrayBuffers: V8 (Node 20) frees garbage SharedArrayBuffers only
 * long after the fact (a loop allocating 1 MB ones grew to 5 GB), so the main thread copies
 * each worker's share of the operands into one long-lived shared arena (split.ts; half of
 * the deep net's 10 MB X in ~1 ms, against ~20 ms of arithmetic), computes the first share
 * itself on the original arrays, and merges the workers' results into C. Workers start on
 * the first large product and join once loaded; until then, and wherever threads are off,
 * unavailable or not worth it, gemm runs on the calling thread.
 */

interface NodeWorker {
  postMessage(message: unknown): void;
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error' | 'exit', listener: (value: unknown) => void): void;
}
type WorkerConstructor = new (url: URL | string, options: { workerData: unknown; eval?: boolean }) => NodeWorker;

/** Below this many multiply-adds (~1.7 ms on one thread) waking a worker costs too much. */
const MIN_WORK = 1 << 22;
/** Measured rates on one core, for the cost model: GEMM multiply-adds and copied bytes per second. */
const MACS_PER_SECOND = 2.4e9;
const COPY_BYTES_PER_SECOND = 5e9;
/** Pieces each worker's share is copied and posted in. */
const SLICES = 4;
/** Seconds a job costs beyond its arithmetic: posting it, waking the workers, waiting for the last block. */
const JOB_OVERHEAD = 3e-4;
/** Largest arena the pool allocates; larger products run on one thread. */
const MAX_ARENA_BYTES = 2 ** 30;

interface Pool {
  readonly workers: NodeWorker[];
  readonly control: Int32Array;
  readonly errors: Uint8Array;
  arena: SharedArrayBuffer | undefined;
  views: ArenaViews | undefined;
}

let requested: number | undefined;
let pool: Pool | undefined;
/** Products the workers have taken part in (diagnostics and tests). */
let jobs = 0;
/** Why the pool stopped (a worker failed to start or died), or undefined. */
let failure: string | undefined;

function defaultThreads(): number {
  const value = envVar('NEURITE_THREADS');
  if (value !== undefined && value !== '') return checkThreads(Number(value), 'NEURITE_THREADS');
  if (!isNode()) return 1;
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  return Math.min(MAX_THREADS, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * Sets how many threads the js backend's GEMM uses (1 = only the calling thread). The default
 * is the NEURITE_THREADS environment variable, else every core (up to 16) under Node; other
 * runtimes always use one. Changing it stops the current workers.
 */
export function setThreads(n: number): void {
  checkThreads(n, 'setThreads');
  requested = n;
  failure = undefined;
  stop();
}

/** Threads the js backend's GEMM uses: the setting, or 1 where workers are unavailable or failed. */
export function getThreads(): number {
  if (!isNode() || failure !== undefined) return 1;
  requested ??= defaultThreads();
  return requested;
}

/** The pool's state: threads wanted, workers started and loaded, products they took part in, why it stopped. */
export function threadInfo(): { threads: number; workers: number; ready: number; jobs: number; failure: string | undefined } {
  const ready = pool ? pool.workers.filter((_, i) => Atomics.load(pool?.control as Int32Array, READY + i) === 1).length : 0;
  return { threads: getThreads(), workers: pool?.workers.length ?? 0, ready, jobs, failure };
}

function stop(): void {
  const old = pool;
  pool = undefined;
  if (old) for (const worker of old.workers) void worker.terminate();
}

function fail(reason: string): void {
  failure ??= reason;
  stop();
}

function start(threads: number): Pool {
  const { Worker } = nodeBuiltin<{ Worker: WorkerConstructor }>('node:worker_threads');
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
  const errors = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
  // From the sources (the tests run the .ts files), a worker first registers tsx to load TypeScript.
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);
  const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  const started: Pool = { workers: [], control, errors, arena: undefined, views: undefined };
  for (let index = 0; index < threads - 1; index++) {
    const workerData = { control, errors, index };
    const worker = fromSource ? new Worker(source, { eval: true, workerData }) : new Worker(url, { workerData });
    // Idle workers must not keep the process alive.
    worker.unref();
    worker.on('error', (error) => {
      if (pool === started) fail(`a GEMM worker failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    worker.on('exit', (code) => {
      if (pool === started) fail(`a GEMM worker exited (code ${String(code)})`);
    });
    started.workers.push(worker);
  }
  return started;
}

/** The arena, grown (by doubling) to at least `bytes`; workers get a new one before the next job. */
function arenaFor(p: Pool, bytes: number): ArenaViews {
  if (!p.arena || p.arena.byteLength < bytes) {
    const size = Math.max(bytes, 2 * (p.arena?.byteLength ?? 0), 1 << 20);
    p.arena = new SharedArrayBuffer(Math.ceil(size / 4096) * 4096);
    p.views = arenaViews(p.arena);
    for (const worker of p.workers) worker.postMessage({ arena: p.arena });
  }
  return p.views as ArenaViews;
}

/**
 * C += alpha·op(A)·op(B) on the pool, as gemmCore would with ldc = N; false (nothing done)
 * when the product should run on the calling thread.
 */
export function parallel(
  core: Core,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  sai: number,
  sak: number,
  B: FloatArray,
  sbk: number,
  sbj: number,
  C: FloatArray,
): boolean {
  const work = M * N * K;
  if (work < MIN_WORK) return false;
  const threads = getThreads();
  if (threads < 2) return false;
  if (A.constructor !== C.constructor || B.constructor !== C.constructor) return false;
  const bytesPerElement = C instanceof Float64Array ? 8 : 4;
  const one = work / MACS_PER_SECOND;
  // Copying (op(A), op(B), C in and out) happens before the main thread's own share: shrink it by that.
  const copy = (((threads - 1) / threads) * (M * K + K * N + 2 * M * N) * bytesPerElement) / COPY_BYTES_PER_SECOND;
  const mainShare = Math.max(1 / (2 * threads), 1 / threads - (copy * (1 - 1 / SLICES)) / (threads * one));
  if (copy + mainShare * one + JOB_OVERHEAD > 0.8 * one) return false;
  // The cut depends on the shape and the thread setting only, never on which workers are up yet:
  // a share whose worker is not ready runs here, in the same pieces, so a K cut (whose partial
  // sums round differently from one long sum) gives the same bits whoever computes it.
  const cut = plan(M, N, K, threads - 1, mainShare, SLICES, 64 / bytesPerElement);
  if (cut.elements * bytesPerElement > MAX_ARENA_BYTES) return false;
  pool ??= start(threads);
  const p = pool;
  const ready = p.workers.map((_, i) => Atomics.load(p.control, READY + i) === 1);
  // Without a K cut, a product no worker takes part in is gemmCore's own (the same bits).
  if (cut.dim !== 'K' && !ready.includes(true)) return false;

  const dtype = bytesPerElement === 8 ? 'float64' : 'float32';
  const mem = arenaFor(p, cut.elements * bytesPerElement)[dtype];
  Atomics.store(p.control, DONE, 0);
  Atomics.store(p.control, ERROR, 0);
  let posted = 0;
  for (const { worker, i0, j0, k0, m, n, k, a, b, c, fillA, fillB, fillC } of cut.pieces) {
    // A K-piece sums into its worker's partial C, zeroed once and added to C at the end.
    if (fillC && cut.dim === 'K') mem.fill(0, c, c + m * n);
    if (!ready[worker]) continue;
    if (fillA) extract(A, i0 * sai + k0 * sak, sai, sak, m, k, mem, a);
    if (fillB) extract(B, k0 * sbk + j0 * sbj, sbk, sbj, k, n, mem, b);
    if (fillC && cut.dim !== 'K') extract(C, i0 * N + j0, N, 1, m, n, mem, c);
    const [sai2, sak2] = packedStrides(sai, sak, m, k);
    const [sbk2, sbj2] = packedStrides(sbk, sbj, k, n);
    const job: Job = { dtype, M: m, N: n, K: k, alpha, a, sai: sai2, sak: sak2, b, sbk: sbk2, sbj: sbj2, c, ldc: n };
    (p.workers[worker] as NodeWorker).postMessage(job);
    posted++;
  }
  try {
    const { dim, first } = cut;
    if (dim === 'M') core(first, N, K, alpha, A, sai, sak, B, sbk, sbj, C, N);
    else if (dim === 'N') core(M, first, K, alpha, A, sai, sak, B, sbk, sbj, C, N);
    else core(M, N, first, alpha, A, sai, sak, B, sbk, sbj, C, N);
    // The shares of workers still loading, in place on the original arrays.
    for (const { worker, i0, j0, k0, m, n, k, c } of cut.pieces) {
      if (ready[worker]) continue;
      const Ap = A.subarray(i0 * sai + k0 * sak);
      const Bp = B.subarray(k0 * sbk + j0 * sbj);
      if (cut.dim === 'K') core(m, n, k, alpha, Ap, sai, sak, Bp, sbk, sbj, mem.subarray(c), n);
      else core(m, n, k, alpha, Ap, sai, sak, Bp, sbk, sbj, C.subarray(i0 * N + j0), N);
    }
  } finally {
    awaitWorkers(p, posted, work);
  }
  if (posted > 0) jobs++;
  const error = readError(p.control, p.errors);
  if (error !== undefined) {
    fail(error);
    throw new BackendError(`js backend: a GEMM thread failed (${error}); threads are now off`);
  }
  for (const { worker, i0, j0, m, n, c, fillC } of cut.pieces) {
    if (cut.dim === 'K' && fillC) addInto(C, mem, c, m * n);
    else if (cut.dim !== 'K' && ready[worker]) placeRows(mem, c, m, n, C, i0 * N + j0, N);
  }
  return true;
}

/** Blocks until the workers have counted `count` pieces done; a pool that stops answering is shut down. */
function awaitWorkers(p: Pool, count: number, work: number): void {
  // Generous: a minute, plus the product at a hundredth of the expected rate.
  const deadline = Date.now() + 60_000 + (work / MACS_PER_SECOND) * 100_000;
  for (;;) {
    const done = Atomics.load(p.control, DONE);
    if (done >= count) return;
    if (Date.now() > deadline) {
      fail('a GEMM worker stopped answering');
      throw new BackendError(`js backend: ${count - done} GEMM job(s) did not finish in time; threads are now off`);
    }
    Atomics.wait(p.control, DONE, done, 1000);
  }
}
