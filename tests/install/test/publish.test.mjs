// Each publishable package's metadata and tarball, checked the way npm users and tools see it:
// publint and Are The Types Wrong on the pnpm-packed tarball, plus what those do not check
// (README with an example, licence, no .ts specifiers left in declarations, the build script).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportTargets, PACKAGES, packAll, packageDir, readJson } from './lib/pack.mjs';

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const BUILD = 'tsc -p tsconfig.build.json && node ../../scripts/fix-dts.mjs dist';
const TS_SPECIFIER = /(?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]+\.ts['"]/;

let tarballs;
let unpacked;
before(() => {
  tarballs = packAll();
  unpacked = mkdtempSync(join(tmpdir(), 'neurite-install-unpacked-'));
});
after(() => rmSync(unpacked, { recursive: true, force: true }));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

function unpack(name) {
  const dest = join(unpacked, name.replace('/', '__'));
  if (!existsSync(dest)) {
    execFileSync('mkdir', ['-p', dest]);
    execFileSync('tar', ['-xzf', tarballs[name], '-C', dest]);
  }
  return join(dest, 'package');
}

for (const dir of PACKAGES) {
  const source = readJson(join(packageDir(dir), 'package.json'));
  const name = source.name;

  describe(name, () => {
    it('passes publint --strict on its packed tarball', () => {
      const res = spawnSync(bin('publint'), ['run', tarballs[name], '--strict'], { encoding: 'utf8' });
      assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
    });

    // ESM-only by design (the packages use import.meta and are `import`ed): attw's esm-only
    // profile leaves out the CommonJS `require` resolution, which would only report that.
    it('passes attw --profile esm-only on its packed tarball', () => {
      const res = spawnSync(bin('attw'), [tarballs[name], '--profile', 'esm-only', '--format', 'ascii'], { encoding: 'utf8' });
      assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
    });

    it('has the metadata a published package needs', () => {
      const pkg = readJson(join(unpack(name), 'package.json'));
      assert.equal(pkg.type, 'module');
      assert.equal(pkg.license, 'MIT');
      assert.equal(pkg.sideEffects, false, 'sideEffects: false lets bundlers drop unused modules');
      assert.match(pkg.engines?.node ?? '', /^>=20\.19/, 'engines.node (require(esm) needs 20.19)');
      assert.equal(pkg.publishConfig?.access, 'public', 'scoped packages publish as restricted without it');
      assert.ok(pkg.description?.length > 20, 'description');
      assert.ok(pkg.keywords?.length > 0, 'keywords');
      assert.equal(pkg.types, './dist/index.d.ts');
      assert.equal(pkg.exports['.'].types, './dist/index.d.ts');
      assert.equal(pkg.exports['.'].default, './dist/index.js');
      for (const range of Object.values({ ...pkg.dependencies, ...pkg.peerDependencies })) {
        assert.doesNotMatch(range, /^workspace:/, 'pnpm pack replaces workspace: ranges');
      }
    });

    it('builds with tsc and fix-dts', () => {
      assert.ok(source.scripts.build.endsWith(BUILD), `build script "${source.scripts.build}" should end with "${BUILD}"`);
    });

    it('ships README with an example, LICENSE, and every file its exports name', () => {
      const root = unpack(name);
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      assert.match(readme, /```ts\n[\s\S]*?from '@neurite\//, 'README example importing the package');
      assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /MIT License/);
      for (const target of exportTargets(source.exports)) assert.ok(existsSync(join(root, target)), `${target} is in the tarball`);
      const all = files(root).map((f) => f.slice(root.length + 1));
      assert.deepEqual(
        all.filter((f) => /\.test\.ts$|\.node$|tsconfig|vitest/.test(f)),
        [],
        'no tests, configs or binaries in the tarball',
      );
    });

    it('has no .ts specifiers left in its declaration files', () => {
      const root = unpack(name);
      const declarations = files(join(root, 'dist')).filter((f) => f.endsWith('.d.ts'));
      assert.ok(declarations.length > 0);
      const bad = declarations.filter((f) => TS_SPECIFIER.test(readFileSync(f, 'utf8')));
      assert.deepEqual(
        bad.map((f) => f.slice(root.length + 1)),
        [],
        'run the build script (fix-dts rewrites ./x.ts to ./x.js)',
      );
    });
  });
}

describe('@neurite/backend-native-linux-x64-gnu (the per-platform binary package)', () => {
  it('holds only the addon, for its os/cpu/libc', () => {
    const name = Object.keys(tarballs).find((n) => n.startsWith('@neurite/backend-native-'));
    const root = unpack(name);
    const pkg = readJson(join(root, 'package.json'));
    assert.deepEqual([pkg.os, pkg.cpu, pkg.libc], [['linux'], ['x64'], ['glibc']]);
    assert.ok(existsSync(join(root, pkg.main)), `${pkg.main} is in the tarball`);
    assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /MIT License/);
    const main = readJson(join(unpack('@neurite/backend-native'), 'package.json'));
    assert.equal(main.optionalDependencies?.[name], main.version, 'the main package depends on it optionally, at its own version');
  });
});
