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
import { LIBRARIES as PACKAGES, readJson, repoRoot } from './lib/release.mjs';

const major = (v) => Number(v.split('.')[0]);
const minor = (v) => Number(v.split('.')[1]);

/** Every folder of pnpm-workspace.yaml (one level of globs, as it uses). */
function workspaceDirs() {
  const globs = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8').matchAll(/^\s+-\s+(\S+)$/gm);
  const dirs = [];
  for (const [, glob] of globs) {
    if (!glob.endsWith('/*')) dirs.push(glob);
    else for (const d of readdirSync(join(repoRoot, glob.slice(0, -2)))) dirs.push(`${glob.slice(0, -2)}/${d}`);
  }
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
      '---\n"@neurite/losses": patch\n"@neurite/backend-native": patch\n---\n\nSample entry of the release dry run.\n',
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

  // The per-platform binaries are published at the main package's version (its
  // optionalDependencies name that exact version): the `fixed` group of .changeset/config.json.
  it('moves every per-platform binary package with @neurite/backend-native', () => {
    const main = readJson(join(copy, 'packages/backend-native/package.json'));
    assert.notEqual(main.version, before_['backend-native']);
    for (const name of Object.keys(main.optionalDependencies)) {
      const dir = name.replace('@neurite/backend-native-', 'packages/backend-native/npm/');
      assert.equal(readJson(join(copy, dir, 'package.json')).version, main.version, name);
      assert.equal(main.optionalDependencies[name], 'workspace:*', 'pnpm pack writes the version at release');
    }
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
