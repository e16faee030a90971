import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatDataset } from '@neurite/datasets/node';
import type { TrainData, Workload } from '../workloads.ts';

/*
 * --real-data: the course's cat images instead of random data of their shape. They are decoded
 * once here (Neurite's HDF5 reader, X = x.reshape(m, -1).T / 255 in float32) and written as raw
 * little-endian float32 files every runner reads, numpy included (it needs no h5py).
 */

/** ../shared/datasets next to the repository, or NEURITE_DATASETS. */
export function datasetsDir(): string {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  return process.env.NEURITE_DATASETS ?? path.join(repoRoot, '..', 'shared', 'datasets');
}

/** Points the cat-shaped workloads at the real images; throws with the folder looked in when absent. */
export async function useRealCatData(workloads: readonly Workload[]): Promise<Workload[]> {
  const dir = datasetsDir();
  const train = path.join(dir, 'train_catvnoncat.h5');
  const test = path.join(dir, 'test_catvnoncat.h5');
  if (!existsSync(train) || !existsSync(test)) {
    throw new Error(`--real-data: train_catvnoncat.h5 and test_catvnoncat.h5 not found in ${dir} (set NEURITE_DATASETS)`);
  }
  const { trainX, trainY } = await loadCatDataset(train, test, { dtype: 'float32' });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'neurite-bench-'));
  const data: TrainData = {
    source: 'files',
    X: path.join(tmp, 'train_X.f32'),
    Y: path.join(tmp, 'train_Y.f32'),
    description: `the course's train_catvnoncat.h5 (${dir})`,
  };
  writeFileSync(data.X, new Uint8Array(trainX.data.buffer, trainX.data.byteOffset, trainX.data.byteLength));
  writeFileSync(data.Y, new Uint8Array(trainY.data.buffer, trainY.data.byteOffset, trainY.data.byteLength));
  return workloads.map((w) => (w.spec.kind === 'train' && w.spec.data.source === 'random' ? { ...w, spec: { ...w.spec, data } } : w));
}
