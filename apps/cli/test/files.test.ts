import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dense, Sequential } from '@neurite/layers';
import { saveModelSync } from '@neurite/layers/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './harness.ts';
import { inProcess } from './in-process.ts';

/**
 * Files the CLI reads that are not what they claim: a FIFO (whose open blocks) or /dev/zero
 * (which never ends) as a config, data, image or model file, and a model folder edited to make
 * `evaluate` or `--resume` read another file. Each is refused by name, at once. In-process,
 * as probe.test.ts does.
 */
const tmp = tempDir();
afterAll(tmp.cleanup);
const at = (name: string) => join(tmp.dir, name);
const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
const hasZero = existsSync('/dev/zero');

/** A copy of the trained CSV model with neurite-cli.json edited. */
function tampered(name: string, edit: (meta: Record<string, { data?: string }>) => void): string {
  const dir = at(name);
  cpSync(at('points-model'), dir, { recursive: true });
  const path = join(dir, 'neurite-cli.json');
  const meta = JSON.parse(readFileSync(path, 'utf8'));
  edit(meta);
  writeFileSync(path, JSON.stringify(meta));
  return dir;
}

beforeAll(async () => {
  if (hasMkfifo) execFileSync('mkfifo', [at('pipe.yaml')]);
  if (hasZero) symlinkSync('/dev/zero', at('zero.png'));
  writeFileSync(
    at('points.csv'),
    `x1,x2,label\n${Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5},${i % 2 ? 'yes' : 'no'}`).join('\n')}\n`,
  );
  writeFileSync(at('secret.txt'), 'SECRET-FIRST-LINE\nmore\n');
  writeFileSync(at('big.yaml'), `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  const made = await inProcess([
    'train',
    '--data',
    `csv:${at('points.csv')}`,
    '--model',
    'logistic',
    '-n',
    '20',
    '--out',
    at('points-model'),
    '-q',
  ]);
  if (made.code !== 0) throw new Error(`could not train the model: ${made.stderr}`);
  // A model saved outside the CLI with 12288 inputs: predict reads 64x64 RGB images for it.
  saveModelSync(new Sequential({ inputUnits: 12288, seed: 1 }).add(new Dense(1, { activation: 'sigmoid' })).build(), at('image-model'));
}, 120_000);

describe('FIFOs and devices are refused by name, without blocking', () => {
  it.skipIf(!hasMkfifo)('a FIFO as --config, as --data csv: and as model.json', async () => {
    const config = await inProcess(['train', '--config', at('pipe.yaml')]);
    expect(config.code).toBe(1);
    expect(config.stderr).toMatch(
      /--config: '.*pipe\.yaml' is a named pipe \(FIFO\), not a regular file; expected a \.json or \.yaml config file/,
    );
    const data = await inProcess(['train', '--data', `csv:${at('pipe.yaml')}`, '-n', '5']);
    expect(data.code).toBe(1);
    expect(data.stderr).toMatch(/--data: '.*pipe\.yaml' is a named pipe \(FIFO\)/);
    const dir = tampered('fifo-model', () => {});
    rmSync(join(dir, 'model.json'));
    execFileSync('mkfifo', [join(dir, 'model.json')]);
    const model = await inProcess(['evaluate', '--model', dir, '--data', `csv:${at('points.csv')}`]);
    expect(model.code).toBe(1);
    expect(model.stderr).toMatch(/model\.json' is a named pipe \(FIFO\), not a regular file; expected a model\.json file/);
  });

  it.skipIf(!hasZero)('/dev/zero as --config and as an image to predict', async () => {
    const config = await inProcess(['train', '--config', '/dev/zero']);
    expect(config.code).toBe(1);
    expect(config.stderr).toMatch(/--config: '\/dev\/zero' is a character device, not a regular file/);
    const image = await inProcess(['predict', '--model', at('image-model'), at('zero.png')]);
    expect(image.code).not.toBe(0);
    expect(image.stderr).toMatch(/zero\.png' is a character device, not a regular file/);
  });

  it('a config file of megabytes is refused with its size', async () => {
    const r = await inProcess(['train', '--config', at('big.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--config: '.*big\.yaml' is \d+ bytes, more than the 1048576 allowed for a \.json or \.yaml config file/);
  });
});

describe('a model folder does not choose which files are read', () => {
  it('evaluate without --data reads the data the model was trained on, as long as it is unchanged', async () => {
    const r = await inProcess(['evaluate', '--model', at('points-model')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Accuracy:/);
  });

  it('a neurite-cli.json edited to name another file: refused, and nothing of that file is printed', async () => {
    const dir = tampered('tampered-model', (meta) => {
      meta.settings.data = `csv:${at('secret.txt')}`;
    });
    for (const argv of [
      ['evaluate', '--model', dir],
      ['train', '--resume', dir, '-n', '40'],
    ]) {
      const r = await inProcess(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /says the model was trained on 'csv:.*secret\.txt', but '.*secret\.txt' is not among the files it records; a model folder does not choose which of your files neurite reads/,
      );
      expect(r.stderr).toMatch(/hint: give --data to name the data/);
      expect(r.stderr + r.stdout).not.toMatch(/SECRET/);
    }
    // Named by the user, the same file is read (and its header named), as any --data is.
    const named = await inProcess(['evaluate', '--model', dir, '--data', `csv:${at('secret.txt')}`]);
    expect(named.code).not.toBe(0);
  });

  it('a data file changed since training, or a folder without fingerprints, needs --data', async () => {
    const dir = tampered('old-model', (meta) => {
      delete meta.dataFiles;
    });
    const old = await inProcess(['evaluate', '--model', dir]);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/records no fingerprint of its data files/);
    const copy = at('points-copy.csv');
    cpSync(at('points.csv'), copy);
    const moved = await inProcess(['train', '--data', `csv:${copy}`, '--model', 'logistic', '-n', '5', '--out', at('copy-model'), '-q']);
    expect(moved.code).toBe(0);
    writeFileSync(copy, `${readFileSync(copy, 'utf8')}6,4,yes\n`);
    const changed = await inProcess(['evaluate', '--model', at('copy-model')]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/'.*points-copy\.csv' changed since training/);
    expect((await inProcess(['evaluate', '--model', at('copy-model'), '--data', `csv:${copy}`])).code).toBe(0);
  });
});
