import { type Arena, CONTROL_BLOCKS, CONTROL_BYTES } from './arena.ts';
import type { GemmFn } from './module.ts';
import { isBrowserMainThread, isNode, nodeProcess } from './runtime.ts';
import { ARGS_OFFSET, CONTROL, NODE_WORKER, WEB_WORKER } from './worker-source.ts';

interface AnyWorker {
  terminate(): unknown;
}

/**
 * Workers that share the module's memory and split large products with the calling thread.
 * They signal readiness through the control block, not by message, so a synchronous training
 * loop that never yields to the event loop still sees them join. Until every worker is ready,
 * and for small products, the calling thread computes alone: the same bits either way, since a
 * part is a range of whole output tiles and each element sums in the same order.
 */
export class Pool {
  private workers: AnyWorker[] = [];
  private ctl!: Int32Array;
  private args!: Float64Array;
  private block = 0;
  private generation = 0;
  /** Why the workers could not start, if they could not. */
  failure: string | undefined;
  /** Products the workers took part in. */
  jobs = 0;

  constructor(
    private readonly arena: Arena,
    private readonly module: WebAssembly.Module,
  ) {
    this.use(0);
  }

  /** Points at control block `g`, zeroed. */
  private use(g: number): void {
    this.block = this.arena.control + (g % CONTROL_BLOCKS) * CONTROL_BYTES;
    const buffer = this.arena.memory.buffer;
    this.ctl = new Int32Array(buffer, this.block, 16);
    this.args = new Float64Array(buffer, this.block + ARGS_OFFSET, 12);
    this.ctl.fill(0);
  }

  /** Threads in use: the calling one plus the workers, once all are ready. */
  get threads(): number {
    return this.ready ? this.workers.length + 1 : 1;
  }

  get size(): number {
    return this.workers.length + 1;
  }

  get ready(): boolean {
    return this.workers.length > 0 && Atomics.load(this.ctl, CONTROL.READY) === this.workers.length;
  }

  /** Stops the current workers and starts `threads - 1` new ones. */
  resize(threads: number): void {
    this.stop();
    if (threads <= 1) return;
    this.use(++this.generation);
    try {
      for (let i = 0; i < threads - 1; i++) this.workers.push(this.spawn(i));
      this.failure = undefined;
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
      this.stop();
    }
  }

  stop(): void {
    if (this.workers.length === 0) return;
    Atomics.store(this.ctl, CONTROL.STOP, 1);
    Atomics.add(this.ctl, CONTROL.SEQ, 1);
    Atomics.notify(this.ctl, CONTROL.SEQ);
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }

  /** One product, split across every ready thread; `scratch` holds `size` blocks of `scratchBytes`. */
  gemm(fn: 0 | 1, gemm: GemmFn, g: GemmArgs, scratch: number, scratchBytes: number): void {
    if (!this.ready) {
      gemm(g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.a, g.b, g.beta, g.c, 0, 1, scratch);
      return;
    }
    const parts = this.workers.length + 1;
    const a = this.args;
    a[0] = g.transA ? 1 : 0;
    a[1] = g.transB ? 1 : 0;
    a[2] = g.m;
    a[3] = g.n;
    a[4] = g.k;
    a[5] = g.alpha;
    a[6] = g.a;
    a[7] = g.b;
    a[8] = g.beta;
    a[9] = g.c;
    a[10] = scratch;
    a[11] = scratchBytes;
    this.ctl[CONTROL.FN] = fn;
    this.ctl[CONTROL.PARTS] = parts;
    Atomics.store(this.ctl, CONTROL.DONE, 0);
    Atomics.add(this.ctl, CONTROL.SEQ, 1);
    Atomics.notify(this.ctl, CONTROL.SEQ);
    this.jobs++;
    let error: unknown;
    try {
      gemm(g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.a, g.b, g.beta, g.c, 0, parts, scratch);
    } catch (e) {
      error = e;
    }
    // Every worker answers, even one with no part; a page's main thread may not block, so it spins.
    const spin = isBrowserMainThread();
    for (;;) {
      const done = Atomics.load(this.ctl, CONTROL.DONE);
      if (done >= this.workers.length) break;
      if (!spin) Atomics.wait(this.ctl, CONTROL.DONE, done, 50);
    }
    if (error) throw error;
    if (Atomics.exchange(this.ctl, CONTROL.ERROR, 0)) throw new Error('@neurite/backend-wasm: a GEMM worker failed');
  }

  private spawn(index: number): AnyWorker {
    const data = { module: this.module, memory: this.arena.memory, control: this.block, index };
    if (isNode()) {
      const wt = nodeProcess()?.getBuiltinModule?.('node:worker_threads') as {
        Worker: new (code: string, options: { eval: boolean; workerData: unknown }) => AnyWorker & { unref(): void };
      };
      const w = new wt.Worker(NODE_WORKER, { eval: true, workerData: data });
      w.unref();
      return w;
    }
    const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: 'text/javascript' }));
    const W = (
      globalThis as unknown as {
        Worker: new (url: string, options?: { type?: string; name?: string }) => AnyWorker & { postMessage(m: unknown): void };
      }
    ).Worker;
    const w = new W(url, { name: `neurite-gemm-${index}` });
    w.postMessage(data);
    return w;
  }
}

export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: number;
  b: number;
  beta: number;
  c: number;
}
