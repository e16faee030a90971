// One run of the registry flow, shared by run.mjs (the tests) and sizes.mjs (the README's
// size table): scripts/release.mjs packs the release set from what `pnpm build` left (every
// platform binary that is built; the set is marked partial when some are not), a Verdaccio on
// 127.0.0.1 gets it published in dependency order, and the caller installs from it by name.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishSet } from '../../../../scripts/release/publish.mjs';
import { startRegistry } from './registry.mjs';
import { assertBuilt, repoRoot } from './release.mjs';

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

/**
 * Resolves to { work, release, registry, env, close() }: `env` is what a test process needs
 * (NEURITE_TEST_REGISTRY, NEURITE_TEST_RELEASE, NEURITE_TEST_WORK, a fresh npm cache).
 * Throws with the reason when the set cannot be packed or published.
 */
export async function startSession() {
  assertBuilt();
  removeStale();
  const work = mkdtempSync(join(tmpdir(), 'neurite-install-run-'));
  const release = join(work, 'release');
  let registry;
  const close = async () => {
    await registry?.close();
    if (!process.env.NEURITE_KEEP_INSTALL) rmSync(work, { recursive: true, force: true });
  };
  try {
    const args = [join(repoRoot, 'scripts/release.mjs'), '--no-build', '--targets', 'built', '--out', release];
    const packed = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (packed.status !== 0) throw new Error('the release set could not be built (see above)');
    registry = await startRegistry();
    await publishSet({ dir: release, registry: registry.url, userconfig: registry.userconfig, partial: true, log: () => {} });
  } catch (error) {
    await close();
    throw error;
  }
  const env = {
    NEURITE_TEST_REGISTRY: registry.url,
    NEURITE_TEST_RELEASE: release,
    NEURITE_TEST_WORK: work,
    // One npm cache for the run, so nothing is taken from a developer's cache.
    npm_config_cache: join(work, 'npm-cache'),
  };
  return { work, release, registry: registry.url, env, close };
}
