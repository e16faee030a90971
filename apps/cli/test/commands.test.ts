import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gemmChoiceLines } from '../src/commands/gemm-choice.ts';
import { formatInfo, type InfoReport } from '../src/commands/info.ts';
import { events, neurite, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('neurite sweep', () => {
  it("trains one model per hidden size and prints a table; the course's sizes 1 and 3 differ as the course shows", async () => {
    const plot = join(tmp.dir, 'sweep.svg');
    const r = await neurite(['sweep', '--hidden', '1,3', '--iterations', '2000', '--plot', plot]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\s*\d+\s+\d\.\d{6}/.test(l));
    expect(rows).toHaveLength(2);
    const accuracy = rows.map((l) => Number(l.trim().split(/\s+/)[2].replace('%', '')));
    // One tanh unit cannot draw the flower (the course: 67.5%); three can (90.75% at 5000 iterations).
    expect(accuracy[0]).toBeLessThan(72);
    expect(accuracy[1]).toBeGreaterThan(85);
    const svg = readFileSync(plot, 'utf8');
    // A cost curve per setting, and under it an accuracy curve per setting.
    expect(svg.match(/<path /g)).toHaveLength(4);
    expect(svg).toContain('>Accuracy per setting<');
    expect(svg).toContain('>hidden 1<');
    expect(svg).toContain('>hidden 3<');
  });

  it('--json gives one object per run, over every combination', async () => {
    const r = await neurite(['sweep', '--lr', '0.5,1.2', '--hidden', '2,4', '--iterations', '200', '--json']);
    expect(r.code).toBe(0);
    const runs = events(r.stdout);
    expect(runs.map((e) => e.settings)).toEqual([
      { hidden: 2, lr: 0.5 },
      { hidden: 2, lr: 1.2 },
      { hidden: 4, lr: 0.5 },
      { hidden: 4, lr: 1.2 },
    ]);
  });

  it('needs at least one list to sweep', async () => {
    const r = await neurite(['sweep', '--lr', '0.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sweep: give at least one setting with several values');
  });
});

describe('neurite info and bench', () => {
  it('info names the active backend and why, with versions and threads', async () => {
    const r = await neurite(['info', '--json']);
    expect(r.code).toBe(0);
    const [info] = events(r.stdout);
    const backend = info.backend as { active: string; reason: string; registered: { name: string }[] };
    expect(backend.registered.map((b) => b.name)).toContain('js');
    expect(backend.registered.map((b) => b.name)).toContain(backend.active);
    expect(backend.reason.length).toBeGreaterThan(0);
    expect((info.versions as Record<string, string>)['@neurite/tensor']).toMatch(/^\d+\.\d+\.\d+/);
    expect((info.cpu as { threads: number }).threads).toBeGreaterThan(0);
    const platform = info.platform as InfoReport['platform'];
    expect(Object.keys(platform.prebuilt).sort()).toEqual(['linux-arm64-gnu', 'linux-x64-gnu', 'linux-x64-musl']);
    expect(platform.native).toBe(platform.name in platform.prebuilt);
    const forced = events((await neurite(['info', '--json'], { env: { NEURITE_BACKEND: 'js' } })).stdout)[0].backend as {
      active: string;
      reason: string;
    };
    expect(forced.active).toBe('js');
    expect(forced.reason).toContain("setBackend('js')");
  });

  it('info says which platforms get native and what this one runs on', () => {
    const prebuilt = {
      'linux-x64-gnu': { gemm: 'OpenBLAS', requires: 'glibc 2.34+' },
      'linux-x64-musl': { gemm: 'pure Rust only', requires: 'musl 1.2' },
    };
    const report = (name: string, active: string) =>
      ({
        versions: {},
        backend: { active, reason: '', registered: [], failures: {} },
        native: {},
        wasm: {},
        platform: { name, native: name in prebuilt, prebuilt },
        cpu: { model: 'cpu', threads: 2 },
        dtype: { default: 'float64', why: '' },
      }) as InfoReport;
    const section = (r: InfoReport) => formatInfo(r).split('Platform\n')[1].split('\n\n')[0].split('\n');
    expect(section(report('linux-x64-gnu', 'native'))).toEqual([
      '  linux-x64-gnu: native binary (GEMM OpenBLAS; needs glibc 2.34+)',
      '  native binaries:',
      '    linux-x64-gnu   GEMM OpenBLAS; needs glibc 2.34+',
      '    linux-x64-musl  GEMM pure Rust only; needs musl 1.2',
      '  everywhere else (macOS, Windows, other CPUs, browsers): wasm when @neurite/backend-wasm is installed, else js',
    ]);
    expect(section(report('darwin-arm64', 'wasm'))[0]).toBe('  darwin-arm64: no native binary for this platform; running on wasm');
    expect(section(report('linux-x64-gnu', 'js'))[0]).toBe(
      '  linux-x64-gnu: has a native binary, not in use (see Backends); running on js',
    );
  });

  it('info says which GEMM provider runs each shape class and why', () => {
    const pad = (s: string, n: number) => s.padEnd(n);
    const route = {
      dtype: 'float64',
      transA: false,
      transB: true,
      threads: 2,
      m: 32,
      n: 16384,
      k: 256,
      provider: 'small',
      timings: [
        { provider: 'rules', ms: 4.04 },
        { provider: 'small', ms: 3.27 },
      ],
      measured: false,
    };
    const calibration = { mode: 'on', machine: 'CPU | avx2,fma', file: '/c/gemm-1.tsv', routes: [route] };
    const lines = gemmChoiceLines({ gemmProvider: 'auto', gemmCalibration: calibration }, pad);
    expect(lines[0]).toMatch(/^ {2}GEMM choice +auto: each shape class .* timed fastest for it on this machine/);
    expect(lines).toContain(`  ${pad('calibration file', 26)}/c/gemm-1.tsv`);
    expect(lines.at(-1)).toBe(
      '    float64 (≤32 x ≤256)·(≤256 x ≤16384) stored ᵀ, 2 threads: small (ms: rules 4.04, small 3.27; from the cache file)',
    );
    const none = gemmChoiceLines({ gemmProvider: 'auto', gemmCalibration: { ...calibration, routes: [] } }, pad);
    expect(none.at(-1)).toContain('neurite info --calibrate');
    expect(gemmChoiceLines({ gemmProvider: 'auto', gemmCalibration: { ...calibration, mode: 'off' } }, pad)).toEqual([
      `  ${pad('GEMM choice', 26)}auto with NEURITE_GEMM_CALIBRATION=off: the built-in rules by shape (native/README.md)`,
    ]);
    expect(gemmChoiceLines({ gemmProvider: 'pure', gemmCalibration: calibration }, pad)[0]).toContain('chose pure for every product');
  });

  it('bench times GEMM and the three course models on each backend', async () => {
    const r = await neurite(['bench', '--backends', 'js', '-n', '1', '--min-time', '0', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = events(r.stdout);
    expect(rows.map((e) => e.task)).toEqual([
      'gemm 64x64 * 64x64',
      'gemm 256x256 * 256x256',
      'gemm 512x512 * 512x512',
      'gemm 20x12288 * 12288x209',
      'logistic [12288, 1], m=209, ms/iteration',
      'shallow [2, 4, 1], m=400, ms/iteration',
      'deep [12288, 20, 7, 5, 1], m=209, ms/iteration',
    ]);
    for (const row of rows) expect(row.ms as number).toBeGreaterThan(0);
  });
});
