import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { layerList } from '../src/cnn.ts';
import { UsageError } from '../src/errors.ts';
import { buildModel } from '../src/model.ts';
import { resolveSettings } from '../src/resolve.ts';
import { CAT_TEST, CAT_TRAIN, catsPresent, events, neurite, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('--layers for --model cnn', () => {
  it('reads conv, pool, flatten, dense, dropout and activation items into their canonical spelling', () => {
    const parse = layerList();
    expect(parse('conv:8x3x3, relu, maxpool:2, flatten, dense:64, 32')).toEqual([
      'conv:8x3',
      'relu',
      'maxpool:2',
      'flatten',
      'dense:64',
      'dense:32',
    ]);
    expect(parse('conv:16x5x3:same:stride=2:tanh,avgpool:3:stride=1,gap,batchnorm,dropout:0.25,dense:10:linear')).toEqual([
      'conv:16x5x3:same:stride=2:tanh',
      'avgpool:3:stride=1',
      'gap',
      'batchnorm',
      'dropout:0.25',
      'dense:10:linear',
    ]);
    // What a saved model's settings hold reads back unchanged (neurite-cli.json is checked that way).
    const items = parse('CONV:8x3:valid:stride=1,maxpool:2:stride=2,flatten');
    expect(items).toEqual(['conv:8x3', 'maxpool:2', 'flatten']);
    expect(parse(items)).toEqual(items);
    expect(parse('20,7,5')).toEqual([20, 7, 5]);
  });

  it('names the item and what it expected', () => {
    const parse = layerList();
    expect(() => parse('conv:8')).toThrow(/'conv:8': expected conv:<filters>x<size> or conv:<filters>x<rows>x<columns>/);
    expect(() => parse('pool:2')).toThrow(/unknown layer 'pool:2': expected conv:<filters>x<size>, maxpool:<size>/);
    expect(() => parse('conv:8x3:full')).toThrow(/'conv:8x3:full': unknown option 'full' \(conv takes padding, stride, activation\)/);
    expect(() => parse('dropout:1.5')).toThrow(/rate in \[0, 1\)/);
    expect(() => parse('maxpool:0')).toThrow(/the pool size must be an integer in \[1, 100000\], received '0'/);
  });

  it("presets by data: LeNet-5's layout for the digits (the default model there), three convolutions for the cat photos", () => {
    const digits = resolveSettings({ data: 'digits' });
    expect(digits).toMatchObject({
      model: 'cnn',
      optimizer: 'adam',
      lr: 0.001,
      dtype: 'float32',
      batchSize: 64,
      total: 15,
      unit: 'epoch',
      init: 'he',
      dropout: 0.25,
    });
    expect(digits.layers).toEqual(['conv:16x5:same', 'maxpool:2', 'conv:32x5', 'maxpool:2', 'flatten', 'dense:120', 'dense:84']);
    const cats = resolveSettings({ data: 'cats:a.h5,b.h5', model: 'cnn', epochs: 5, dtype: 'float64' });
    expect(cats).toMatchObject({ batchSize: 16, total: 5, dtype: 'float64', dropout: 0 });
    expect(cats.layers[0]).toBe('conv:8x3:same');
    // conv items alone make a cnn; the dense models refuse them.
    expect(resolveSettings({ data: 'digits', layers: ['conv:4x3', 'flatten'] }).model).toBe('cnn');
    expect(() => resolveSettings({ data: 'digits', model: 'deep', layers: ['conv:4x3'] })).toThrow(
      /--model deep and --layers both choose the model/,
    );
    expect(() => resolveSettings({ data: 'moons', model: 'cnn' })).toThrow(/--model cnn needs images, received --data moons/);
  });

  it('refuses a dense item on images (when resolving) and a stack that pools the image away (when building)', () => {
    const s = (layers: string[]) => resolveSettings({ data: 'digits', layers });
    expect(() => s(['conv:4x3', 'dense:10'])).toThrow(/--layers: 'dense:10' \(item 2\) takes columns: put flatten \(or gap\) before it/);
    expect(() => s(['flatten', 'conv:4x3'])).toThrow(/'conv:4x3' \(item 2\) needs images/);
    const input = { kind: 'image', height: 28, width: 28, channels: 1, divide: 255 } as const;
    expect(() => buildModel(s(['maxpool:8', 'maxpool:8']), 784, 10, input)).toThrow(UsageError);
    expect(() => buildModel(s(['maxpool:8', 'maxpool:8']), 784, 10, input)).toThrow(/--layers: MaxPool2D \(8x8\)/);
  });
});

// A PNG of digit image k of the mnist package's class c, as a user would bring one.
function digitPng(c: number, k: number, path: string): void {
  const require = createRequire(import.meta.url);
  const raw: number[] = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${c}.json`), 'utf8')).data;
  const png = new PNG({ width: 28, height: 28 });
  for (let p = 0; p < 784; p++) {
    const v = Math.round(raw[k * 784 + p] * 255);
    png.data.set([v, v, v, 255], 4 * p);
  }
  writeFileSync(path, PNG.sync.write(png));
}

describe('neurite train --model cnn', () => {
  // Three processes that each load the 10,000 digits: about 15 s on a quiet machine, more when it is shared.
  it('trains on the digits, saves, evaluates and predicts a PNG', { timeout: 180_000 }, async () => {
    const out = join(tmp.dir, 'digits-cnn');
    // 600 of the 8,000 training digits, 3 epochs of a one-convolution net: seconds, well above chance (10%).
    const r = await neurite([
      'train',
      '--data',
      'digits:train=600,test=300',
      '--layers',
      'conv:8x3,maxpool:2,flatten',
      '--epochs',
      '3',
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const test = Number(r.stdout.match(/Test accuracy: ([\d.]+)% \((\d+)\/300\)/)?.[1]);
    expect(test).toBeGreaterThan(60);
    expect(r.stdout).toMatch(/Train accuracy: [\d.]+% \(\d+\/600\)\nTest accuracy/);
    expect(r.stdout).toMatch(/Trained 3 epochs in .* per epoch|Trained 3 epochs in .* epochs\/s/);

    const ev = await neurite(['evaluate', '--model', out, '--json']);
    expect(ev.code).toBe(0);
    const [trainSplit, testSplit] = events(ev.stdout) as { split: string; accuracy: number; confusion: number[][] }[];
    expect(trainSplit.split).toBe('train');
    // evaluate scores the same 300 held-out digits as train did, with the saved weights.
    expect(Math.round(testSplit.accuracy * 300)).toBe(Math.round((test / 100) * 300));
    expect(testSplit.confusion.length).toBe(10);

    const png = join(tmp.dir, 'seven.png');
    digitPng(7, 3, png);
    const p = await neurite(['predict', '--model', out, png, '--json']);
    expect(p.code).toBe(0);
    const [prediction] = events(p.stdout) as { prediction: string; probabilities: Record<string, number> }[];
    expect(Object.keys(prediction.probabilities)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(Object.values(prediction.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('a bad item is a usage error naming --layers, before any training', async () => {
    const r = await neurite(['train', '--data', 'digits', '--layers', 'conv:8x3,dense:10', '--epochs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--layers: 'dense:10' \(item 2\) takes columns: put flatten \(or gap\) before it/);
  });

  it.skipIf(!catsPresent)('trains on the cat photos (64x64x3) from a config file', { timeout: 180_000 }, async () => {
    const config = join(tmp.dir, 'cats.yaml');
    writeFileSync(config, `data: cats:${CAT_TRAIN},${CAT_TEST}\nmodel: cnn\nlayers: [conv:4x3, maxpool:4, flatten]\nepochs: 2\n`);
    const r = await neurite(['train', '--config', config, '--json']);
    expect(r.code).toBe(0);
    const [configEvent] = events(r.stdout) as { settings: { layers: string[]; batchSize: number } }[];
    expect(configEvent.settings.layers).toEqual(['conv:4x3', 'maxpool:4', 'flatten']);
    expect(configEvent.settings.batchSize).toBe(16);
    const result = events(r.stdout).at(-1) as { testAccuracy: number; epochs: number };
    expect(result.epochs).toBe(2);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0);
  });
});
