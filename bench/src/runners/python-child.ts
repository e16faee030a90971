import { spawn } from 'node:child_process';

/** Runs `python script`, writes `input` as JSON on its stdin and resolves to the JSON it prints (or { error }). */
export function callPython<T extends { error?: string }>(python: string, script: string, input: object): Promise<T> {
  return new Promise((resolve) => {
    const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', (e) => resolve({ error: `cannot start ${python}: ${e.message}` } as T));
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        resolve({ error: `${python} ${script} exited with ${code}: ${(err || out).trim().split('\n').slice(-3).join(' / ')}` } as T);
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
