import { spawnSync } from 'node:child_process';

/** Whether python3 with numpy is available for reference values. */
export const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

/** Runs a python3 snippet that prints JSON on its last line, and parses it. */
export function python<T>(code: string): T {
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
