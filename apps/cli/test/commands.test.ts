import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
    const forced = events((await neurite(['info', '--json'], { env: { NEURITE_BACKEND: 'js' } })).stdout)[0].backend as {
      active: string;
      reason: string;
    };
    expect(forced.active).toBe('js');
    expect(forced.reason).toContain("setBackend('js')");
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
