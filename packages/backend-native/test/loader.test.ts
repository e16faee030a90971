import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nativeInfo, neuriteBackend, platformTriple } from '../src/index.ts';

/**
 * Loading and falling back, each in a fresh process (the loader caches the addon):
 * a missing or corrupt binary makes load() throw one line naming the path and the reason,
 * and @neurite/tensor, discovering the package by itself, goes on with the js backend.
 */
const pkg = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(pkg, '../../node_modules/.bin/tsx');

function runScript(code: string, env: Record<string, string>) {
  const r = spawnSync(tsx, ['--conditions=source', '-e', code], {
    cwd: pkg,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

// Most cases start a process: 1-3 s each, more on a busy machine.
describe('loading the addon', { timeout: 60_000 }, () => {
  it('finds the local build and reports where it came from', () => {
    const info = nativeInfo();
    expect(info.from).toContain(`neurite.${platformTriple(process)}.node`);
    expect(info.gemmProviders).toContain('pure');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(neuriteBackend.priority).toBeGreaterThan(1);
  });

  it("tunes glibc's malloc when the backend is loaded, unless NEURITE_MALLOC=default", () => {
    const code = `import { nativeInfo, neuriteBackend } from '@neurite/backend-native';
       const before = nativeInfo().allocator;
       neuriteBackend.load();
       console.log(before, nativeInfo().allocator);`;
    expect(runScript(code, {}).stdout).toBe('default tuned');
    expect(runScript(code, { NEURITE_MALLOC: 'default' }).stdout).toBe('default default');
  });

  it('a missing binary: one line that names the path, and every candidate in `tried`', () => {
    const r = runScript(
      `import { neuriteBackend } from '@neurite/backend-native';
       try { neuriteBackend.load(); console.log('loaded'); } catch (e) { console.log(JSON.stringify([e.name, e.message, e.tried])); }`,
      { NEURITE_NATIVE_BINARY: '/nonexistent/neurite.node' },
    );
    const [name, message, tried] = JSON.parse(r.stdout);
    expect(name).toBe('NativeLoadError');
    expect(message).toBe('NEURITE_NATIVE_BINARY=/nonexistent/neurite.node does not exist');
    expect(tried).toEqual(['/nonexistent/neurite.node: not found']);
  });

  it("a checkout without a build: says so and gives the checkout's build command", () => {
    // Here the candidates exist only in the checkout; a platform no binary is built for
    // exercises the "not built" path without touching the real build.
    const r = runScript(
      `import { neuriteBackend } from '@neurite/backend-native';
       Object.defineProperty(process, 'arch', { value: 'riscv64' });
       try { neuriteBackend.load(); } catch (e) { console.log(e.message); }`,
      {},
    );
    expect(r.stdout).toBe(
      'no prebuilt binary for linux-riscv64-gnu (only linux-x64-gnu, linux-arm64-gnu, linux-x64-musl); ' +
        'run pnpm --filter @neurite/backend-native build to compile one',
    );
  });

  it('a corrupt binary: the dlopen error, and @neurite/tensor keeps working on js', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-'));
    const bad = join(dir, 'neurite.linux-x64-gnu.node');
    writeFileSync(bad, 'not an ELF file');
    const r = runScript(
      `import { backendInfo, matmul, tensor } from '@neurite/tensor';
       const y = matmul(tensor([[1, 2]]), tensor([[3], [4]]));
       const info = backendInfo();
       console.log(JSON.stringify({ y: y.toArray(), name: info.name, failure: info.failures.native }));`,
      { NEURITE_NATIVE_BINARY: bad },
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.y).toEqual([[11]]);
    // The next backend by priority that loads: wasm when @neurite/backend-wasm is visible, else js.
    expect(['wasm', 'js']).toContain(out.name);
    expect(out.failure).toMatch(new RegExp(`^NEURITE_NATIVE_BINARY=${bad} did not load: .*(invalid ELF header|file too short)`));
    expect(out.failure).not.toContain('\n');
  });

  it('installed and loadable: @neurite/tensor picks native by itself', () => {
    const out = execFileSync(
      tsx,
      ['--conditions=source', '-e', `import { backendInfo } from '@neurite/tensor'; console.log(backendInfo().name);`],
      {
        cwd: pkg,
        encoding: 'utf8',
        env: { ...process.env, NEURITE_NATIVE_BINARY: '', NEURITE_BACKEND: '' },
      },
    );
    expect(out.trim()).toBe('native');
  });
});
