import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type H5 = typeof import('h5wasm');

let lib: Promise<H5> | null = null;
async function h5(): Promise<H5> {
  lib ??= import('h5wasm/node').then(async (mod) => {
    await mod.ready;
    return mod;
  });
  return lib;
}

export const tmp = mkdtempSync(join(tmpdir(), 'neurite-datasets-'));

export interface DatasetSpec {
  name: string;
  data: unknown;
  shape?: number[];
  dtype?: string;
}

/** Writes an HDF5 file with h5wasm itself (the tests' independent writer). */
export async function writeH5(file: string, datasets: DatasetSpec[]): Promise<string> {
  const { File } = await h5();
  const path = join(tmp, file);
  const f = new File(path, 'w');
  for (const d of datasets) f.create_dataset({ name: d.name, data: d.data as never, shape: d.shape ?? null, dtype: d.dtype ?? null });
  f.close();
  return path;
}
