/**
 * kill -9 at random moments during saves over an existing model, through the API
 * (saver.ts: saveModelSync in a loop) and through the CLI (`neurite train --out --overwrite`),
 * then checks what a user would find: a complete model loads from the target, it is one of
 * the two models being saved (weights and, for the CLI, its neurite-cli.json of the same
 * run), and no temporary folders are left once it has been loaded.
 *
 * Two modes: `random` kills at a uniform moment of the run; `window` slows the moment
 * between the save's two renames (slow-rename.mjs) and kills inside it, where the old model
 * is aside and the new one not yet in place, the case that used to leave nothing.
 *
 *   node scripts/kill-saves.mjs --api 100 --cli 100
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sequential } from '@neurite/layers';
import { loadModelSync } from '@neurite/layers/node';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI_DIR = join(HERE, '..', '..');
const REPO = join(CLI_DIR, '..', '..');
const SLOW = join(HERE, 'slow-rename.mjs');
const PAUSE_MS = 150;

export type Mode = 'random' | 'window';

export interface KillReport {
  via: 'api' | 'cli';
  mode: Mode;
  kills: number;
  /** Kills after which no folder stood at the target (the crash hit the window between the renames). */
  targetMissing: number;
  /** Temporary or old folders right after the kills, summed (what the next load must clean). */
  leftovers: number;
  /** Loads that found the first / the second model. */
  loaded: [number, number];
  /** Anything wrong: a load that failed, a model that is neither, folders left after a load. */
  failures: string[];
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Whether any process of the group `pgid` still runs (zombies, which write nothing, do not count). */
function groupRuns(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((f) => /^\d+$/.test(f));
  } catch {
    // No /proc: ask the kernel whether the group has any member at all.
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return pids.some((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X';
    } catch {
      return false;
    }
  });
}

/** Kills the child's whole process group (the CLI from sources runs a second node) and waits until none runs. */
async function killGroup(child: ChildProcess): Promise<void> {
  const pgid = child.pid as number;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  await exited(child);
  // A process in the middle of an fsync dies when the call returns; on a loaded machine that takes a while.
  for (let i = 0; i < 1000 && groupRuns(pgid); i++) await sleep(10);
}

function siblings(target: string): string[] {
  return readdirSync(dirname(target)).filter((f) => f.startsWith(`.${basename(target)}.`));
}

/** Waits until the save has moved the old model aside (window mode), or gives up after `ms`. */
async function untilWindow(target: string, ms: number): Promise<boolean> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (siblings(target).some((f) => f.includes('.neurite-old-'))) return true;
    await sleep(1);
  }
  return false;
}

function sameWeights(a: Sequential, b: Sequential): boolean {
  const pa = a.params();
  const pb = b.params();
  return Object.keys(pb).every((k) => pa[k] && pa[k].size === pb[k].size && pa[k].data.every((v, i) => v === pb[k].data[i]));
}

/** After a kill: what stands at the target, then a load (which recovers and cleans), then nothing left. */
function check(report: KillReport, target: string, refs: [Sequential, Sequential], i: number, cliSeeds?: [number, number]): void {
  if (!existsSync(target)) report.targetMissing++;
  report.leftovers += siblings(target).length;
  let model: Sequential;
  try {
    model = loadModelSync(target);
  } catch (error) {
    report.failures.push(`kill ${i}: loadModel failed: ${(error as Error).message}`);
    return;
  }
  const which = sameWeights(model, refs[0]) ? 0 : sameWeights(model, refs[1]) ? 1 : null;
  if (which === null) report.failures.push(`kill ${i}: the model at the target is neither of the two saved`);
  else report.loaded[which]++;
  if (cliSeeds && which !== null) {
    let seed: unknown;
    try {
      seed = JSON.parse(readFileSync(join(target, 'neurite-cli.json'), 'utf8')).settings.seed;
    } catch (error) {
      seed = `unreadable (${(error as Error).message})`;
    }
    if (seed !== cliSeeds[which])
      report.failures.push(`kill ${i}: neurite-cli.json is of seed ${seed}, the weights of seed ${cliSeeds[which]}`);
  }
  const left = siblings(target);
  if (left.length > 0) report.failures.push(`kill ${i}: left after the load: ${left.join(', ')}`);
}

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The saver runs on the built packages (a plain node starts in a third of the time) unless a
 * package's sources changed since its build: then on the sources, through tsx, as the tests do.
 */
function builtIsFresh(): boolean {
  return ['tensor', 'layers', 'losses', 'optimizers'].every((name) => {
    const pkg = join(REPO, 'packages', name);
    const built = join(pkg, 'dist', 'index.js');
    return existsSync(built) && newest(join(pkg, 'src')) <= statSync(built).mtimeMs;
  });
}

function saverChild(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const loader = builtIsFresh() ? [] : ['--conditions=source', '--import', 'tsx'];
  return spawn(process.execPath, [...loader, join(HERE, 'saver.mjs'), ...args], {
    cwd: CLI_DIR,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
}

function withSlow(env: NodeJS.ProcessEnv, mode: Mode): NodeJS.ProcessEnv {
  if (mode !== 'window') return env;
  return { ...env, NEURITE_KILL_PAUSE_MS: String(PAUSE_MS), NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --import=${SLOW}`.trim() };
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (d) => {
      text += d;
      if (text.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the saver exited (${code}) before it was ready`)));
  });
}

