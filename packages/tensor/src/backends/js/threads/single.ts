import { checkThreads } from './count.ts';

/*
 * pool.ts for browser bundles, swapped in by package.json's "browser" field: browsers have no
 * worker_threads (and SharedArrayBuffer only on cross-origin-isolated pages), so the js
 * backend's GEMM always runs on the calling thread and the pool's code stays out of the bundle.
 */

export function setThreads(n: number): void {
  checkThreads(n, 'setThreads');
}

export function getThreads(): number {
  return 1;
}

export function threadInfo(): { threads: number; workers: number; ready: number; jobs: number; failure: string | undefined } {
  return { threads: 1, workers: 0, ready: 0, jobs: 0, failure: undefined };
}

export function parallel(): boolean {
  return false;
}
