import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

/** /work/shared next to the repo (or $NEURITE_DATASETS for the cat files). */
export const referenceDir = resolve(repoRoot, '../shared/reference');
export const datasetsDir = process.env.NEURITE_DATASETS ?? resolve(repoRoot, '../shared/datasets');
export const catTrain = join(datasetsDir, 'train_catvnoncat.h5');
export const catTest = join(datasetsDir, 'test_catvnoncat.h5');
export const catPresent = existsSync(catTrain) && existsSync(catTest);

export interface Npy {
  shape: number[];
  /** Values in C (row-major) order, whatever the file's order. */
  data: Float64Array;
}

/** A minimal .npy reader (format 1.0/2.0, little-endian f8 / u1 / i8), independent of the code under test. */
export function readNpy(path: string): Npy {
  const buf = readFileSync(path);
  if (buf.subarray(1, 6).toString('latin1') !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + headerLen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)![1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = /'shape':\s*\(([^)]*)\)/
    .exec(header)![1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const body = buf.subarray(start + headerLen);
  const n = shape.reduce((a, b) => a * b, 1);
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (descr === '<f8') raw[i] = body.readDoubleLE(8 * i);
    else if (descr === '|u1') raw[i] = body[i];
    else if (descr === '<i8') raw[i] = Number(body.readBigInt64LE(8 * i));
    else throw new Error(`${path}: unsupported dtype ${descr}`);
  }
  if (!fortran || shape.length < 2) return { shape, data: raw };
  // Fortran order: the first index varies fastest; only 2-D is needed here.
  const [r, c] = shape;
  const data = new Float64Array(n);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[i * c + j] = raw[j * r + i];
  return { shape, data };
}
