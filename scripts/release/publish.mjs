#!/usr/bin/env node
/**
 * Publishes a release set built by scripts/release.mjs, tarball by tarball, in dependency
 * order (per-platform binaries before @neurite/backend-native, tensor before layers), so that
 * no published package ever points at one that is not there yet.
 *
 *     pnpm release:publish --registry http://127.0.0.1:4873/ [--dir release] [--partial] [--userconfig FILE]
 *
 * npm publishes the tarballs as they are: nothing is rebuilt or re-packed between the checks
 * of release.mjs and the registry. Auth comes from npm's config for that registry (npm login,
 * or --userconfig). A partial set (not every platform) is refused unless --partial.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manifestOf } from './check.mjs';
import { publishOrder, readJson, repoRoot } from './set.mjs';

export async function publishSet({ dir, registry, userconfig, partial = false, log = console.log }) {
  const indexFile = join(dir, 'index.json');
  if (!existsSync(indexFile)) throw new Error(`${indexFile} not found: run \`pnpm release\` first`);
  const index = readJson(indexFile);
  if (index.partial && !partial) {
    throw new Error(`${dir} lacks the binaries for ${index.missing.join(', ')}; build them (pnpm release) or pass --partial`);
  }
  const entries = index.packages.map((p) => ({ ...p, manifest: manifestOf(join(dir, p.file)) }));
  for (const entry of publishOrder(entries)) {
    const args = ['publish', join(dir, entry.file), '--registry', registry, '--access', 'public', '--loglevel=error'];
    if (userconfig) args.push('--userconfig', userconfig);
    // Asynchronous: the registry may be served by this very process (the install tests).
    const r = await npm(args, dir);
    if (r.status !== 0) throw new Error(`npm publish ${entry.file} failed (exit ${r.status}):\n${r.output}`);
    log(`published ${entry.name}@${entry.version}`);
  }
  return entries.map((e) => e.name);
}

function npm(args, cwd) {
  return new Promise((ok) => {
    const child = spawn('npm', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (status) => ok({ status, output }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const value = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const registry = value('--registry');
  if (!registry) {
    console.error('release:publish: --registry URL is required (a local Verdaccio, or https://registry.npmjs.org/ for a real release)');
    process.exit(1);
  }
  try {
    await publishSet({
      dir: resolve(value('--dir') ?? join(repoRoot, 'release')),
      registry,
      userconfig: value('--userconfig'),
      partial: args.includes('--partial'),
    });
  } catch (error) {
    console.error(`release:publish: ${error.message}`);
    process.exit(1);
  }
}
