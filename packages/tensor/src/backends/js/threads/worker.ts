import { nodeBuiltin } from '../../../runtime.ts';
import { gemmCore } from '../gemm.ts';
import { type ArenaViews, arenaViews, DONE, type Job, READY, reportError, runJob } from './job.ts';

/*
 * A GEMM worker of the js backend's pool (pool.ts). It holds the shared arena the main
 * thread copies operands into, and on each job computes its share of C there.
 * Whatever happens, it counts itself done, so the main thread never waits on it forever.
 */

const { parentPort, workerData } = nodeBuiltin<{
  parentPort: { on(event: 'message', listener: (message: { arena: SharedArrayBuffer } | Job) => void): void } | null;
  workerData: { control: Int32Array; errors: Uint8Array; index: number };
}>('node:worker_threads');
const { control, errors, index } = workerData;
let views: ArenaViews | undefined;

parentPort?.on('message', (message) => {
  if ('arena' in message) {
    views = arenaViews(message.arena);
    return;
  }
  try {
    if (!views) throw new Error('job before arena');
    runJob(message, views, gemmCore);
  } catch (error) {
    reportError(control, errors, `worker ${index}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
});

Atomics.store(control, READY + index, 1);
