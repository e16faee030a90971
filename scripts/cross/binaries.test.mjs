// What the cross-built addons link against, read from their ELF headers (binutils' readelf):
// what a user's machine must have for `require()` to succeed, checked here where neither
// binary can be loaded by the host's Node. The arm64 one also runs under qemu
// (scripts/test-cross.mjs); the musl one cannot run in any JS runtime here, so its load
// through musl's own loader (packages/backend-native/scripts/musl-load-check.mjs) is the
// closest check.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const NATIVE = new URL('../../packages/backend-native/', import.meta.url).pathname;
const binary = (platform) => join(NATIVE, `neurite.${platform}.node`);
const readelf = (args, file) => execFileSync('readelf', ['-W', ...args, file], { encoding: 'utf8' });

/** The shared libraries an ELF file asks the loader for. */
const needed = (file) => [...readelf(['-d'], file).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
/** Every symbol version it requires, e.g. GLIBC_2.17 (readelf -V's version-needs section). */
const versions = (file) => [...new Set([...readelf(['-V'], file).matchAll(/Name: (GLIBC_[\d.]+)/g)].map((m) => m[1]))];
const exports = (file) => readelf(['--dyn-syms'], file);
const machine = (file) =>
  readelf(['-h'], file)
    .match(/Machine:\s+(.+)/)[1]
    .trim();
const semver = (v) => v.split('.').map(Number);
const newer = (a, b) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
};

/** The glibc that src/platforms.ts promises users of `platform` (the README's table says the same). */
function promisedGlibc(platform) {
  const source = readFileSync(join(NATIVE, 'src/platforms.ts'), 'utf8');
  const entry = source.slice(source.indexOf(`'${platform}'`));
  return entry.match(/requires: '[^']*glibc (\d+\.\d+)\+/)[1];
}

function present(platform) {
  const file = binary(platform);
  if (!existsSync(file)) assert.fail(`${file} is missing: build it with node scripts/build-native.mjs --target ${platform} --release`);
  return file;
}

describe('linux-arm64-gnu addon', () => {
  it('is an AArch64 shared object exporting the N-API entry point', (t) => {
    const file = present('linux-arm64-gnu');
    assert.equal(machine(file), 'AArch64');
    assert.match(exports(file), /\bnapi_register_module_v1\b/);
    t.diagnostic(`${(statSync(file).size / 1e6).toFixed(1)} MB`);
  });

  it('needs only glibc and libgcc_s: OpenBLAS is linked in, not a system library', () => {
    const libs = needed(present('linux-arm64-gnu'));
    const allowed = ['libc.so.6', 'libm.so.6', 'libgcc_s.so.1', 'ld-linux-aarch64.so.1', 'libpthread.so.0', 'libdl.so.2'];
    assert.deepEqual(
      libs.filter((l) => !allowed.includes(l)),
      [],
      `NEEDED ${libs.join(', ')}`,
    );
  });

  it('asks for no glibc newer than the one src/platforms.ts promises', (t) => {
    const file = present('linux-arm64-gnu');
    const promised = promisedGlibc('linux-arm64-gnu');
    const newest = versions(file)
      .map((v) => v.slice('GLIBC_'.length))
      .reduce((a, b) => (newer(b, a) ? b : a), '0');
    t.diagnostic(`newest symbol version GLIBC_${newest}, promised glibc ${promised}+`);
    assert.ok(!newer(newest, promised), `needs GLIBC_${newest}, platforms.ts says glibc ${promised}+`);
  });
});

describe('linux-x64-musl addon', () => {
  it('is an x86-64 shared object exporting the N-API entry point', (t) => {
    const file = present('linux-x64-musl');
    assert.equal(machine(file), 'Advanced Micro Devices X86-64');
    assert.match(exports(file), /\bnapi_register_module_v1\b/);
    t.diagnostic(`${(statSync(file).size / 1e6).toFixed(1)} MB`);
  });

  it("links musl's libc alone: no glibc library, no glibc symbol version, no libgcc_s", () => {
    const file = present('linux-x64-musl');
    // musl's soname is libc.so (Alpine's libc.musl-x86_64.so.1 provides it too).
    assert.deepEqual(needed(file), ['libc.so']);
    assert.deepEqual(versions(file), []);
  });

  it("loads through musl's dynamic loader with every symbol resolved (RTLD_NOW)", (t) => {
    const run = spawnSync(process.execPath, [join(NATIVE, 'scripts/musl-load-check.mjs'), present('linux-x64-musl')], { encoding: 'utf8' });
    t.diagnostic((run.stdout + run.stderr).trim());
    assert.equal(run.status, 0, run.stderr);
  });
});
