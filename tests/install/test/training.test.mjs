// The libraries together, `npm i @neurite/tensor @neurite/layers @neurite/losses
// @neurite/optimizers @neurite/datasets` from the local registry: a small network trains
// (cost goes down, the toy set is learned) on Node and Deno, and the READMEs' examples run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { check, createProject, readmeExample } from './lib/project.mjs';

// XOR of the signs of two normal features: not linearly separable, so only a network whose
// hidden layer trains can fit it. The cost is measured by @neurite/losses independently of
// the model's own bookkeeping, and the accuracy is counted here from predict().
const TRAIN = `
import { Dense, Sequential } from '@neurite/layers';
import { binaryCrossEntropyValue } from '@neurite/losses';
import { Adam } from '@neurite/optimizers';
import { Generator, tensor } from '@neurite/tensor';

const m = 200;
const X = new Generator(3).randn([2, m], 'float64');
const x = X.data;
const labels = Array.from({ length: m }, (_, j) => (x[j] * x[m + j] > 0 ? 1 : 0));
const Y = tensor([labels], 'float64');
const model = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 1 })
  .add(new Dense(8, { activation: 'tanh' }))
  .add(new Dense(1, { activation: 'sigmoid' }));
model.build();
const before = binaryCrossEntropyValue(model.predictProba(X), Y);
model.fit(X, Y, { loss: 'binaryCrossEntropy', optimizer: new Adam(0.05), iterations: 1500 });
const after = binaryCrossEntropyValue(model.predictProba(X), Y);
const predicted = model.predict(X).data;
const accuracy = labels.filter((y, j) => predicted[j] === y).length / m;
console.log(JSON.stringify({ before, after, accuracy, positives: labels.filter(Boolean).length }));
`;

function checkTraining(res) {
  const out = JSON.parse(res.stdout.trim().split('\n').at(-1));
  // An untrained sigmoid output sits near 0.5 on every example: cost near ln 2.
  assert.ok(Math.abs(out.before - Math.LN2) < 0.15, `initial cost ${out.before} should be near ln 2`);
  assert.ok(out.after < out.before / 10, `cost went from ${out.before} to ${out.after}`);
  // Both classes are well represented, so a constant guess would score near 0.5.
  assert.ok(out.positives > 70 && out.positives < 130, `${out.positives} positives`);
  assert.ok(out.accuracy >= 0.95, `accuracy ${out.accuracy}`);
  assert.equal(res.stderr.trim(), '', 'nothing on stderr');
}

const readme = (pkg) => readmeExample(readFileSync(new URL(`../../../packages/${pkg}/README.md`, import.meta.url), 'utf8'));

describe('the libraries together: tensor, layers, losses, optimizers, datasets', () => {
  let project;
  before(() => {
    project = createProject('libraries', [
      '@neurite/tensor',
      '@neurite/layers',
      '@neurite/losses',
      '@neurite/optimizers',
      '@neurite/datasets',
    ]);
    project.write('train.mjs', TRAIN);
    for (const pkg of ['layers', 'losses', 'optimizers']) project.write(`readme-${pkg}.mjs`, readme(pkg));
  });
  after(() => project?.remove());

  it('trains a small network on Node', () => checkTraining(check(project.node('train.mjs'), 'node train.mjs')));
  it('trains a small network on Deno', () => checkTraining(check(project.deno('train.mjs'), 'deno run train.mjs')));

  for (const pkg of ['losses', 'optimizers']) {
    it(`runs the @neurite/${pkg} README example on Node and Deno`, () => {
      check(project.node(`readme-${pkg}.mjs`), `node readme-${pkg}.mjs`);
      check(project.deno(`readme-${pkg}.mjs`), `deno run readme-${pkg}.mjs`);
    });
  }

  // The layers README trains on the planar flower of @neurite/datasets.
  it('runs the @neurite/layers README example on Node and Deno', () => {
    for (const res of [
      check(project.node('readme-layers.mjs'), 'node readme-layers.mjs'),
      check(project.deno('readme-layers.mjs'), 'deno run readme-layers.mjs'),
    ]) {
      // The course notebook's numbers (shared/reference/README.md).
      assert.match(res.stdout, /Cost after iteration 0: 0\.693048/);
      assert.match(res.stdout, /Cost after iteration 1000: 0\.288083/);
    }
  });
});
