// `npm i @neurite/tensor` alone, from the local registry: no dependencies; the README example
// and a smoke program on Node and on Deno (bare and npm: specifiers).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { check, createProject, readmeExample } from './lib/project.mjs';

// Expected values derived by hand: sigmoid(1·1 + 2·3 + 1.5) = sigmoid(8.5) = 0.99979657;
// column sums of [[1,-2,-1],[3,0.5,-3.2]] along axis 1 = -2, 0.3; J = 3(a + bc) has
// dJ/da = 3, dJ/db = 3c = 6, dJ/dc = 3b = 9; numpy's seed-1 randn starts 1.62434536.
const SMOKE = `
import { backendInfo, Generator, grad, matmul, scalar, sigmoid, sum, tensor } from '@neurite/tensor';
const X = tensor([[1, -2, -1], [3, 0.5, -3.2]], 'float64');
const A = sigmoid(matmul(tensor([[1], [2]], 'float64'), X, { transA: true }).add(1.5));
const [da, db, dc] = grad((a, b, c) => a.add(b.mul(c)).mul(3))(scalar(5), scalar(3), scalar(2));
console.log(JSON.stringify({
  A: Array.from(A.data),
  sums: Array.from(sum(X, 1, true).data),
  grads: [da.item(), db.item(), dc.item()],
  randn: new Generator(1).randn([1, 2], 'float64').data[0],
  backend: backendInfo().name,
}));
`;

function checkSmoke(res) {
  const out = JSON.parse(res.stdout.trim().split('\n').at(-1));
  assert.ok(Math.abs(out.A[0] - 1 / (1 + Math.exp(-8.5))) < 1e-12, `A[0] = ${out.A[0]}`);
  assert.ok(Math.abs(out.sums[0] + 2) < 1e-12 && Math.abs(out.sums[1] - 0.3) < 1e-12, `sums ${out.sums}`);
  assert.deepEqual(out.grads, [3, 6, 9]);
  assert.equal(out.randn.toFixed(8), '1.62434536');
  assert.equal(out.backend, 'js');
  assert.equal(res.stderr.trim(), '', 'nothing on stderr');
}

function checkReadme(res) {
  assert.match(res.stdout, /tensor\(\[\[0\.99979657, 0\.62245935, 0\.00273196\]\], dtype=float32\)/);
  assert.match(res.stdout, /1\.62434536, -0\.61175641, -0\.52817175/);
  assert.match(res.stdout, /^3 6 9$/m);
  assert.equal(res.stderr.trim(), '', 'nothing on stderr');
}

describe('@neurite/tensor alone', () => {
  let project;
  before(() => {
    project = createProject('tensor', ['@neurite/tensor']);
    project.write('smoke.mjs', SMOKE);
    project.write('readme.mjs', readmeExample(readFileSync(new URL('../../../packages/tensor/README.md', import.meta.url), 'utf8')));
    project.write('npm-specifier.ts', SMOKE.replace("from '@neurite/tensor'", "from 'npm:@neurite/tensor'"));
  });
  after(() => project?.remove());

  it('installs with no dependencies', () => {
    assert.deepEqual(
      readdirSync(project.path('node_modules')).filter((d) => !d.startsWith('.')),
      ['@neurite'],
    );
    assert.deepEqual(readdirSync(project.path('node_modules/@neurite')), ['tensor']);
  });

  it('runs the smoke program on Node', () => checkSmoke(check(project.node('smoke.mjs'), 'node smoke.mjs')));
  it('runs the README example on Node', () => checkReadme(check(project.node('readme.mjs'), 'node readme.mjs')));
  it('runs the smoke program on Deno', () => checkSmoke(check(project.deno('smoke.mjs'), 'deno run smoke.mjs')));
  it('runs the README example on Deno', () => checkReadme(check(project.deno('readme.mjs'), 'deno run readme.mjs')));
  it('runs the README example on Deno with no permissions at all', () =>
    checkReadme(check(project.deno('readme.mjs', []), 'deno run readme.mjs (no flags)')));
  it('resolves npm:@neurite/tensor from node_modules on Deno', () =>
    checkSmoke(check(project.deno('npm-specifier.ts'), 'deno run npm-specifier.ts')));
});
