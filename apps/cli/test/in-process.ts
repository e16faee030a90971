import { run } from '../src/cli.ts';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process, with stdout and stderr captured: faster than spawning it. */
export async function inProcess(argv: string[]): Promise<Outcome> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof out;
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof err;
  try {
    return { code: await run(argv), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
