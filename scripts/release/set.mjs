/**
 * The release set: every workspace package that is not private, as pnpm would publish it.
 * Shared by scripts/release.mjs (which builds and packs it), scripts/release/publish.mjs and
 * the install tests (tests/install), so all three agree on what a release is.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
export const NATIVE_DIR = join(repoRoot, 'packages/backend-native');
export const PLATFORM_PREFIX = '@neurite/backend-native-';

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** { name, version, dir, manifest } of every publishable workspace package. */
export function publishable() {
  const out = execFileSync('pnpm', ['ls', '-r', '--depth', '-1', '--json'], { cwd: repoRoot, encoding: 'utf8' });
  return JSON.parse(out)
    .filter((p) => !p.private && p.name)
    .map((p) => ({ name: p.name, version: p.version, dir: p.path, manifest: readJson(join(p.path, 'package.json')) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The platform name of a per-platform binary package (linux-x64-gnu), or null. */
export function platformOf(name) {
  return name.startsWith(PLATFORM_PREFIX) ? name.slice(PLATFORM_PREFIX.length) : null;
}

/**
 * Packages in the order they can be published: each after every release package it depends
 * on (the per-platform binaries before @neurite/backend-native, tensor before layers).
 */
export function publishOrder(entries) {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const done = new Set();
  const order = [];
  const visit = (entry, path = []) => {
    if (done.has(entry.name)) return;
    if (path.includes(entry.name)) throw new Error(`dependency cycle: ${[...path, entry.name].join(' -> ')}`);
    const m = entry.manifest;
    for (const dep of Object.keys({ ...m.dependencies, ...m.peerDependencies, ...m.optionalDependencies })) {
      const next = byName.get(dep);
      if (next) visit(next, [...path, entry.name]);
    }
    done.add(entry.name);
    order.push(entry);
  };
  for (const entry of entries) visit(entry);
  return order;
}
