// `npm i @neurite/tensor @neurite/backend-native` from the local registry: npm picks the
// per-platform binary package (@neurite/backend-native-<platform>) out of its
// optionalDependencies by os/cpu/libc, so the addon loads with no compiler, no download and
// no install script, and is the default backend on Node and Deno. Installed without optional
// dependencies, everything still works on js, and one short line says what is missing and the
// command that fixes it; running that command brings native back.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { check, createProject, readmeExample } from './lib/project.mjs';
import { platformTriple, releaseSet } from './lib/release.mjs';
import { SMOKE } from './lib/smoke.mjs';

const BINARY = `@neurite/backend-native-${platformTriple()}`;
const DENO_FLAGS = ['--allow-read', '--allow-env', '--allow-ffi'];
// Only Node's own folder on PATH: no cc, no cargo, no python, nothing to build or fetch with.
const BARE = { PATH: dirname(process.execPath) };

function parse(res) {
  const out = JSON.parse(res.stdout.trim().split('\n').at(-1));
  assert.ok(out.maxError < 1e-12, `matmul max error ${out.maxError}`);
  return out;
}

function checkNative(res) {
  const out = parse(res);
  assert.equal(out.backend, 'native', `backend ${out.backend}: ${out.failure}`);
  assert.equal(out.from, BINARY, 'the addon comes from the per-platform package');
  assert.ok(out.gemm.includes('openblas') || platformTriple().endsWith('musl'), `GEMM providers ${out.gemm}`);
  assert.equal(res.stderr.trim(), '', 'nothing on stderr');
}

/** One line on stderr, short, naming what is missing and a command that works outside a checkout. */
function checkFallback(res, because) {
  const out = parse(res);
  assert.equal(out.backend, 'js');
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${res.stderr}`);
  const [line] = lines;
  assert.match(line, /^neurite: using js, native did not load: /);
  assert.match(line, because);
  assert.ok(line.length <= 160, `${line.length} characters: ${line}`);
  assert.doesNotMatch(line, /native\/node|pnpm --filter|\/work\//, 'no checkout-only path or command');
  assert.ok(line.endsWith(out.failure), 'backendInfo().failures.native says the same');
  return line;
}

describe('@neurite/backend-native from the registry', () => {
  let project;
  before(() => {
    project = createProject('native', ['@neurite/tensor', '@neurite/backend-native']);
    project.write('smoke.mjs', SMOKE);
    project.write(
      'readme.mjs',
      readmeExample(readFileSync(new URL('../../../packages/backend-native/README.md', import.meta.url), 'utf8')),
    );
  });
  after(() => project?.remove());

  it('brings its platform binary as an optional dependency, with no install script anywhere', () => {
    const lock = JSON.parse(project.read('package-lock.json'));
    const entry = lock.packages[`node_modules/${BINARY}`];
    assert.ok(entry, `${BINARY} is installed`);
    assert.equal(entry.optional, true);
    assert.ok(lock.packages['node_modules/@neurite/backend-native'].optionalDependencies?.[BINARY]);
    const scripts = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript);
    assert.deepEqual(scripts, [], 'no package runs an install script');
    // The others are listed too, and npm skipped them on this machine.
    const { index } = releaseSet();
    for (const p of index.platforms.filter((p) => p !== platformTriple())) {
      assert.ok(!existsSync(project.path('node_modules/@neurite', `backend-native-${p}`)), `${p} is not installed here`);
    }
  });

  it('is the default backend on Node, with nothing but node on PATH', () =>
    checkNative(check(project.node('smoke.mjs', BARE), 'node smoke.mjs')));
  it('is the default backend on Deno with --allow-ffi', () =>
    checkNative(check(project.deno('smoke.mjs', DENO_FLAGS, BARE), 'deno run smoke.mjs')));
  it('falls back to js on Deno without --allow-ffi, naming the flag in one line', () =>
    checkFallback(check(project.deno('smoke.mjs', ['--allow-read', '--allow-env']), 'deno run smoke.mjs'), /--allow-ffi/));
  it('runs the README example on Node and Deno', () => {
    check(project.node('readme.mjs'), 'node readme.mjs');
    check(project.deno('readme.mjs', DENO_FLAGS), 'deno run readme.mjs');
  });
});

describe('@neurite/backend-native installed without optional dependencies', () => {
  let project;
  before(() => {
    project = createProject('native-omit', ['@neurite/tensor', '@neurite/backend-native'], ['--omit=optional']);
    project.write('smoke.mjs', SMOKE);
  });
  after(() => project?.remove());

  const missing = new RegExp(`${BINARY} is not installed; run npm i ${BINARY}@\\S+$`);

  it('runs on js with one short line saying what is missing and the command that fixes it', () =>
    checkFallback(check(project.node('smoke.mjs'), 'node smoke.mjs'), missing));
  it('says the same on Deno', () => checkFallback(check(project.deno('smoke.mjs', DENO_FLAGS), 'deno run smoke.mjs'), missing));

  it('the command it gives brings native back', () => {
    const line = project.node('smoke.mjs').stderr.trim();
    const { version } = releaseSet().index.packages.find((p) => p.name === BINARY);
    const fix = line.match(/run (npm i \S+)$/)?.[1];
    assert.equal(fix, `npm i ${BINARY}@${version}`);
    project.install(fix.split(' ').slice(2));
    checkNative(check(project.node('smoke.mjs'), 'node smoke.mjs after the fix'));
  });
});
