import { type DType, NeuriteError, Tensor, ValueError } from '@neurite/tensor';
import { statInputFile } from '@neurite/tensor/node';
import { importOptional } from '../optional.ts';

/** An HDF5 file that is missing, unreadable, truncated, not HDF5, or lacks a dataset. */
export class Hdf5Error extends NeuriteError {
  override name = 'Hdf5Error';
}

/*
 * h5wasm (about 16 MB installed) is an optional peer: only HDF5 users install it. These are the
 * parts of its File and Dataset read here, declared locally so that the published .d.ts files
 * do not import 'h5wasm' (a TypeScript user without it would get "Cannot find module").
 */
export interface Dataset {
  readonly shape: number[] | null;
  readonly value: unknown;
  readonly dtype: unknown;
  readonly filters?: readonly unknown[];
  readonly metadata: { size: number; total_size: number; shape?: number[] | null; virtual_sources?: readonly unknown[] };
}
export interface H5File {
  keys(): string[];
  get(name: string): unknown;
  close(): unknown;
}
interface H5Module {
  File: new (path: string, mode: 'r') => H5File;
  ready: Promise<{ activate_throwing_error_handler(): void }>;
}

let h5: Promise<H5Module> | null = null;

/**
 * h5wasm's node build reads the host filesystem directly (NODERAWFS). Its default
 * error handler only prints HDF5-DIAG to stderr and returns -1; the throwing handler
 * lets us turn library failures into errors that name the file. Loaded on first use; when it
 * is not installed, a MissingDependencyError names it (and a later call tries again).
 */
function library(fn: string): Promise<H5Module> {
  h5 ??= (async () => {
    const lib = (await importOptional(() => import('h5wasm/node'), 'h5wasm', `${fn} (HDF5 files)`)) as unknown as H5Module;
    const Module = await lib.ready;
    Module.activate_throwing_error_handler();
    return lib;
  })().catch((err: unknown) => {
    h5 = null;
    throw err;
  });
  return h5;
}

