/**
 * The source of a GEMM worker, as a string: started from a blob: URL (Web Workers in browsers,
 * Deno and Bun) or with `eval` (Node's worker_threads), so no bundler has to find a worker file.
 * A worker instantiates the same module on the same shared memory, counts itself ready in the
 * control block, then sleeps in Atomics.wait until the main thread posts a product; it computes
 * its part (its index + 1; the calling thread computes part 0) and counts itself done.
 */
export const CONTROL = { SEQ: 0, DONE: 1, READY: 2, STOP: 3, FN: 4, PARTS: 5, ERROR: 6 } as const;
/** Byte offset of the Float64 argument block inside the control block. */
export const ARGS_OFFSET = 64;

export const WORKER_BODY = `
function neuriteGemmWorker(module, memory, control, index) {
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ctl = new Int32Array(memory.buffer, control, 16);
  const args = new Float64Array(memory.buffer, control + ${ARGS_OFFSET}, 12);
  Atomics.add(ctl, ${CONTROL.READY}, 1);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, ${CONTROL.SEQ}, seen);
    const seq = Atomics.load(ctl, ${CONTROL.SEQ});
    if (seq === seen) continue;
    seen = seq;
    if (Atomics.load(ctl, ${CONTROL.STOP})) return;
    const parts = ctl[${CONTROL.PARTS}];
    const part = index + 1;
    if (part < parts) {
      try {
        const gemm = ctl[${CONTROL.FN}] === 0 ? k.gemm32 : k.gemm64;
        gemm(args[0] !== 0, args[1] !== 0, args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9], part, parts, args[10] + part * args[11]);
      } catch (e) {
        Atomics.store(ctl, ${CONTROL.ERROR}, 1);
      }
    }
    Atomics.add(ctl, ${CONTROL.DONE}, 1);
    Atomics.notify(ctl, ${CONTROL.DONE});
  }
}
`;

export const NODE_WORKER = `${WORKER_BODY}
const { workerData } = require('node:worker_threads');
neuriteGemmWorker(workerData.module, workerData.memory, workerData.control, workerData.index);
`;

export const WEB_WORKER = `${WORKER_BODY}
self.onmessage = (e) => {
  const d = e.data;
  neuriteGemmWorker(d.module, d.memory, d.control, d.index);
};
`;
