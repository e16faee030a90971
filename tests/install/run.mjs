#!/usr/bin/env node
// The install tests' entry (pnpm test:e2e [test files]). As a release would: the release set
// is packed and published to a local Verdaccio (test/lib/session.mjs), then `node --test`
// runs the test files, which install from that registry by name, in fresh folders outside the
// repo, as users do. The registry lives in this process (the tests block on npm in theirs);
// it and every temporary folder are removed at the end. Output: node's TAP, ending in
// `# pass N`/`# fail N`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSession } from './test/lib/session.mjs';

const tests = new URL('test/', import.meta.url).pathname;
// Named files, or every test/*.test.mjs (not a bare folder: node would also run test/lib/*).
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(tests)
      .filter((f) => f.endsWith('.test.mjs'))
      .sort()
      .map((f) => join(tests, f));

let session;
try {
  session = await startSession();
} catch (error) {
  console.log(
    `not ok 1 - the release set could not be published to a local registry: ${error.message.split('\n').join(' ')}\n# pass 0\n# fail 1`,
  );
  process.exit(1);
}
let status = 1;
try {
  console.log(`# registry ${session.registry} with the release set of ${session.release}`);
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env: { ...process.env, ...session.env },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  status = await new Promise((ok) => child.on('close', (code) => ok(code ?? 1)));
} finally {
  await session.close();
}
process.exit(status);
