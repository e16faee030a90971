#!/usr/bin/env node
/**
 * The install size and dependency count of each package as a user gets it: the release set is
 * published to a local Verdaccio (test/lib/session.mjs), and each row is a fresh
 * `npm install <names>` into an empty folder from that registry (everything not @neurite/* is
 * proxied from npm, so @tensorflow/tfjs is measured the same way). Prints the README's
 * markdown table.
 *
 *     pnpm build && pnpm --filter @neurite/install-tests sizes [--json FILE]
 *
 * Size: the bytes of every file npm wrote under node_modules (symlinks not followed), in MB of
 * 10^6 bytes. Packages: the package-lock.json entries npm installed, the named packages
 * included. npm installs peer dependencies, and
 * optional ones only where their os/cpu/libc match this machine, so @neurite/backend-native
 * brings @neurite/tensor and one platform binary (linux-x64-gnu here).
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSession } from './test/lib/session.mjs';

export const ROWS = [
  ['@neurite/tensor'],
  ['@neurite/losses'],
  ['@neurite/optimizers'],
  ['@neurite/layers'],
  ['@neurite/datasets'],
  ['@neurite/backend-native'],
  ['@neurite/backend-wasm'],
  ['@neurite/tensor', '@neurite/layers', '@neurite/losses', '@neurite/optimizers', '@neurite/datasets'],
  ['@neurite/cli'],
  ['@tensorflow/tfjs'],
];

/** Bytes of the files under `dir`, walking folders, not following symlinks. */
export function treeBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(full);
    else if (entry.isFile()) total += lstatSync(full).size;
  }
  return total;
}

/**
 * The packages npm installed: its lockfile's entries (the root project's own excluded) that
 * are on disk. The lockfile also records the optional packages of other platforms (the other
 * binary packages), which npm leaves out.
 */
export function lockPackages(dir) {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  return Object.keys(lock.packages).filter((p) => p !== '' && existsSync(join(dir, p, 'package.json')));
}

/** Asynchronous: the registry is served by this very process, so npm must not block it. */
function npmInstall(dir, names, env) {
  return new Promise((ok) => {
    const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...names], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => ok({ status, stderr }));
  });
}

async function measure(session, names) {
  const dir = mkdtempSync(join(session.work, 'size-'));
  writeFileSync(join(dir, '.npmrc'), `registry=${session.registry}\n`);
  writeFileSync(join(dir, 'package.json'), '{ "name": "size", "private": true, "type": "module" }\n');
  const npm = await npmInstall(dir, names, { ...process.env, ...session.env });
  if (npm.status !== 0) throw new Error(`npm install ${names.join(' ')} failed:\n${npm.stderr}`);
  const packages = lockPackages(dir);
  const list = packages.map((p) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
  return { names, packages: packages.length, bytes: treeBytes(join(dir, 'node_modules')), list };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const session = await startSession();
  const rows = [];
  try {
    for (const names of ROWS) {
      const row = await measure(session, names);
      rows.push(row);
      console.error(`${names.join(' ')}: ${row.packages} packages, ${(row.bytes / 1e6).toFixed(2)} MB`);
    }
  } finally {
    await session.close();
  }
  if (args.includes('--json')) writeFileSync(args[args.indexOf('--json') + 1], `${JSON.stringify(rows, null, 2)}\n`);
  const mb = (b) => (b / 1e6).toFixed(b >= 100e6 ? 0 : b >= 10e6 ? 1 : 2);
  console.log('| `npm i`                                  | packages | install size |');
  console.log('| ---------------------------------------- | -------: | -----------: |');
  for (const r of rows) console.log(`| ${r.names.map((n) => `\`${n}\``).join(' ')} | ${r.packages} | ${mb(r.bytes)} MB |`);
}
