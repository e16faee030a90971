import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrateGemm, nativeBinding } from '../src/index.ts';

/**
 * The `auto` provider times its candidates on the first product of each shape class and keeps
 * the choice in a file (native/kernels/src/gemm/calibrate.rs). Each case runs in a process of
 * its own with a private NEURITE_CACHE_DIR, so the user's cache is never touched and the
 * second process sees exactly what the first one wrote.
 */
const pkg = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(pkg, '../../node_modules/.bin/tsx');
const dirs: string[] = [];

function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-calibration-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function run(code: string, env: Record<string, string>) {
  const r = spawnSync(tsx, ['--conditions=source', '-e', code], {
    cwd: pkg,
    env: { ...process.env, NEURITE_GEMM: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

/**
 * Z1 of the course's deep net, (20x12288)·(12288x209) in float32, checked against the float64
 * definition within γ_k·(|W||X|) (u = 2^-24), the bound of any summation order; then the
 * calibration as JSON.
 */
const Z1 = `
  import { matmul, Tensor, setBackend, Generator } from '@neurite/tensor';
  import { nativeInfo } from '@neurite/backend-native';
  setBackend('native');
  const [m, k, n] = [20, 12288, 209];
  const g = new Generator(3);
  const W = g.randn([m, k], 'float32'), X = g.randn([k, n], 'float32');
  const Z = matmul(W, X);
  const u = 2 ** -24, gamma = (k * u) / (1 - k * u);
  let worst = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0, mag = 0;
      for (let p = 0; p < k; p++) { const t = W.data[i * k + p] * X.data[p * n + j]; s += t; mag += Math.abs(t); }
      worst = Math.max(worst, Math.abs(Z.data[i * n + j] - s) / (gamma * mag));
    }
  console.log(JSON.stringify({ worst, calibration: nativeInfo().gemmCalibration }));`;

describe('GEMM calibration', { timeout: 240_000 }, () => {
  it('times a shape class once, keeps the choice on disk, and a later process reads it', () => {
    const dir = cacheDir();
    const first = run(Z1, { NEURITE_CACHE_DIR: dir });
    expect(first.stderr).toBe('');
    const a = JSON.parse(first.stdout);
    expect(a.worst).toBeLessThanOrEqual(1);
    expect(a.calibration.mode).toBe('on');
    expect(a.calibration.file.startsWith(dir)).toBe(true);
    const [route] = a.calibration.routes;
    expect(a.calibration.routes).toHaveLength(1);
    expect(route).toMatchObject({ dtype: 'float32', transA: false, transB: false, m: 32, n: 256, k: 16384, measured: true });
    expect(route.timings[0].provider).toBe('rules');
    expect(route.timings.map((t: { provider: string }) => t.provider)).toContain(route.provider);
    for (const t of route.timings) expect(t.ms).toBeGreaterThan(0);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, files[0]), 'utf8')).toContain(`f32 NN t${route.threads} m5 n8 k14 ${route.provider} rules=`);

    const second = JSON.parse(run(Z1, { NEURITE_CACHE_DIR: dir }).stdout);
    expect(second.worst).toBeLessThanOrEqual(1);
    expect(second.calibration.routes).toEqual([{ ...route, measured: false, timings: second.calibration.routes[0].timings }]);
    expect(second.calibration.routes[0].provider).toBe(route.provider);
  });

  it('NEURITE_GEMM_CALIBRATION=off keeps the built-in rules and writes nothing', () => {
    const dir = cacheDir();
    const r = JSON.parse(run(Z1, { NEURITE_CACHE_DIR: dir, NEURITE_GEMM_CALIBRATION: 'off' }).stdout);
    expect(r.worst).toBeLessThanOrEqual(1);
    expect(r.calibration.mode).toBe('off');
    expect(r.calibration.routes).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an unknown NEURITE_GEMM_CALIBRATION is a ValueError naming the variable and the choices, on the first product', () => {
    const r = run(
      `import { matmul, tensor, setBackend } from '@neurite/tensor';
       setBackend('native');
       try { matmul(tensor([[1, 2]]), tensor([[3], [4]])); console.log('no error'); }
       catch (e) { console.log(e.name + ': ' + e.message); }`,
      { NEURITE_CACHE_DIR: cacheDir(), NEURITE_GEMM_CALIBRATION: 'sometimes' },
    );
    expect(r.stdout).toBe("ValueError: NEURITE_GEMM_CALIBRATION: expected 'on', 'off' or 'fresh', received 'sometimes'");
  });

  it('an unwritable cache directory is reported, and products still run', () => {
    const file = join(cacheDir(), 'not-a-directory');
    const r = run(`import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(file)}, '');\n${Z1}`, {
      NEURITE_CACHE_DIR: file,
    });
    const out = JSON.parse(r.stdout);
    expect(out.worst).toBeLessThanOrEqual(1);
    expect(out.calibration.routes).toHaveLength(1);
    expect(out.calibration.problem).toMatch(/^could not write .*not-a-directory/);
    expect(existsSync(file)).toBe(true);
  });

  it('calibrateGemm skips products too small to time and rejects a bad dtype', () => {
    expect(calibrateGemm({ m: 16, n: 16, k: 16 })).toBeNull();
    expect(() => nativeBinding().calibrateGemm('int8' as 'float32', false, false, 64, 64, 64)).toThrow(
      "calibrateGemm: dtype must be 'float32' or 'float64', received 'int8'",
    );
  });
});
