#!/usr/bin/env node
// The `neurite` command. Runs the built CLI (dist/) when there is one; in a workspace
// checkout without a build, runs the TypeScript sources through tsx with the `source`
// export condition, so `pnpm neurite ...` works before and after `pnpm build`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/main.js', import.meta.url);
const fromSource = process.env.NEURITE_CLI_SOURCE === '1' || !existsSync(dist);

if (!fromSource) {
  await import(dist.href);
} else {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, NEURITE_CLI_SOURCE: '1' },
  });
  // A terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on,
  // so the child can save its checkpoint. Either way this process waits for the child.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => {
    // A child killed by a signal exits as the shell reports it: 128 + the signal's number.
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1);
  });
  child.on('error', (error) => {
    console.error(`neurite: cannot start the TypeScript sources (${error.message}); run 'pnpm build' first`);
    process.exitCode = 1;
  });
}
