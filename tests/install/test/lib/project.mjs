// A fresh project outside the repo that installs Neurite by name from the run's local
// registry, as a user would (`npm i @neurite/tensor`), and helpers to run a program in it
// under Node or Deno.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseSet, repoRoot } from './release.mjs';

export const DENO = join(repoRoot, 'node_modules/.bin/deno');
const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error'];

// Variables a developer may have set for the workspace; a fresh user has none of them.
export function cleanEnv(extra = {}) {
  const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...extra };
  for (const key of Object.keys(env)) {
    if (key.startsWith('NEURITE_') && !(key in extra)) delete env[key];
    if (key.startsWith('npm_') && key !== 'npm_config_cache' && !(key in extra)) delete env[key];
  }
  delete env.NODE_OPTIONS;
  return env;
}

export function spawn(cmd, args, cwd, env, timeout = 180_000) {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv(env), maxBuffer: 1 << 26, timeout });
  if (res.error) throw res.error;
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Fails with the process's own output, so a broken install says why. */
export function check(res, what) {
  if (res.status !== 0) throw new Error(`${what} exited ${res.status}\n--- stdout\n${res.stdout}\n--- stderr\n${res.stderr}`);
  return res;
}

/** A new empty folder of this run (removed with it), with the registry in its .npmrc. */
export function emptyProject(label) {
  const { registry } = releaseSet();
  const base = process.env.NEURITE_TEST_WORK;
  const dir = mkdtempSync(join(base, `${label}-`));
  // How a user points npm (and Deno, which reads .npmrc too) at a registry.
  writeFileSync(join(dir, '.npmrc'), `registry=${registry}\n`);
  const project = {
    dir,
    registry,
    path: (...p) => join(dir, ...p),
    write(file, text) {
      writeFileSync(join(dir, file), text);
      return file;
    },
    read: (file) => readFileSync(join(dir, file), 'utf8'),
    npm(args, what = `npm ${args.join(' ')}`) {
      return check(spawn('npm', [...args, ...NPM_FLAGS], dir), `${what} in ${dir}`);
    },
    install(names, flags = []) {
      return project.npm(['install', ...flags, ...names]);
    },
    node(file, env) {
      return spawn(process.execPath, [file], dir, env);
    },
    deno(file, flags = ['--allow-read', '--allow-env'], env) {
      return spawn(DENO, ['run', '--quiet', ...flags, file], dir, env);
    },
    spawn(cmd, args, env, timeout) {
      return spawn(cmd, args, dir, env, timeout);
    },
    remove() {
      if (!process.env.NEURITE_KEEP_INSTALL && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
  return project;
}

/**
 * A project (package.json of type module, a deno.json so Deno uses its node_modules as is)
 * with `names` installed by name: `npm install @neurite/tensor ...`.
 */
export function createProject(label, names, flags = []) {
  const project = emptyProject(label);
  project.write('package.json', `${JSON.stringify({ name: `smoke-${label}`, private: true, type: 'module' }, null, 2)}\n`);
  project.write('deno.json', `${JSON.stringify({ nodeModulesDir: 'manual', lock: false }, null, 2)}\n`);
  if (names.length) project.install(names, flags);
  return project;
}

/** The first fenced ```ts block of a package's README: its example. */
export function readmeExample(readme) {
  const m = readme.match(/```ts\n([\s\S]*?)```/);
  if (!m) throw new Error('README has no ```ts example');
  return m[1];
}
