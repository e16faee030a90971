// @neurite/backend-native installed the napi-rs way: its per-platform package
// (@neurite/backend-native-<triple>, holding the .node file) is an optionalDependency that
// npm resolves from the local tarball. With it the native backend is the default on Node and
// Deno; without it (an unsupported platform, or --no-optional) everything still works on the
// js backend and exactly one line on stderr says why.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { platformTriple } from './lib/pack.mjs';
import { check, createProject, readmeExample } from './lib/project.mjs';

const BINARY = `@neurite/backend-native-${platformTriple()}`;
const DENO_FLAGS = ['--allow-read', '--allow-env', '--allow-ffi'];

// A 37x29 by 29x23 product (past the native backend's small-tensor cutoff is not needed for
// correctness: either path must give the same numbers) checked against a plain triple loop.
const SMOKE = `
import { backendInfo, Generator, matmul } from '@neurite/tensor';
const rng = new Generator(0);
const A = rng.randn([37, 29], 'float64');
const B = rng.randn([29, 23], 'float64');
const C = matmul(A, B).data;
let maxError = 0;
for (let i = 0; i < 37; i++)
  for (let j = 0; j < 23; j++) {
    let s = 0;
    for (let k = 0; k < 29; k++) s += A.data[i * 29 + k] * B.data[k * 23 + j];
    maxError = Math.max(maxError, Math.abs(s - C[i * 23 + j]));
  }
const info = backendInfo();
let from = null;
if (info.name === 'native') from = (await import('@neurite/backend-native')).nativeInfo().from;
console.log(JSON.stringify({ backend: info.name, maxError, from, failure: info.failures.native ?? null }));
`;

function parse(res) {
  const out = JSON.parse(res.stdout.trim().split('\n').at(-1));
  assert.ok(out.maxError < 1e-12, `matmul max error ${out.maxError}`);
  return out;
}

function checkNative(res) {
  const out = parse(res);
  assert.equal(out.backend, 'native', `backend ${out.backend}: ${out.failure}`);
  assert.equal(out.from, BINARY, 'the addon comes from the per-platform package');
  assert.equal(res.stderr.trim(), '', 'nothing on stderr');
}

function checkFallback(res, because) {
  const out = parse(res);
  assert.equal(out.backend, 'js');
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${res.stderr}`);
  assert.match(lines[0], /@neurite\/backend-native/);
  assert.match(lines[0], /'?js'?/);
  assert.match(lines[0], because);
  assert.match(out.failure, because, 'backendInfo().failures.native says the same');
}

describe('@neurite/backend-native', () => {
  let project;
  before(() => {
    project = createProject('native', ['@neurite/tensor', '@neurite/backend-native', BINARY]);
    project.write('smoke.mjs', SMOKE);
    project.write(
      'readme.mjs',
      readmeExample(readFileSync(new URL('../../../packages/backend-native/README.md', import.meta.url), 'utf8')),
    );
  });
  after(() => project?.remove());

  it('installs the binary package as an optionalDependency', () => {
    const lock = JSON.parse(readFileSync(project.path('package-lock.json'), 'utf8'));
    const entry = lock.packages[`node_modules/${BINARY}`];
    assert.ok(entry, `${BINARY} is installed`);
    const main = lock.packages['node_modules/@neurite/backend-native'];
    assert.ok(main.optionalDependencies?.[BINARY], 'declared optional by @neurite/backend-native');
  });

  it('is the default backend on Node', () => checkNative(check(project.node('smoke.mjs'), 'node smoke.mjs')));
  it('is the default backend on Deno with --allow-ffi', () =>
    checkNative(check(project.deno('smoke.mjs', DENO_FLAGS), 'deno run smoke.mjs')));
  it('falls back to js on Deno without --allow-ffi, saying so in one line', () =>
    checkFallback(check(project.deno('smoke.mjs', ['--allow-read', '--allow-env']), 'deno run smoke.mjs'), /--allow-ffi/));
  it('runs the README example on Node and Deno', () => {
    check(project.node('readme.mjs'), 'node readme.mjs');
    check(project.deno('readme.mjs', DENO_FLAGS), 'deno run readme.mjs');
  });

  describe('without its binary package', () => {
    before(() => rmSync(project.path('node_modules', BINARY), { recursive: true, force: true }));

    it('falls back to js on Node with one line on stderr', () =>
      checkFallback(check(project.node('smoke.mjs'), 'node smoke.mjs'), /not found/));
    it('falls back to js on Deno with one line on stderr', () =>
      checkFallback(check(project.deno('smoke.mjs', DENO_FLAGS), 'deno run smoke.mjs'), /not found/));
  });
});
