// A release dry run: `changeset version` on a copy of the workspace's manifests and
// .changeset/ (plus one sample changeset), never on the repo itself. Checks that it runs, that
// each bumped package gets a CHANGELOG.md headed by its new version, and that no package jumps
// to a new major unless a changeset asked for one (changesets bumps peer dependents a major
// when a peer leaves their range; see .changeset/config.json and README.md).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PACKAGES, readJson, repoRoot } from './lib/pack.mjs';

const major = (v) => Number(v.split('.')[0]);
const minor = (v) => Number(v.split('.')[1]);

function workspaceDirs() {
  const dirs = ['bench', 'examples'];
  for (const group of ['packages', 'apps', 'tests']) for (const d of readdirSync(join(repoRoot, group))) dirs.push(`${group}/${d}`);
  return dirs.filter((d) => existsSync(join(repoRoot, d, 'package.json')));
}

describe('changeset version (dry run on a copy)', () => {
  let copy;
  let res;
  const before_ = {};
  before(() => {
    copy = mkdtempSync(join(tmpdir(), 'neurite-install-release-'));
    for (const f of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(repoRoot, f), join(copy, f));
    cpSync(join(repoRoot, '.changeset'), join(copy, '.changeset'), { recursive: true });
    for (const d of workspaceDirs()) {
      mkdirSync(join(copy, d), { recursive: true });
      cpSync(join(repoRoot, d, 'package.json'), join(copy, d, 'package.json'));
      if (existsSync(join(repoRoot, d, 'CHANGELOG.md'))) cpSync(join(repoRoot, d, 'CHANGELOG.md'), join(copy, d, 'CHANGELOG.md'));
    }
    for (const p of PACKAGES) before_[p] = readJson(join(copy, 'packages', p, 'package.json')).version;
    // The changelog generator is resolved from the project's node_modules.
    symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
    writeFileSync(
      join(copy, '.changeset/install-tests-sample.md'),
      '---\n"@neurite/losses": patch\n---\n\nSample entry of the release dry run.\n',
    );
    const cli = join(repoRoot, 'node_modules/@changesets/cli/bin.js');
    res = spawnSync(process.execPath, [cli, 'version'], { cwd: copy, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  });
  after(() => copy && rmSync(copy, { recursive: true, force: true }));

  it('runs', () => assert.equal(res.status, 0, `${res.stdout}${res.stderr}`));

  it('versions the sample and writes its changelog entry', () => {
    const losses = readJson(join(copy, 'packages/losses/package.json')).version;
    assert.notEqual(losses, before_.losses);
    const changelog = readFileSync(join(copy, 'packages/losses/CHANGELOG.md'), 'utf8');
    assert.match(changelog, new RegExp(`^# @neurite/losses\\n\\n## ${losses.replaceAll('.', '\\.')}\\n`));
    assert.match(changelog, /Sample entry of the release dry run\./);
    assert.ok(!existsSync(join(copy, '.changeset/install-tests-sample.md')), 'consumed changesets are deleted');
  });

  it('heads every new changelog with the package version, without unasked majors', () => {
    const asked = readdirSync(join(repoRoot, '.changeset'))
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .some((f) => /:\s*major\s*$/m.test(readFileSync(join(repoRoot, '.changeset', f), 'utf8')));
    for (const p of PACKAGES) {
      const version = readJson(join(copy, 'packages', p, 'package.json')).version;
      if (version === before_[p]) continue;
      const changelog = readFileSync(join(copy, 'packages', p, 'CHANGELOG.md'), 'utf8');
      assert.match(changelog.split('\n')[2], new RegExp(`^## ${version.replaceAll('.', '\\.')}$`), `${p} CHANGELOG.md`);
      if (!asked) {
        assert.equal(major(version), major(before_[p]), `${p} ${before_[p]} -> ${version}: a major nobody asked for`);
        if (major(version) === 0) assert.ok(minor(version) - minor(before_[p]) <= 1, `${p} ${before_[p]} -> ${version}`);
      }
    }
  });
});
