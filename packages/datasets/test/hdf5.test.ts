import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NeuriteError } from '@neurite/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { Hdf5Error, listHdf5Datasets, loadCatDataset, readHdf5, readHdf5Strings } from '../src/node/index.ts';
import { tmp, writeH5 } from './h5files.ts';
import { catPresent, catTest, catTrain } from './npy.ts';

let small: string;
let catLike: string;
let catLikeTest: string;

beforeAll(async () => {
  small = await writeH5('small.h5', [
    { name: 'f64', data: new Float64Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), shape: [2, 3] },
    { name: 'u8', data: new Uint8Array([0, 7, 255, 1]), shape: [2, 2] },
    { name: 'i64', data: new BigInt64Array([5n, -3n, 2n]), shape: [3] },
    { name: 'names', data: ['alpha', 'beta'] },
  ]);
  // Two 2x2 RGB "images": image i, row r, column c, channel k holds 100i + 10r + 3c + k.
  const pixels = (m: number) =>
    Uint8Array.from(
      { length: m * 12 },
      (_, j) => 100 * Math.floor(j / 12) + 10 * Math.floor((j % 12) / 6) + 3 * Math.floor((j % 6) / 3) + (j % 3),
    );
  catLike = await writeH5('cat_train.h5', [
    { name: 'train_set_x', data: pixels(2), shape: [2, 2, 2, 3] },
    { name: 'train_set_y', data: new BigInt64Array([1n, 0n]), shape: [2] },
    { name: 'list_classes', data: ['non-cat', 'cat'] },
  ]);
  catLikeTest = await writeH5('cat_test.h5', [
    { name: 'test_set_x', data: pixels(1), shape: [1, 2, 2, 3] },
    { name: 'test_set_y', data: new BigInt64Array([0n]), shape: [1] },
  ]);
});

describe('readHdf5', () => {
  it('reads float64, uint8 and int64 datasets with their shapes', async () => {
    const f = await readHdf5(small, 'f64', { dtype: 'float64' });
    expect(f.shape).toEqual([2, 3]);
    expect(Array.from(f.data)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    const u = await readHdf5(small, 'u8');
    expect(u.dtype).toBe('float32');
    expect(Array.from(u.data)).toEqual([0, 7, 255, 1]);
    const i = await readHdf5(small, '/i64', { dtype: 'int32' });
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.data)).toEqual([5, -3, 2]);
  });

  it('reads string datasets and lists datasets', async () => {
    expect(await readHdf5Strings(small, 'names')).toEqual(['alpha', 'beta']);
    expect((await listHdf5Datasets(small)).sort()).toEqual(['/f64', '/i64', '/names', '/u8']);
    await expect(readHdf5(small, 'names')).rejects.toThrow(/dataset 'names' in '.*small\.h5' is not numeric/);
  });

  it('names the file and lists the available datasets for a wrong name', async () => {
    const err = await readHdf5(small, 'nope').catch((e) => e);
    expect(err).toBeInstanceOf(Hdf5Error);
    expect(err).toBeInstanceOf(NeuriteError);
    expect(err.message).toContain(small);
    expect(err.message).toMatch(/no dataset 'nope'; available datasets: .*f64.*i64.*names.*u8/);
  });

  it('reports a missing file', async () => {
    const missing = join(tmp, 'absent.h5');
    await expect(readHdf5(missing, 'x')).rejects.toThrow(
      new RegExp(`readHdf5: cannot read '${missing}': it does not exist; expected an HDF5 file`),
    );
  });

  it('reports a non-HDF5 file', async () => {
    const text = join(tmp, 'not.h5');
    writeFileSync(text, 'a,b\n1,2\n');
    const err = await readHdf5(text, 'x').catch((e) => e);
    expect(err).toBeInstanceOf(Hdf5Error);
    expect(err.message).toBe(`readHdf5: '${text}' is not an HDF5 file (no HDF5 signature in its 8 bytes)`);
  });

  it('reports a truncated file', async () => {
    const cut = join(tmp, 'cut.h5');
    const bytes = readFileSync(small);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const err = await readHdf5(cut, 'f64').catch((e) => e);
    expect(err).toBeInstanceOf(Hdf5Error);
    expect(err.message).toMatch(new RegExp(`HDF5 file '${cut}' is truncated`));
  });

  it('validates its arguments', async () => {
    await expect(readHdf5('', 'x')).rejects.toThrow(/path must be a non-empty string/);
    await expect(readHdf5(small, 'f64', { dtype: 'uint8' as never })).rejects.toThrow(/dtype must be/);
    await expect(readHdf5(small, 'f64', { dtype: 'int32' })).rejects.toThrow(/value 0.1 at flat index 0 does not fit dtype 'int32'/);
  });
});

