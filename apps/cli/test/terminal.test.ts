import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, ENV, REPO } from './harness.ts';

// util-linux `script` gives the child a pseudo-terminal, as a person's shell would.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.warn('cli tests: terminal test skipped: util-linux `script` is not installed');

describe.skipIf(!hasScript)('on a terminal', () => {
  it('draws a progress bar with iteration, cost, accuracy, iterations per second and ETA', () => {
    const command = `${process.execPath} ${BIN} train --iterations 20000 --print-every 5000`;
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
      cwd: REPO,
      env: { ...ENV, TERM: 'xterm-256color', COLUMNS: '160' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    const screen = r.stdout.replace(/\r/g, '\n');
    // A bar line: "████░░░ 17% | iteration 519/20000 | cost 0.303776 | acc 88.3% | 5013 it/s | ETA 3s".
    expect(screen).toMatch(/[█░]+ \d+% \| iteration \d+\/20000 \| cost \d\.\d{6} \| acc \d+\.\d% \| [\d.]+ it\/s \| ETA \d+s/);
    // The course's cost lines are printed above the bar, and the result after it.
    expect(screen).toContain('Cost after iteration 0: 0.693048');
    expect(screen).toContain('Cost after iteration 15000:');
    expect(screen).toMatch(/Accuracy: [\d.]+% \(\d+\/400\)/);
  });

  it('training by epochs, the bar counts epochs and their speed in epochs/s', () => {
    const command = `${process.execPath} ${BIN} train --epochs 400 --batch-size 32 --print-every 100 --validation-split 0.2`;
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
      cwd: REPO,
      env: { ...ENV, TERM: 'xterm-256color', COLUMNS: '160' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    const screen = r.stdout.replace(/\r/g, '\n');
    expect(screen).toMatch(/[█░]+ \d+% \| epoch \d+\/400 \| cost \d\.\d{6} \| acc \d+\.\d% \| [\d.]+ epochs\/s \| ETA \d+s/);
    expect(screen).not.toMatch(/ it\/s/);
    expect(screen).toMatch(/Cost after epoch 100: \d\.\d{6} - accuracy [\d.]+% - val_loss \d\.\d{6} - val_accuracy [\d.]+%/);
  });

  it('prints plain lines, with no bar, when the output is not a terminal', () => {
    const r = spawnSync(process.execPath, [BIN, 'train', '--iterations', '2000', '--print-every', '1000'], {
      cwd: REPO,
      env: ENV,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/[█░]|it\/s/);
    expect(r.stdout.includes('\u001b[')).toBe(false);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('Cost after'))).toEqual([
      'Cost after iteration 0: 0.693048',
      'Cost after iteration 1000: 0.288083',
    ]);
  });
});
