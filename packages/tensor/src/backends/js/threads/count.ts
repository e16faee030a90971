import { ValueError } from '../../../errors.ts';

/** Most threads a pool runs: the main thread and fifteen workers. */
export const MAX_THREADS = 16;

export function checkThreads(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new ValueError(`${name}: expected an integer number of threads from 1 to ${MAX_THREADS}, received ${n}`);
  }
  return n;
}
