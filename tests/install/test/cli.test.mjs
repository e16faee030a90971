// The `neurite` command as users get it from the registry: `npx @neurite/cli train` in an
// empty folder, and `neurite` on PATH after `npm i -g @neurite/cli`. The CLI depends on
// @neurite/backend-native, so it trains on the native backend out of the box.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { check, emptyProject } from './lib/project.mjs';
import { platformTriple } from './lib/release.mjs';

// The course's week-3 planar model (shared/reference/README.md): these costs and this accuracy.
function checkTraining(res) {
  assert.match(res.stdout, /backend native/);
  assert.match(res.stdout, /^Cost after iteration 0: 0\.693048$/m);
  assert.match(res.stdout, /^Cost after iteration 1000: 0\.288083$/m);
  assert.match(res.stdout, /^Cost after iteration 6000: 0\.219731$/m);
  // Past about iteration 7000 the dynamics at learning rate 1.2 are chaotic: a last-bit
  // difference between BLAS kernels (each CPU gets its own) grows until runs of the course's
  // own code disagree in the 4th decimal (shared/reference/README.md). So 9000 is only held
  // near the published 0.218541, and the accuracy to the course's 90%.
  const last = Number(res.stdout.match(/^Cost after iteration 9000: (\d\.\d+)$/m)?.[1]);
  assert.ok(Math.abs(last - 0.218541) < 1e-3, `cost after iteration 9000: ${last}, published 0.218541`);
  const accuracy = Number(res.stdout.match(/^Accuracy: ([\d.]+)% \(\d+\/400\)$/m)?.[1]);
  assert.equal(Math.trunc(accuracy), 90, `accuracy ${accuracy}%`);
  assert.equal(res.stderr.trim(), '', 'nothing on stderr');
}

describe('@neurite/cli from the registry', () => {
  let project;
  before(() => {
    project = emptyProject('cli');
  });
  after(() => project?.remove());

  it('npx @neurite/cli train trains the course planar model on native', () => {
    // --yes: npx would otherwise ask before installing (there is no terminal here).
    checkTraining(check(project.spawn('npx', ['--yes', '@neurite/cli', 'train'], {}, 300_000), 'npx @neurite/cli train'));
  });

  it('npm i -g puts `neurite` on PATH; info names the platforms that get native', () => {
    const prefix = project.path('global');
    // A global install reads no project .npmrc: the registry is given as a user would.
    project.npm(['install', '--global', '--prefix', prefix, '--registry', project.registry, '@neurite/cli']);
    const bin = join(prefix, 'bin');
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const info = check(project.spawn('neurite', ['info', '--json'], env), 'neurite info --json');
    const report = JSON.parse(info.stdout);
    assert.equal(report.backend.active, 'native', JSON.stringify(report.backend));
    assert.equal(report.platform.name, platformTriple());
    assert.equal(report.platform.native, true);
    assert.deepEqual(Object.keys(report.platform.prebuilt).sort(), ['linux-arm64-gnu', 'linux-x64-gnu', 'linux-x64-musl']);
    const text = check(project.spawn('neurite', ['info'], env), 'neurite info').stdout;
    assert.match(text, new RegExp(`${platformTriple()}: native`));
    assert.match(text, /everywhere else .*wasm .*else js/i);
    checkTraining(check(project.spawn('neurite', ['train'], env), 'neurite train'));
  });
});
