import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Cell, Timing } from './measure.ts';
import type { RunnerEntry } from './runners/index.ts';
import type { Workload } from './workloads.ts';

/*
 * Every runner lives in its own Node process. Detaching any ArrayBuffer turns off a V8 fast path
 * for the whole process, for good, and every typed-array loop then runs ~15% slower (measured on
 * the js GEMM kernels; `node --trace-protector-invalidation` shows when it happens). A wasm memory
 * that grows does it, so does tsx whenever it loads a CommonJS module for the main thread (which is
 * why the bench runs compiled, under plain Node, as users run Neurite): in a shared process Neurite
 * would pay for its peers' side effects. The children stay alive for the whole run so that main.ts
 * can interleave them workload by workload: on a shared, noisy machine the cells of one row are then
 * measured seconds apart, not minutes. A child is this same Node with the same flags; one JSON line
 * per request and per reply.
 */

export interface RunnerReport {
  name: string;
  description: string;
  neurite: boolean;
  /** Why the whole column was skipped (e.g. numpy not importable), if it was. */
  skipped?: string;
  environment: string[];
  cells: Map<string, Cell>;
}

export type ChildRequest = { type: 'init'; runner: string } | { type: 'run'; workload: Workload; timing: Timing };

export interface InitReply {
  description: string;
  neurite: boolean;
  skipped?: string;
  environment: string[];
}

// The bench runs compiled (dist/), so the child is dist/child.js beside this file.
const childScript = fileURLToPath(new URL('./child.js', import.meta.url));

export class IsolatedRunner {
  readonly report: RunnerReport;
  private readonly proc: ChildProcess;
  private readonly pending: ((line: string | undefined) => void)[] = [];

  private constructor(name: string) {
    this.report = { name, description: name, neurite: false, environment: [], cells: new Map() };
    this.proc = spawn(process.execPath, [...process.execArgv, childScript], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: this.proc.stdout! });
    lines.on('line', (line) => this.pending.shift()?.(line));
    lines.on('close', () => {
      for (const resolve of this.pending.splice(0)) resolve(undefined);
    });
  }

  static async start(entry: RunnerEntry): Promise<IsolatedRunner> {
    const runner = new IsolatedRunner(entry.name);
    const reply = await runner.ask<InitReply>({ type: 'init', runner: entry.name });
    Object.assign(runner.report, reply ?? { skipped: `the ${entry.name} child process exited during start-up` });
    return runner;
  }

  async run(workload: Workload, timing: Timing): Promise<void> {
    const cell = await this.ask<Cell>({ type: 'run', workload, timing });
    this.report.cells.set(workload.id, cell ?? { ok: false, reason: `failed: the ${this.report.name} child process exited` });
  }

  /** Ends the child; resolves once it has exited (so the next child never shares the CPU with it). */
  stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) resolve();
      else this.proc.once('exit', () => resolve());
    });
    this.proc.stdin?.end();
    return exited;
  }

  private ask<T>(request: ChildRequest): Promise<T | undefined> {
    return new Promise((resolve) => {
      this.pending.push((line) => resolve(line === undefined ? undefined : (JSON.parse(line) as T)));
      this.proc.stdin?.write(`${JSON.stringify(request)}\n`);
    });
  }
}
