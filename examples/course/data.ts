import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CatDataset, loadCatDataset } from '@neurite/datasets/node';

/** The repository root (examples/ is one level below it). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the course's cat files live: $NEURITE_DATASETS, else ../shared/datasets beside the repo. */
export function datasetsDir(): string {
  return process.env.NEURITE_DATASETS ? resolve(process.env.NEURITE_DATASETS) : resolve(repoRoot, '..', 'shared', 'datasets');
}

export const catFiles = () => ({
  train: join(datasetsDir(), 'train_catvnoncat.h5'),
  test: join(datasetsDir(), 'test_catvnoncat.h5'),
});

export function catFilesPresent(): boolean {
  const f = catFiles();
  return existsSync(f.train) && existsSync(f.test);
}

export const missingCatMessage = () =>
  `the course's cat files are not in ${datasetsDir()} (train_catvnoncat.h5, test_catvnoncat.h5); set NEURITE_DATASETS to their folder`;

/** The cat images as the course prepares them: flattened to (12288, m), divided by 255, float64. */
export async function loadCats(): Promise<CatDataset> {
  if (!catFilesPresent()) throw new Error(missingCatMessage());
  const f = catFiles();
  return loadCatDataset(f.train, f.test, { scale: true, dtype: 'float64' });
}
