import type { gemmCore } from '../gemm.ts';
import { MAX_THREADS } from './count.ts';

/*
 * One worker's share of a threaded GEMM: a smaller product of the same kind, its operands
 * copied into the shared arena at known offsets and strides. The main thread computes the
 * first share on the original arrays and merges the workers' results (pool.ts).
 */

/** The single-threaded product on strided operands. */
export type Core = typeof gemmCore;

export interface Job {
  readonly dtype: 'float32' | 'float64';
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly alpha: number;
  /** Element offsets of op(A), op(B) and C in the arena's view of `dtype`, with their strides. */
  readonly a: number;
  readonly sai: number;
  readonly sak: number;
  readonly b: number;
  readonly sbk: number;
  readonly sbj: number;
  readonly c: number;
  readonly ldc: number;
}

/** Slots of the shared control block (Int32Array), each on its own cache line. */
export const DONE = 0;
export const ERROR = 16;
export const READY = 32;
export const CONTROL_INTS = READY + MAX_THREADS;
/** Bytes of shared memory a worker writes a failure's message into. */
export const ERROR_BYTES = 2048;

export interface ArenaViews {
  readonly float32: Float32Array;
  readonly float64: Float64Array;
}

export function arenaViews(arena: SharedArrayBuffer): ArenaViews {
  return { float32: new Float32Array(arena), float64: new Float64Array(arena, 0, arena.byteLength >> 3) };
}

/** Computes a worker's share in the arena. */
export function runJob(job: Job, views: ArenaViews, core: Core): void {
  const mem = views[job.dtype];
  const { M, N, K, alpha, sai, sak, sbk, sbj, ldc } = job;
  core(M, N, K, alpha, mem.subarray(job.a), sai, sak, mem.subarray(job.b), sbk, sbj, mem.subarray(job.c), ldc);
}

/** Records a worker's failure for the main thread, which throws it (the first one wins). */
export function reportError(control: Int32Array, errors: Uint8Array, message: string): void {
  const bytes = new TextEncoder().encode(message).subarray(0, ERROR_BYTES);
  if (Atomics.compareExchange(control, ERROR, 0, -1) !== 0) return;
  errors.set(bytes);
  Atomics.store(control, ERROR, bytes.length);
}

export function readError(control: Int32Array, errors: Uint8Array): string | undefined {
  const length = Atomics.load(control, ERROR);
  if (length === 0) return undefined;
  // TextDecoder refuses views of shared memory: copy the bytes out first.
  return length < 0 ? 'unknown error' : new TextDecoder().decode(errors.slice(0, length));
}
