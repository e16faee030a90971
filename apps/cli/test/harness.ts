import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI_DIR = new URL('..', import.meta.url).pathname;
export const BIN = join(CLI_DIR, 'bin', 'neurite.js');
export const REPO = join(CLI_DIR, '..', '..');

/** The course's cat files, found as the brief says: env NEURITE_DATASETS or ../shared/datasets beside the repo. */
export const DATASETS = process.env.NEURITE_DATASETS ?? join(REPO, '..', 'shared', 'datasets');
export const CAT_TRAIN = join(DATASETS, 'train_catvnoncat.h5');
export const CAT_TEST = join(DATASETS, 'test_catvnoncat.h5');
export const catsPresent = existsSync(CAT_TRAIN) && existsSync(CAT_TEST);
if (!catsPresent) console.warn(`cli tests: cat dataset tests skipped: ${CAT_TRAIN} and ${CAT_TEST} not found (set NEURITE_DATASETS)`);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The binary runs dist/ when it exists; if src/ changed since the build, the tests run the
 * sources instead, so they never pass on a stale build.
 */
const distMain = join(CLI_DIR, 'dist', 'main.js');
const stale = !existsSync(distMain) || newestMtime(join(CLI_DIR, 'src')) > statSync(distMain).mtimeMs;
export const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  NEURITE_CLI_SOURCE: process.env.NEURITE_CLI_SOURCE ?? (stale ? '1' : '0'),
  NO_COLOR: '1',
};

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function start(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...ENV, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function finish(child: ChildProcess): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function neurite(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return finish(start(args, options));
}

/** JSON lines of a --json run. */
export function events(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
