// Each package of the release set (scripts/release.mjs), checked the way npm users and tools
// see it: publint and Are The Types Wrong on its tarball, plus what those do not check (README
// with an example, licence, no .ts specifiers left in declarations, the build script); the
// per-platform binaries; and the pack guard that keeps `npm pack` from making a broken tarball.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { check, createProject } from './lib/project.mjs';
import { exportTargets, LIBRARIES as PACKAGES, packageDir, readJson, releaseSet, repoRoot } from './lib/release.mjs';

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const BUILD = 'tsc -p tsconfig.build.json && node ../../scripts/fix-dts.mjs dist';
const TS_SPECIFIER = /(?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]+\.ts['"]/;

let tarballs;
let unpacked;
let index;
before(() => {
  ({ tarballs, index } = releaseSet());
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
      // Subpaths that are data, not modules (backend-wasm's ./neurite.wasm), have no types to check.
      const data = Object.entries(source.exports)
        .filter(([, target]) => typeof target === 'string' && !/\.(m?js|json)$/.test(target))
        .map(([subpath]) => subpath);
      const args = [tarballs[name], '--profile', 'esm-only', '--format', 'ascii'];
      if (data.length) args.push('--exclude-entrypoints', ...data);
      const res = spawnSync(bin('attw'), args, { encoding: 'utf8' });
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

describe('the per-platform binary packages', () => {
  it('each holds only its addon, for its os/cpu/libc, at the main version', () => {
    const main = readJson(join(unpack('@neurite/backend-native'), 'package.json'));
    assert.ok(index.platforms.length >= 1);
    for (const platform of index.platforms) {
      const name = `@neurite/backend-native-${platform}`;
      const root = unpack(name);
      const pkg = readJson(join(root, 'package.json'));
      const [os, cpu, libc] = platform.split('-');
      assert.deepEqual([pkg.os, pkg.cpu, pkg.libc], [[os], [cpu], [libc === 'gnu' ? 'glibc' : libc]]);
      assert.deepEqual(
        files(root)
          .map((f) => f.slice(root.length + 1))
          .sort(),
        ['LICENSE', 'README.md', pkg.main, 'package.json'].sort(),
      );
      assert.equal(main.optionalDependencies?.[name], main.version, 'the main package depends on it optionally, at its own version');
    }
  });
});

describe('@neurite/cli', () => {
  it('passes publint --strict, and ships its bin, dist, README and LICENSE', () => {
    const res = spawnSync(bin('publint'), ['run', tarballs['@neurite/cli'], '--strict'], { encoding: 'utf8' });
    assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
    const root = unpack('@neurite/cli');
    const pkg = readJson(join(root, 'package.json'));
    assert.deepEqual(pkg.bin, { neurite: './bin/neurite.js' });
    for (const f of ['bin/neurite.js', 'dist/main.js', 'README.md', 'LICENSE']) assert.ok(existsSync(join(root, f)), f);
    for (const range of Object.values(pkg.dependencies)) assert.doesNotMatch(range, /^workspace:/);
  });
});

// npm pack would keep "workspace:*" (the tarball then fails with EUNSUPPORTEDPROTOCOL); the
// prepack guard (scripts/pack-guard.mjs) refuses, and pnpm pack writes versions.
describe('packing a single package by hand', () => {
  it('npm pack refuses with a message that says what to run instead', () => {
    // Run from pnpm's test script, npm inherits npm_config_user_agent=pnpm/...; the guard must
    // still see npm.
    const res = spawnSync('npm', ['pack', '--dry-run'], {
      cwd: packageDir('layers'),
      encoding: 'utf8',
      env: { ...process.env, npm_config_user_agent: 'pnpm/12.21.0 npm/? node/v20' },
    });
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /@neurite\/layers: will not pack with npm\/[\d.]+: it would keep "@neurite\/tensor": "workspace:\*"/);
    assert.match(res.stderr, /EUNSUPPORTEDPROTOCOL\)\. Use `pnpm pack`/);
  });

  it('a platform package without its binary refuses, naming the command that builds it', () => {
    // The guard on a copy of npm/linux-arm64-gnu's manifest, with no .node beside it.
    const dir = mkdtempSync(join(tmpdir(), 'neurite-install-guard-'));
    try {
      cpSync(join(repoRoot, 'packages/backend-native/npm/linux-arm64-gnu/package.json'), join(dir, 'package.json'));
      const res = spawnSync(process.execPath, [join(repoRoot, 'scripts/pack-guard.mjs')], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, npm_config_user_agent: 'pnpm/12.21.0 npm/? node/v20' },
      });
      assert.equal(res.status, 1);
      assert.match(res.stderr, /neurite\.linux-arm64-gnu\.node is missing.*`pnpm release --targets linux-arm64-gnu`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pnpm pack gives a tarball that npm installs', () => {
    const out = mkdtempSync(join(tmpdir(), 'neurite-install-pnpm-pack-'));
    try {
      execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: packageDir('losses'), stdio: 'ignore' });
      const [file] = readdirSync(out);
      const project = createProject('pnpm-pack', [join(out, file)]);
      try {
        project.write('x.mjs', "import { meanSquaredErrorValue } from '@neurite/losses'; console.log(typeof meanSquaredErrorValue);\n");
        assert.equal(check(project.node('x.mjs'), 'node x.mjs').stdout.trim(), 'function');
      } finally {
        project.remove();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
