#!/usr/bin/env node
/**
 * Builds exactly what a release publishes, into release/ (or --out DIR):
 *
 *     pnpm changeset version          # versions and changelogs from .changeset/ (when releasing)
 *     pnpm release                    # build everything, every platform binary, pack every package
 *     pnpm release:publish --registry http://127.0.0.1:4873/    # publish release/ in dependency order
 *
 * Steps: `pnpm build`; the native addon for every platform of scripts/targets.mjs (cross builds
 * need their toolchains: each missing one fails with the command that installs it); each
 * binary copied into its per-platform package (packages/backend-native/npm/<platform>/, what
 * `napi artifacts` does); `pnpm pack` of every package that is not private (pnpm writes real
 * versions over workspace: ranges); then checks of the set itself, and release/index.json.
 *
 * Options:
 *   --targets all|built|<platform,...>  platforms to ship (default all; `built` = the binaries
 *                                       already in packages/backend-native/, for tests)
 *   --no-build                          pack what is built (fails if something is missing)
 *   --out DIR                           where the tarballs go (default release/)
 * A set without every platform is marked partial in index.json and said so; it is for tests,
 * not for publishing (release:publish refuses it unless given --partial).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { hostPlatform, TARGETS } from '../packages/backend-native/scripts/targets.mjs';
import { checkSet } from './release/check.mjs';
import { NATIVE_DIR, platformOf, publishable, repoRoot } from './release/set.mjs';

const args = process.argv.slice(2);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const build = !args.includes('--no-build');
const out = resolve(value('--out', join(repoRoot, 'release')));
const binary = (platform) => join(NATIVE_DIR, `neurite.${platform}.node`);

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

function run(cmd, cmdArgs, cwd = repoRoot) {
  const r = spawnSync(cmd, cmdArgs, { cwd, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) fail(`${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

const requested = value('--targets', 'all');
const platforms =
  requested === 'all'
    ? Object.keys(TARGETS)
    : requested === 'built'
      ? Object.keys(TARGETS).filter((p) => existsSync(binary(p)))
      : requested.split(',');
for (const p of platforms) if (!TARGETS[p]) fail(`unknown platform '${p}': expected ${Object.keys(TARGETS).join(', ')}, all or built`);
if (platforms.length === 0) fail('no platform binary is built: run `pnpm build` first');

if (build) {
  run('pnpm', ['build']);
  // Cargo rebuilds only what changed; --release makes a missing OpenBLAS an error.
  run(process.execPath, ['scripts/build-native.mjs', '--target', platforms.join(','), '--release'], NATIVE_DIR);
}
for (const p of platforms) {
  if (!existsSync(binary(p))) fail(`${relative(repoRoot, binary(p))} is missing: run without --no-build, or build it with --targets ${p}`);
  copyFileSync(binary(p), join(NATIVE_DIR, 'npm', p, `neurite.${p}.node`));
}

const entries = publishable().filter((e) => !platformOf(e.name) || platforms.includes(platformOf(e.name)));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const packed = [];
for (const entry of entries) {
  const before = new Set(readdirSync(out));
  execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: entry.dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const file = readdirSync(out).find((f) => f.endsWith('.tgz') && !before.has(f));
  if (!file) fail(`pnpm pack in ${relative(repoRoot, entry.dir)} wrote no tarball`);
  packed.push({ name: entry.name, version: entry.version, file, bytes: statSync(join(out, file)).size });
}

const missing = Object.keys(TARGETS).filter((p) => !platforms.includes(p));
const index = { partial: missing.length > 0, platforms, missing, host: hostPlatform(), packages: packed };
const problems = checkSet(out, index);
if (problems.length) fail(`the packed set is not publishable:\n  ${problems.join('\n  ')}`);
writeFileSync(join(out, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);

const width = Math.max(...packed.map((p) => p.name.length));
for (const p of packed)
  console.log(`  ${p.name.padEnd(width)}  ${p.version.padEnd(8)} ${(p.bytes / 1024).toFixed(0).padStart(7)} kB  ${p.file}`);
console.log(`release: ${packed.length} tarballs in ${relative(process.cwd(), out) || '.'}`);
if (missing.length) console.warn(`release: partial set, without ${missing.join(', ')}: for tests only, not for publishing`);
