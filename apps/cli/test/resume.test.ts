import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { events, finish, neurite, start, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('Ctrl-C and --resume', () => {
  it('SIGINT mid-training saves a checkpoint; --resume continues from its iteration to the same numbers as an uninterrupted run', async () => {
    const dir = join(tmp.dir, 'ckpt');
    // Long enough that it is still running when interrupted; printing every 100 shows how far it got.
    const child = start(['train', '--iterations', '1000000', '--print-every', '100', '--out', dir, '--json']);
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d) => {
        seen += d;
        if (/"iteration":(1[0-9]{3}|[2-9][0-9]{3})/.test(seen)) resolve();
      });
      child.on('close', () => reject(new Error(`exited before iteration 1000: ${seen}`)));
    });
    child.kill('SIGINT');
    const r = await finish(child);
    const out = seen + r.stdout;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted by SIGINT; checkpoint saved to');
    const interrupted = events(out).find((e) => e.event === 'interrupted') as Record<string, number>;
    expect(interrupted.done).toBeGreaterThanOrEqual(1000);
    expect(interrupted.done).toBeLessThan(1_000_000);
    // The folder is whole: weights, optimizer state and the iteration count, nothing half-written beside it.
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'neurite-cli.json', 'weights.safetensors']);
    expect(readdirSync(tmp.dir)).toEqual(['ckpt']);
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(model.training.iteration).toBe(interrupted.done);
    expect(model.optimizer.iterations).toBe(interrupted.done);
    const meta = JSON.parse(readFileSync(join(dir, 'neurite-cli.json'), 'utf8'));
    expect(meta.done).toBe(interrupted.done);
    expect(meta.finished).toBe(false);

    // Resume to done + 300, and compare with one uninterrupted run of the same length.
    const total = interrupted.done + 300;
    const [resumed, straight] = await Promise.all([
      neurite(['train', '--resume', dir, '--iterations', String(total), '--print-every', '100', '--json']),
      neurite(['train', '--iterations', String(total), '--print-every', '100', '--json']),
    ]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const resumedEvents = events(resumed.stdout);
    const startEvent = resumedEvents.find((e) => e.event === 'start') as Record<string, number>;
    expect(startEvent.from).toBe(interrupted.done);
    const resumedCosts = resumedEvents.filter((e) => e.event === 'cost');
    expect((resumedCosts[0].iteration as number) >= interrupted.done).toBe(true);
    const straightCosts = new Map(
      events(straight.stdout)
        .filter((e) => e.event === 'cost')
        .map((e) => [e.iteration, e.cost]),
    );
    for (const e of resumedCosts) expect(e.cost).toBe(straightCosts.get(e.iteration));
    // The course's value where the uninterrupted run passes iteration 1000.
    expect(straightCosts.get(1000) as number).toBeCloseTo(0.288083, 6);
    const resumedResult = resumedEvents.at(-1) as Record<string, number>;
    const straightResult = events(straight.stdout).at(-1) as Record<string, number>;
    expect(resumedResult.iterations).toBe(total);
    expect(resumedResult.cost).toBe(straightResult.cost);
    expect(resumedResult.trainAccuracy).toBe(straightResult.trainAccuracy);
    // Without --out, the resumed run updates the checkpoint in place.
    expect(JSON.parse(readFileSync(join(dir, 'neurite-cli.json'), 'utf8')).finished).toBe(true);
  });

  it('a resumed run may not change the model', async () => {
    const dir = join(tmp.dir, 'small');
    expect((await neurite(['train', '--iterations', '50', '--out', dir, '-q'])).code).toBe(0);
    const r = await neurite(['train', '--resume', dir, '--hidden', '8']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--hidden cannot change when resuming');
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
  });
});
