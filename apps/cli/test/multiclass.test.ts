import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { events, neurite, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** IDX files as MNIST ships them: big-endian magic (0x0803 images, 0x0801 labels) and sizes, then bytes. */
function idx(magic: number, dims: number[], bytes: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  for (const [i, d] of dims.entries()) header.writeUInt32BE(d, 4 + 4 * i);
  return Buffer.concat([header, bytes]);
}

/** Digit k is a 28x28 image with a bright 4x4 block at a place of its own: trivially separable. */
function digits(m: number): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(m * 784);
  const labels = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    const k = i % 10;
    labels[i] = k;
    const [r0, c0] = [4 + 8 * Math.floor(k / 3), 4 + 8 * (k % 3)];
    for (let r = r0; r < r0 + 4; r++) for (let c = c0; c < c0 + 4; c++) images[i * 784 + r * 28 + c] = 200 + (i % 50);
  }
  return { images, labels };
}

describe('ten classes: softmax output', () => {
  it('mnist:<dir> trains a softmax model and evaluate prints a 10x10 confusion matrix', async () => {
    const dir = join(tmp.dir, 'mnist');
    mkdirSync(dir);
    const train = digits(200);
    const test = digits(50);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx(0x803, [200, 28, 28], train.images)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(0x801, [200], train.labels));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx(0x803, [50, 28, 28], test.images));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx(0x801, [50], test.labels));
    const out = join(tmp.dir, 'digits');
    const r = await neurite([
      'train',
      '--data',
      `mnist:${dir}`,
      '--layers',
      '16',
      '--optimizer',
      'adam',
      '--lr',
      '0.01',
      '--iterations',
      '60',
      '--out',
      out,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = events(r.stdout).at(-1) as Record<string, number>;
    expect(result.testAccuracy).toBe(1);
    const ev = await neurite(['evaluate', '--model', out, '--json']);
    const [, testSplit] = events(ev.stdout);
    expect(testSplit.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // Each digit appears 5 times in 50 test images, all on the diagonal.
    expect(testSplit.confusion).toEqual(Array.from({ length: 10 }, (_, k) => Array.from({ length: 10 }, (_, j) => (j === k ? 5 : 0))));
  });
});
