// `npm i @neurite/tensor @neurite/datasets` from the local registry (its third-party
// dependencies proxied from the npm registry).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { check, createProject, readmeExample } from './lib/project.mjs';

// planarFlower's first and last columns are numpy's (shared/reference: planar_X.npy, seed 1);
// the CSV's values are written out below, so the expected X and Y are read off the text.
const SMOKE = `
import { parseCsv, planarFlower } from '@neurite/datasets';
import { loadCsv } from '@neurite/datasets/node';
import { writeFileSync } from 'node:fs';

const { X, Y } = planarFlower({ dtype: 'float64' });
const x = X.data;
const csv = 'x1,x2,species\\n0.5,1.5,setosa\\n-2,3,virginica\\n4,-0.25,setosa\\n';
const parsed = parseCsv(csv, { label: 'species' });
writeFileSync('data.csv', csv);
const loaded = await loadCsv('data.csv', { label: 'species', oneHot: true });
console.log(JSON.stringify({
  flower: { shape: [X.shape, Y.shape], first: [x[0], x[400]], last: [x[399], x[799]], ones: Array.from(Y.data).filter((v) => v === 1).length },
  csv: { shape: parsed.X.shape, X: Array.from(parsed.X.data), Y: Array.from(parsed.Y.data), classes: parsed.classes },
  file: { X: Array.from(loaded.X.data), Y: Array.from(loaded.Y.data), shape: loaded.Y.shape },
}));
`;

function checkSmoke(res) {
  const out = JSON.parse(res.stdout.trim().split('\n').at(-1));
  assert.deepEqual(out.flower.shape, [
    [2, 400],
    [1, 400],
  ]);
  assert.deepEqual(out.flower.first, [1.204442292254319, 3.5761141481288448]);
  assert.ok(Math.abs(out.flower.last[0] - 0.73078083) < 1e-8 && Math.abs(out.flower.last[1] - 3.06832921) < 1e-8, `${out.flower.last}`);
  assert.equal(out.flower.ones, 200);
  // X is (n_x, m): row 0 holds x1 of every example, row 1 holds x2.
  assert.deepEqual(out.csv.shape, [2, 3]);
  assert.deepEqual(out.csv.X, [0.5, -2, 4, 1.5, 3, -0.25]);
  assert.deepEqual(out.csv.classes, ['setosa', 'virginica']);
  assert.deepEqual(out.csv.Y, [0, 1, 0]);
  assert.deepEqual(out.file.X, out.csv.X);
  assert.deepEqual(out.file.shape, [2, 3]);
  assert.deepEqual(out.file.Y, [1, 0, 1, 0, 1, 0]);
}

// HDF5 is an optional peer: without h5wasm the HDF5 call names it; with it, the cat file loads.
const CATS = new URL('../../../../shared/datasets/train_catvnoncat.h5', import.meta.url).pathname;
const HDF5 = `
import { readHdf5 } from '@neurite/datasets/node';
try {
  const X = await readHdf5(${JSON.stringify(CATS)}, 'train_set_x');
  console.log(JSON.stringify({ shape: X.shape, first: Array.from(X.data.slice(0, 3)) }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, packageName: error.packageName, message: error.message }));
}
`;

describe('@neurite/datasets', () => {
  let project;
  before(() => {
    project = createProject('datasets', ['@neurite/tensor', '@neurite/datasets']);
    project.write('smoke.mjs', SMOKE);
    project.write('readme.mjs', readmeExample(readFileSync(new URL('../../../packages/datasets/README.md', import.meta.url), 'utf8')));
  });
  after(() => project?.remove());

  it('loads planarFlower and parses CSV on Node', () => checkSmoke(check(project.node('smoke.mjs'), 'node smoke.mjs')));
  it('loads planarFlower and parses CSV on Deno', () =>
    checkSmoke(check(project.deno('smoke.mjs', ['--allow-read', '--allow-write', '--allow-env']), 'deno run smoke.mjs')));
  it('installs without h5wasm; HDF5 then names the package to install, and works once it is there', () => {
    assert.equal(existsSync(project.path('node_modules/h5wasm')), false, 'h5wasm was installed though it is an optional peer');
    project.write('hdf5.mjs', HDF5);
    const without = JSON.parse(check(project.node('hdf5.mjs'), 'node hdf5.mjs').stdout.trim().split('\n').at(-1));
    assert.equal(without.error, 'MissingDependencyError', JSON.stringify(without));
    assert.equal(without.packageName, 'h5wasm');
    assert.match(without.message, /npm install h5wasm/);
    project.install(['h5wasm']);
    const withIt = JSON.parse(check(project.node('hdf5.mjs'), 'node hdf5.mjs').stdout.trim().split('\n').at(-1));
    // train_set_x is (209, 64, 64, 3) uint8; its first pixel is (17, 31, 56) (h5py reads the same).
    assert.deepEqual(withIt.shape, [209, 64, 64, 3], JSON.stringify(withIt));
    assert.deepEqual(withIt.first, [17, 31, 56]);
  });

  it('runs the README example on Node and Deno', () => {
    check(project.node('readme.mjs'), 'node readme.mjs');
    check(project.deno('readme.mjs'), 'deno run readme.mjs');
  });
});