/** API saves: saveModelSync over an existing model, killed `kills` times. */
async function apiKills(options: { kills: number; mode: Mode; dir: string; log?: (line: string) => void }): Promise<KillReport> {
  const t0 = performance.now();
  const dir = options.dir;
  const target = join(dir, 'model');
  const made = saverChild(['refs', dir], process.env);
  await exited(made);
  if (made.exitCode !== 0) throw new Error(`the saver could not write the reference models (exit ${made.exitCode})`);
  const refs = [1, 2].map((k) => loadModelSync(join(dir, `ref-${k}`))) as [Sequential, Sequential];
  cpSync(join(dir, 'ref-1'), target, { recursive: true });
  const report: KillReport = {
    via: 'api',
    mode: options.mode,
    kills: 0,
    targetMissing: 0,
    leftovers: 0,
    loaded: [0, 0],
    failures: [],
    seconds: 0,
  };
  for (let i = 0; i < options.kills; i++) {
    const child = saverChild(['loop', target], withSlow(process.env, options.mode));
    await ready(child);
    if (options.mode === 'window') {
      if (!(await untilWindow(target, 20_000))) report.failures.push(`kill ${i}: no save reached its window`);
      await sleep(Math.random() * PAUSE_MS * 0.8);
    } else await sleep(Math.random() * 400);
    await killGroup(child);
    report.kills++;
    check(report, target, refs, i);
    options.log?.(
      `api ${options.mode} kill ${i + 1}/${options.kills}: missing ${report.targetMissing}, failures ${report.failures.length}`,
    );
  }
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

const CLI_ARGS = ['train', '--data', 'moons', '--layers', '64,32', '--iterations', '30', '--backend', 'js', '-q'];

function cliChild(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [join(CLI_DIR, 'bin', 'neurite.js'), ...args], { cwd: REPO, env, stdio: 'ignore', detached: true });
}

/** CLI saves: `neurite train --out <existing model> --overwrite`, killed `kills` times. */
async function cliKills(options: {
  kills: number;
  mode: Mode;
  dir: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): Promise<KillReport> {
  const t0 = performance.now();
  const env = { ...process.env, ...options.env, NO_COLOR: '1' };
  const dir = options.dir;
  const seeds: [number, number] = [1, 2];
  // The two models the runs save, trained uninterrupted first (deterministic: same seed, same backend).
  let runMs = 0;
  for (const seed of seeds) {
    const start = performance.now();
    const child = cliChild([...CLI_ARGS, '--seed', String(seed), '--out', join(dir, `ref-${seed}`)], env);
    await exited(child);
    if (child.exitCode !== 0) throw new Error(`the reference run (seed ${seed}) exited with ${child.exitCode}`);
    runMs = Math.max(runMs, performance.now() - start);
  }
  const refs = seeds.map((s) => loadModelSync(join(dir, `ref-${s}`))) as [Sequential, Sequential];
  const target = join(dir, 'work', 'cat-model');
  mkdirSync(dirname(target));
  cpSync(join(dir, 'ref-1'), target, { recursive: true });
  const report: KillReport = {
    via: 'cli',
    mode: options.mode,
    kills: 0,
    targetMissing: 0,
    leftovers: 0,
    loaded: [0, 0],
    failures: [],
    seconds: 0,
  };
  for (let i = 0; i < options.kills; i++) {
    const seed = seeds[i % 2];
    const child = cliChild([...CLI_ARGS, '--seed', String(seed), '--out', target, '--overwrite'], withSlow(env, options.mode));
    if (options.mode === 'window') {
      if (!(await untilWindow(target, 60_000))) report.failures.push(`kill ${i}: the run never reached its save's window`);
      await sleep(Math.random() * PAUSE_MS * 0.8);
    } else await sleep(Math.random() * runMs);
    await killGroup(child);
    report.kills++;
    check(report, target, refs, i, seeds);
    options.log?.(
      `cli ${options.mode} kill ${i + 1}/${options.kills}: missing ${report.targetMissing}, failures ${report.failures.length}`,
    );
  }
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

interface KillOptions {
  kills: number;
  mode: Mode;
  /** Where to work (default a temporary folder, removed afterwards, whatever happens). */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

async function inDir(kind: string, options: KillOptions, body: (dir: string) => Promise<KillReport>): Promise<KillReport> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), `neurite-kill-${kind}-`));
  try {
    return await body(dir);
  } finally {
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** API saves: saveModelSync over an existing model, killed `kills` times. */
export const killApiSaves = (options: KillOptions) => inDir('api', options, (dir) => apiKills({ ...options, dir }));

/** CLI saves: `neurite train --out <existing model> --overwrite`, killed `kills` times. */
export const killCliSaves = (options: KillOptions) => inDir('cli', options, (dir) => cliKills({ ...options, dir }));

function summary(r: KillReport): string {
  return `${r.via} ${r.mode}: ${r.kills} kills in ${r.seconds.toFixed(1)} s; target missing right after ${r.targetMissing}; temporary folders left by the kills ${r.leftovers}, all removed by the next load; loaded the first model ${r.loaded[0]} times, the second ${r.loaded[1]}; failures ${r.failures.length}`;
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const api = arg('--api', 100);
  const cli = arg('--cli', 100);
  const verbose = argv.includes('--verbose');
  const log = verbose ? (line: string) => console.log(line) : undefined;
  const reports: KillReport[] = [];
  // Half of each at random moments, half inside the window between the renames.
  for (const mode of ['random', 'window'] as const) {
    if (api > 0) reports.push(await killApiSaves({ kills: Math.ceil(api / 2), mode, log }));
    if (cli > 0) reports.push(await killCliSaves({ kills: Math.ceil(cli / 2), mode, log }));
  }
  for (const r of reports) {
    console.log(summary(r));
    for (const f of r.failures) console.log(`  ${f}`);
  }
  process.exitCode = reports.some((r) => r.failures.length > 0) ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
