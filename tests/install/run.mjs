#!/usr/bin/env node
// The install tests' entry (pnpm test:e2e [test files]). As a release would:
//   1. scripts/release.mjs packs the release set from what `pnpm build` left (every platform
//      binary that is built; the set is marked partial when some are not);
//   2. a Verdaccio on 127.0.0.1 (a port the OS picks) gets it published, in dependency order;
//   3. `node --test` runs the test files, which install from that registry by name, in fresh
//      folders outside the repo, as users do.
// The registry lives in this process (the tests block on npm in theirs); it and every
// temporary folder are removed at the end. Output: node's TAP, ending in `# pass N`/`# fail N`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishSet } from '../../scripts/release/publish.mjs';
import { startRegistry } from './test/lib/registry.mjs';
import { assertBuilt, repoRoot } from './test/lib/release.mjs';

const tests = new URL('test/', import.meta.url).pathname;
// Named files, or every test/*.test.mjs (not a bare folder: node would also run test/lib/*).
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(tests)
      .filter((f) => f.endsWith('.test.mjs'))
      .sort()
      .map((f) => join(tests, f));

function removeStale() {
  const hour = 60 * 60 * 1000;
  for (const d of readdirSync(tmpdir())) {
    if (!d.startsWith('neurite-install-')) continue;
    const full = join(tmpdir(), d);
    try {
      if (Date.now() - statSync(full).mtimeMs > 3 * hour) rmSync(full, { recursive: true, force: true });
    } catch {}
  }
}

assertBuilt();
removeStale();
const work = mkdtempSync(join(tmpdir(), 'neurite-install-run-'));
const release = join(work, 'release');
const cleanup = () => {
  if (!process.env.NEURITE_KEEP_INSTALL) rmSync(work, { recursive: true, force: true });
};
const packed = spawnSync(process.execPath, [join(repoRoot, 'scripts/release.mjs'), '--no-build', '--targets', 'built', '--out', release], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (packed.status !== 0) {
  cleanup();
  console.log('not ok 1 - the release set could not be built (see above)\n# pass 0\n# fail 1');
  process.exit(1);
}

let registry;
let status = 1;
try {
  registry = await startRegistry();
  await publishSet({ dir: release, registry: registry.url, userconfig: registry.userconfig, partial: true, log: () => {} });
  console.log(`# registry ${registry.url} with the release set of ${release}`);
  const args = ['--test', '--test-concurrency=1', ...files];
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      NEURITE_TEST_REGISTRY: registry.url,
      NEURITE_TEST_RELEASE: release,
      NEURITE_TEST_WORK: work,
      // One npm cache for the run, so nothing is taken from a developer's cache.
      npm_config_cache: join(work, 'npm-cache'),
    },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  status = await new Promise((ok) => child.on('close', (code) => ok(code ?? 1)));
} catch (error) {
  console.log(`not ok 1 - the local registry could not be set up: ${error.message.split('\n').join(' ')}\n# pass 0\n# fail 1`);
} finally {
  await registry?.close();
  cleanup();
}
process.exit(status);
