// A fresh project outside the repo with some packed tarballs installed by npm, as a user
// would have it, and helpers to run a program in it under Node or Deno.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, repoRoot } from './pack.mjs';

export const DENO = join(repoRoot, 'node_modules/.bin/deno');

// Variables a developer may have set for the workspace; a fresh user has none of them.
function cleanEnv(extra = {}) {
  const env = { ...process.env, NO_COLOR: '1', ...extra };
  for (const key of Object.keys(env)) {
    if (key.startsWith('NEURITE_') && !(key in extra)) delete env[key];
    if (key.startsWith('npm_') && key !== 'npm_config_cache') delete env[key];
  }
  delete env.NODE_OPTIONS;
  return env;
}

function spawn(cmd, args, cwd, env) {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv(env), maxBuffer: 1 << 26, timeout: 120_000 });
  if (res.error) throw res.error;
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Fails with the process's own output, so a broken install says why. */
export function check(res, what) {
  if (res.status !== 0) throw new Error(`${what} exited ${res.status}\n--- stdout\n${res.stdout}\n--- stderr\n${res.stderr}`);
  return res;
}

/**
 * Creates `neurite-install-<label>-*` in the OS temp dir and `npm install`s the tarballs of
 * `names` (plus their third-party dependencies from the registry). No workspace, no links.
 */
export function createProject(label, names) {
  const tarballs = packAll();
  const dir = mkdtempSync(join(tmpdir(), `neurite-install-${label}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `smoke-${label}`, private: true, type: 'module' }, null, 2));
  // Deno then uses this node_modules as is (and does not rewrite package.json).
  writeFileSync(join(dir, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual', lock: false }, null, 2));
  const files = names.map((n) => {
    if (!tarballs[n]) throw new Error(`no tarball for ${n}`);
    return tarballs[n];
  });
  check(
    spawn('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...files], dir),
    `npm install in ${dir}`,
  );
  return {
    dir,
    tarballs,
    path: (...p) => join(dir, ...p),
    write(file, text) {
      writeFileSync(join(dir, file), text);
      return file;
    },
    node(file, env) {
      return spawn(process.execPath, [file], dir, env);
    },
    deno(file, flags = ['--allow-read', '--allow-env'], env) {
      return spawn(DENO, ['run', '--quiet', ...flags, file], dir, { DENO_NO_UPDATE_CHECK: '1', ...env });
    },
    spawn(cmd, args, env) {
      return spawn(cmd, args, dir, env);
    },
    remove() {
      if (!process.env.NEURITE_KEEP_INSTALL && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The first fenced ```ts block of a package's README: its example. */
export function readmeExample(readme) {
  const m = readme.match(/```ts\n([\s\S]*?)```/);
  if (!m) throw new Error('README has no ```ts example');
  return m[1];
}