describe('loadCatDataset on small files', () => {
  it('flattens as x.reshape(m, -1).T: column i is image i in (row, column, channel) order', async () => {
    const d = await loadCatDataset(catLike, catLikeTest, { scale: false, dtype: 'float64' });
    expect(d.trainX.shape).toEqual([12, 2]);
    expect(d.trainY.shape).toEqual([1, 2]);
    expect(d.testX.shape).toEqual([12, 1]);
    // Row p of column i is pixel (r, c, k) with p = 6r + 3c + k.
    for (let i = 0; i < 2; i++) {
      for (let p = 0; p < 12; p++) {
        const r = Math.floor(p / 6);
        const c = Math.floor((p % 6) / 3);
        const k = p % 3;
        expect(d.trainX.data[p * 2 + i]).toBe(100 * i + 10 * r + 3 * c + k);
      }
    }
    expect(Array.from(d.trainY.data)).toEqual([1, 0]);
    expect(d.classes).toEqual(['non-cat', 'cat']);
  });

  it('scales by 255 by default, in float32', async () => {
    const d = await loadCatDataset(catLike, catLikeTest);
    expect(d.trainX.dtype).toBe('float32');
    expect(d.trainX.data[2 * 11 + 1]).toBeCloseTo((100 + 10 + 3 + 2) / 255, 7);
  });

  it('names the file when a split is missing', async () => {
    await expect(loadCatDataset(catLikeTest, catLikeTest)).rejects.toThrow(
      /cat_test\.h5' has no dataset 'train_set_x'; available datasets: test_set_x, test_set_y/,
    );
  });
});

describe.skipIf(!catPresent)(`the course's cat files (skipped: ${catTrain} absent; set NEURITE_DATASETS)`, () => {
  it('loads the course shapes and sanity values', async () => {
    const d = await loadCatDataset(catTrain, catTest, { scale: false });
    expect(d.trainX.shape).toEqual([12288, 209]);
    expect(d.trainY.shape).toEqual([1, 209]);
    expect(d.testX.shape).toEqual([12288, 50]);
    expect(d.testY.shape).toEqual([1, 50]);
    expect(d.classes).toEqual(['non-cat', 'cat']);
    const col = (X: typeof d.trainX, j: number, n: number) => Array.from({ length: n }, (_, r) => X.data[r * X.shape[1] + j]);
    expect(col(d.trainX, 0, 5)).toEqual([17, 31, 56, 22, 33]);
    expect(col(d.trainX, 1, 10)).toEqual([196, 192, 190, 193, 186, 182, 188, 179, 174, 213]);
    expect(col(d.testX, 1, 10)).toEqual([115, 110, 111, 137, 129, 129, 155, 146, 145, 159]);
    expect(Array.from(d.trainY.data).reduce((a, b) => a + b)).toBe(72);
    expect(Array.from(d.testY.data).reduce((a, b) => a + b)).toBe(33);
  });

  it('scales to [0, 1] exactly as numpy divides by 255', async () => {
    const d = await loadCatDataset(catTrain, catTest, { dtype: 'float64' });
    expect(d.trainX.data[0]).toBe(17 / 255);
    let max = 0;
    for (const v of d.trainX.data) max = Math.max(max, v);
    expect(max).toBeLessThanOrEqual(1);
  });
});