/** The innermost frame of an HDF5-DIAG message is the actual cause ("truncated file: eof = ..."). */
function cause(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const frames = [...text.matchAll(/#\d+: .*? in \w+\(\): (.*)$/gm)].map((m) => m[1].trim());
  return frames.at(-1) ?? text.split('\n')[0];
}

/** Each open file's size on disk, which bounds what its datasets can really hold. */
const fileSizes = new WeakMap<H5File, number>();

async function openFile(path: string, fn: string): Promise<H5File> {
  if (typeof path !== 'string' || path.length === 0)
    throw new ValueError(`${fn}: path must be a non-empty string, received ${String(path)}`);
  // The missing package is named before the file is looked at: installing it is the fix either way.
  const lib = await library(fn);
  const size = statInputFile(path, { fn, expected: 'an HDF5 file', error: Hdf5Error }).size;
  let file: H5File;
  try {
    file = new lib.File(path, 'r');
  } catch (err) {
    const why = cause(err);
    if (/signature not found/i.test(why)) {
      throw new Hdf5Error(`${fn}: '${path}' is not an HDF5 file (no HDF5 signature in its ${size} bytes)`);
    }
    if (/truncated/i.test(why)) throw new Hdf5Error(`${fn}: HDF5 file '${path}' is truncated (${size} bytes on disk; ${why})`);
    throw new Hdf5Error(`${fn}: cannot open HDF5 file '${path}': ${why}`);
  }
  fileSizes.set(file, size);
  return file;
}

/**
 * Deflate expands at most 1032 times (258-byte matches coded in 2 bits), the largest ratio of
 * the filters h5wasm reads; without a filter a dataset's bytes are stored as they are.
 */
const DEFLATE_MAX_RATIO = 1032;

/**
 * Refuses a dataset whose declared size the file cannot hold, before reading it: HDF5 lets a
 * file declare (20000, 64, 64, 3) images and never write them (they read as the fill value,
 * 1.5 GB of zeros from a 1.7 KB file), and a virtual dataset reads other files.
 */
function checkStorage(ds: Dataset, path: string, name: string, fn: string, fileSize: number): void {
  const meta = ds.metadata;
  if (meta.virtual_sources?.length)
    throw new Hdf5Error(`${fn}: dataset '${name}' in '${path}' is a virtual dataset, which reads other files; store its data in the file`);
  const declared = meta.size * meta.total_size;
  const filtered = (ds.filters ?? []).length > 0;
  if (declared <= (filtered ? DEFLATE_MAX_RATIO : 1) * fileSize) return;
  throw new Hdf5Error(
    `${fn}: dataset '${name}' in '${path}' declares shape (${(meta.shape ?? []).join(', ')}) of ${meta.size}-byte values, ${declared} bytes, but the file has ${fileSize} bytes${filtered ? `, and its compression expands at most ${DEFLATE_MAX_RATIO} times` : ''}: its data was never written (it would read as the fill value) or the file is cut short`,
  );
}

/** Runs `body` on an open file and always closes it. */
export async function withHdf5<T>(path: string, fn: string, body: (file: H5File) => T): Promise<T> {
  const file = await openFile(path, fn);
  try {
    return body(file);
  } catch (err) {
    if (err instanceof NeuriteError) throw err;
    throw new Hdf5Error(`${fn}: reading HDF5 file '${path}' failed: ${cause(err)}`);
  } finally {
    file.close();
  }
}

/** The dataset paths in a file ("/train_set_x", "/group/data"). */
export function datasetPaths(file: H5File): string[] {
  const out: string[] = [];
  const walk = (prefix: string, names: string[], get: (n: string) => unknown): void => {
    for (const name of names) {
      const entity = get(name) as { type?: string; keys?: () => string[]; get?: (n: string) => unknown } | null;
      const full = `${prefix}/${name}`;
      if (entity?.type === 'Dataset') out.push(full);
      else if (entity?.type === 'Group' && entity.keys && entity.get) walk(full, entity.keys(), entity.get.bind(entity));
    }
  };
  walk('', file.keys(), (n) => file.get(n));
  return out;
}

export function getDataset(file: H5File, path: string, name: string, fn: string): Dataset {
  if (typeof name !== 'string' || name.length === 0)
    throw new ValueError(`${fn}: datasetName must be a non-empty string, received ${String(name)}`);
  const entity = file.get(name) as (Dataset & { type: string }) | null;
  if (entity?.type !== 'Dataset') {
    const available = datasetPaths(file).map((p) => p.replace(/^\//, ''));
    throw new Hdf5Error(`${fn}: HDF5 file '${path}' has no dataset '${name}'; available datasets: ${available.join(', ') || '(none)'}`);
  }
  const size = fileSizes.get(file);
  if (size !== undefined) checkStorage(entity, path, name, fn, size);
  return entity;
}

/** The numeric values of a dataset as a flat array (bigints narrowed to numbers), or a clear error. */
export function numericValues(ds: Dataset, path: string, name: string, fn: string): ArrayLike<number> {
  const value = ds.value as unknown;
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    const out = new Float64Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new Hdf5Error(`${fn}: dataset '${name}' in '${path}' holds ${v} at flat index ${i}, beyond 2^53`);
      }
      out[i] = Number(v);
    }
    return out;
  }
  if (ArrayBuffer.isView(value)) return value as unknown as ArrayLike<number>;
  if (typeof value === 'number' || typeof value === 'boolean') return [Number(value)];
  if (typeof value === 'bigint') return [Number(value)];
  throw new Hdf5Error(`${fn}: dataset '${name}' in '${path}' is not numeric (HDF5 type ${ds.dtype}); use readHdf5Strings for strings`);
}

function toDType(values: ArrayLike<number>, dtype: DType, name: string, fn: string): Tensor['data'] {
  const out =
    dtype === 'float64'
      ? new Float64Array(values.length)
      : dtype === 'int32'
        ? new Int32Array(values.length)
        : new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (dtype === 'int32' && (!Number.isInteger(v) || v < -2147483648 || v > 2147483647)) {
      throw new ValueError(`${fn}: dataset '${name}' value ${v} at flat index ${i} does not fit dtype 'int32'`);
    }
    out[i] = v;
  }
  return out;
}

export interface ReadHdf5Options {
  /** The tensor's dtype (default 'float32'; 'float64' keeps float64 data exact, 'int32' for labels). */
  dtype?: DType;
}

/**
 * One HDF5 dataset as a tensor of the same shape: `readHdf5('train_catvnoncat.h5',
 * 'train_set_x')` is (209, 64, 64, 3). Integer and float datasets convert to `dtype`.
 */
export async function readHdf5(path: string, datasetName: string, options: ReadHdf5Options = {}): Promise<Tensor> {
  const fn = 'readHdf5';
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
    throw new ValueError(`${fn}: dtype must be 'float32', 'float64' or 'int32', received ${JSON.stringify(dtype)}`);
  }
  return withHdf5(path, fn, (file) => {
    const ds = getDataset(file, path, datasetName, fn);
    const shape = ds.shape ?? [];
    const values = numericValues(ds, path, datasetName, fn);
    return new Tensor(toDType(values, dtype, datasetName, fn), [...shape]);
  });
}

/** A string dataset (e.g. the course's `list_classes`) as JavaScript strings, NUL padding removed. */
export async function readHdf5Strings(path: string, datasetName: string): Promise<string[]> {
  const fn = 'readHdf5Strings';
  return withHdf5(path, fn, (file) => {
    const ds = getDataset(file, path, datasetName, fn);
    const value = ds.value as unknown;
    const items = Array.isArray(value) ? value : [value];
    return items.map((v, i) => {
      if (typeof v === 'string') return v.replace(/\0+$/, '');
      if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
      throw new Hdf5Error(`${fn}: dataset '${datasetName}' in '${path}' is not a string dataset (item ${i} is ${typeof v})`);
    });
  });
}

/** The dataset paths of an HDF5 file, to discover what `readHdf5` can read. */
export async function listHdf5Datasets(path: string): Promise<string[]> {
  return withHdf5(path, 'listHdf5Datasets', datasetPaths);
}
