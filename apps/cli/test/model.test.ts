import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dense, Sequential } from '@neurite/layers';
import { saveModel } from '@neurite/layers/node';
import { Tensor } from '@neurite/tensor';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAT_TEST, CAT_TRAIN, catsPresent, events, neurite, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** A deterministic point cloud: label 'yes' when x1 + 2·x2 > 0.5, away from the boundary by a margin. */
function table(m: number, seed: number, withLabel = true): { text: string; labels: string[] } {
  let state = seed;
  const next = () => {
    state = (1103515245 * state + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 8 - 4;
  };
  const rows: string[] = [withLabel ? 'x1,x2,label' : 'x1,x2'];
  const labels: string[] = [];
  while (labels.length < m) {
    const [a, b] = [next(), next()];
    const margin = a + 2 * b - 0.5;
    if (Math.abs(margin) < 0.5) continue;
    const label = margin > 0 ? 'yes' : 'no';
    labels.push(label);
    rows.push(withLabel ? `${a.toFixed(4)},${b.toFixed(4)},${label}` : `${a.toFixed(4)},${b.toFixed(4)}`);
  }
  return { text: `${rows.join('\n')}\n`, labels };
}

describe('train --out, evaluate and predict on tabular data', () => {
  const model = join(tmp.dir, 'table-model');
  const trainCsv = join(tmp.dir, 'train.csv');
  const testCsv = join(tmp.dir, 'test.csv');
  const newCsv = join(tmp.dir, 'new.csv');
  let testLabels: string[];

  beforeAll(async () => {
    writeFileSync(trainCsv, table(200, 1).text);
    const held = table(80, 99);
    testLabels = held.labels;
    writeFileSync(testCsv, held.text);
    writeFileSync(newCsv, 'x1,x2\n3,3\n-3,-3\n4,0\n0,-4\n');
    const r = await neurite([
      'train',
      '--data',
      `csv:${trainCsv}`,
      '--label',
      'label',
      '--model',
      'logistic',
      '--lr',
      '0.5',
      '--iterations',
      '300',
      '--out',
      model,
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('evaluate on a held-out CSV: accuracy, confusion matrix, precision, recall, F1', async () => {
    const r = await neurite(['evaluate', '--model', model, '--data', `csv:${testCsv}`, '--json']);
    expect(r.code).toBe(0);
    const [e] = events(r.stdout);
    expect(e.classes).toEqual(['no', 'yes']);
    const confusion = e.confusion as number[][];
    // Rows are true classes: their sums are the held-out labels' counts.
    const yes = testLabels.filter((l) => l === 'yes').length;
    expect(confusion.map((row) => row[0] + row[1])).toEqual([testLabels.length - yes, yes]);
    // A linear boundary with a margin: logistic regression separates it.
    expect(e.accuracy).toBeGreaterThanOrEqual(0.95);
    const [tp, fp, fn] = [confusion[1][1], confusion[0][1], confusion[1][0]];
    expect(e.precision).toBeCloseTo(tp / (tp + fp), 12);
    expect(e.recall).toBeCloseTo(tp / (tp + fn), 12);
    expect(e.f1).toBeCloseTo((2 * tp) / (2 * tp + fp + fn), 12);
    const text = await neurite(['evaluate', '--model', model, '--data', `csv:${testCsv}`]);
    expect(text.stdout).toContain('Confusion matrix (rows: true class, columns: predicted)');
    expect(text.stdout).toMatch(/Precision: [\d.]+ {3}Recall: [\d.]+ {3}F1: [\d.]+ {3}\(positive class 'yes'\)/);
  });

  it('predict on a CSV prints one row per example (CSV, or JSON lines)', async () => {
    const r = await neurite(['predict', '--model', model, newCsv]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('row,prediction,probability');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['1,yes', '2,no', '3,yes', '4,no']);
    for (const l of lines.slice(1)) expect(Number(l.split(',')[2])).toBeGreaterThan(0.9);
    const json = events((await neurite(['predict', '--model', model, newCsv, '--json'])).stdout);
    expect(json.map((e) => e.prediction)).toEqual(['yes', 'no', 'yes', 'no']);
    const probs = json[0].probabilities as Record<string, number>;
    expect(probs.no + probs.yes).toBeCloseTo(1, 12);
  });
});

describe('predict on photos', () => {
  // A hand-made "cat model": one sigmoid unit over 64x64 RGB pixels / 255 with W = +1/4096 on red,
  // -1/4096 on blue, b = 0. A pure red image gives z = 1, so P(cat) = sigmoid(1) = 0.7311; pure blue gives z = -1.
  const model = join(tmp.dir, 'hand-cat-model');
  beforeAll(async () => {
    const W = new Float64Array(12288);
    for (let i = 0; i < 12288; i++) W[i] = i % 3 === 0 ? 1 / 4096 : i % 3 === 2 ? -1 / 4096 : 0;
    const net = new Sequential({ inputUnits: 12288, dtype: 'float64', layers: [new Dense(1, { activation: 'sigmoid' })] });
    net.setParams({ W1: new Tensor(W, [1, 12288]), b1: new Tensor(new Float64Array(1), [1, 1]) });
    await saveModel(net, model);
  });

  function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
    const data = new Uint8Array(width * height * 4);
    for (let p = 0; p < width * height; p++) data.set([...rgb, 255], 4 * p);
    return data;
  }

  it('a PNG (resized from 100x80): "cat (0.73)"', async () => {
    const png = new PNG({ width: 100, height: 80 });
    png.data = Buffer.from(solid(100, 80, [255, 0, 0]));
    const path = join(tmp.dir, 'red.png');
    writeFileSync(path, PNG.sync.write(png));
    const r = await neurite(['predict', '--model', model, path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('cat (0.73)\n');
  });

  it('a JPEG and a PNG together, as JSON lines', async () => {
    const path = join(tmp.dir, 'blue.jpg');
    writeFileSync(path, jpeg.encode({ data: solid(48, 48, [0, 0, 255]), width: 48, height: 48 }, 95).data);
    const red = join(tmp.dir, 'red.png');
    const r = await neurite(['predict', '--model', model, path, red, '--json']);
    expect(r.code).toBe(0);
    const [blue, redEvent] = events(r.stdout);
    expect(blue.prediction).toBe('non-cat');
    // JPEG is lossy: a solid blue decodes within a few levels of 255, so z is within 1% of -1.
    expect(blue.probability as number).toBeCloseTo(1 / (1 + Math.exp(-1)), 2);
    expect(redEvent.prediction).toBe('cat');
    expect(redEvent.probability as number).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });
});

describe.skipIf(!catsPresent)('the cat model (needs the course files in ../shared/datasets)', () => {
  it('train --out then evaluate reports the same train and test accuracy', async () => {
    const out = join(tmp.dir, 'cat-logistic');
    const r = await neurite([
      'train',
      '--data',
      `cats:${CAT_TRAIN},${CAT_TEST}`,
      '--model',
      'logistic',
      '--iterations',
      '100',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const result = events(r.stdout).at(-1) as Record<string, number>;
    const ev = await neurite(['evaluate', '--model', out, '--json']);
    expect(ev.code).toBe(0);
    const [train, test] = events(ev.stdout);
    expect(train.split).toBe('train');
    expect(train.accuracy).toBeCloseTo(result.trainAccuracy, 12);
    expect(test.accuracy).toBeCloseTo(result.testAccuracy, 12);
    // The course's test set: 50 images, 33 cats.
    expect((test.confusion as number[][]).map((row) => row[0] + row[1])).toEqual([17, 33]);
    expect(JSON.parse(readFileSync(join(out, 'neurite-cli.json'), 'utf8')).classes).toEqual(['non-cat', 'cat']);
  });
});
