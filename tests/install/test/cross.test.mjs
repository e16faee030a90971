// The other platforms' installs, from the same registry: npm told it is on another machine
// (`--cpu arm64`, `--libc musl`) picks that platform's binary package out of
// @neurite/backend-native's optionalDependencies, as it would there. The arm64 install then
// runs on the official arm64 Node under qemu-aarch64: native loads from
// @neurite/backend-native-linux-arm64-gnu. No musl Node exists to run the musl install, so it
// is checked as far as can be done here: the right package, and its binary loads through
// musl's own loader. Each part is skipped, saying why, when the release set lacks the binary
// (not cross-built: `pnpm test --cross` builds them) or the runtime is missing
// (bash scripts/setup-cross.sh).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARM64_NODE } from '../../../scripts/test-cross.mjs';
import { check, createProject } from './lib/project.mjs';
import { releaseSet, repoRoot } from './lib/release.mjs';
import { SMOKE } from './lib/smoke.mjs';

const has = (cmd) => !spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error;
const shipped = (platform) => releaseSet().index.platforms.includes(platform);
const binaries = (project) => readdirSync(project.path('node_modules/@neurite')).filter((d) => d.startsWith('backend-native-'));

function skipReason(platform, tools) {
  if (!shipped(platform)) return `the release set has no ${platform} binary (pnpm test --cross builds it)`;
  const missing = tools.filter((t) => !(t.startsWith('/') ? existsSync(t) : has(t)));
  return missing.length ? `${missing.join(', ')} missing (bash scripts/setup-cross.sh)` : false;
}

describe('linux-arm64-gnu: npm i --cpu arm64, run under qemu', {
  skip: skipReason('linux-arm64-gnu', ['qemu-aarch64', ARM64_NODE]),
}, () => {
  let project;
  before(() => {
    project = createProject('arm64', ['@neurite/tensor', '@neurite/backend-native'], ['--cpu=arm64', '--os=linux', '--libc=glibc']);
  });
  after(() => project?.remove());

  it('installs the arm64 binary package and no other', () => {
    assert.deepEqual(binaries(project), ['backend-native-linux-arm64-gnu']);
  });

  it('loads native from it on the arm64 Node, with OpenBLAS, and multiplies right', () => {
    project.write('smoke.mjs', SMOKE);
    const res = check(project.spawn('qemu-aarch64', [ARM64_NODE, 'smoke.mjs'], {}, 300_000), 'qemu-aarch64 node smoke.mjs');
    const out = JSON.parse(res.stdout.trim().split('\n').at(-1));
    assert.equal(out.backend, 'native', `backend ${out.backend}: ${out.failure}`);
    assert.equal(out.from, '@neurite/backend-native-linux-arm64-gnu');
    assert.ok(out.gemm.includes('openblas'), `GEMM providers ${out.gemm}`);
    assert.ok(out.maxError < 1e-12, `matmul max error ${out.maxError}`);
    assert.equal(res.stderr.trim(), '', 'nothing on stderr');
  });
});

describe('linux-x64-musl: npm i --libc musl', { skip: skipReason('linux-x64-musl', ['musl-gcc', 'nm']) }, () => {
  let project;
  before(() => {
    project = createProject('musl', ['@neurite/tensor', '@neurite/backend-native'], ['--cpu=x64', '--os=linux', '--libc=musl']);
  });
  after(() => project?.remove());

  it('installs the musl binary package and no other', () => {
    assert.deepEqual(binaries(project), ['backend-native-linux-x64-musl']);
  });

  it("its binary loads through musl's dynamic loader", () => {
    const addon = project.path('node_modules/@neurite/backend-native-linux-x64-musl/neurite.linux-x64-musl.node');
    const script = join(repoRoot, 'packages/backend-native/scripts/musl-load-check.mjs');
    const res = check(project.spawn(process.execPath, [script, addon]), 'musl-load-check');
    assert.match(res.stdout, /napi_register_module_v1 found/);
  });
});
