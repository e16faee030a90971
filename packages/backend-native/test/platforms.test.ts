import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TARGETS } from '../scripts/targets.mjs';
import { binaryPackage, NATIVE_PLATFORMS } from '../src/index.ts';

/** One list of platforms, stated in four places that must agree. */
const root = new URL('..', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const pkg = json('package.json');
const platforms = Object.keys(NATIVE_PLATFORMS).sort();

describe('the platforms with a native binary', () => {
  it('are the same in src/platforms.ts, scripts/targets.mjs, npm/ and napi.targets', () => {
    expect(Object.keys(TARGETS).sort()).toEqual(platforms);
    expect(readdirSync(new URL('npm', root)).sort()).toEqual(platforms);
    expect([...pkg.napi.targets].sort()).toEqual(platforms.map((p) => NATIVE_PLATFORMS[p].triple).sort());
    for (const p of platforms) expect(TARGETS[p as keyof typeof TARGETS].triple).toBe(NATIVE_PLATFORMS[p].triple);
  });

  it('each has a package that npm installs only on its os, cpu and libc, at the main version', () => {
    for (const p of platforms) {
      const [os, cpu, libc] = p.split('-');
      const sub = json(`npm/${p}/package.json`);
      expect(sub.name).toBe(binaryPackage(p));
      expect([sub.os, sub.cpu, sub.libc]).toEqual([[os], [cpu], [libc === 'gnu' ? 'glibc' : libc]]);
      expect(sub.main).toBe(`neurite.${p}.node`);
      expect(sub.files).toEqual([sub.main]);
      expect(sub.version).toBe(pkg.version);
      expect(pkg.optionalDependencies[sub.name]).toBe('workspace:*');
    }
    expect(Object.keys(pkg.optionalDependencies).sort()).toEqual(platforms.map(binaryPackage).sort());
  });
});
