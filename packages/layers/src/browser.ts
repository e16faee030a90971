/**
 * @neurite/layers/browser: models saved and loaded in the browser, beside `toBytes` and
 * `fromBytes`: IndexedDB (any size the origin's quota allows), localStorage (small models, as
 * text), and a file the user downloads or picks. Uses only browser globals (indexedDB,
 * localStorage, Blob, document), no Node built-ins; IndexedDB and localStorage functions take
 * the store as an option, so they also run against a polyfill or in a worker.
 *
 * The file is one safetensors file holding the weights, with model.json in its header's
 * metadata under "neurite.model": PyTorch and numpy read the tensors, `loadModelFromFiles`
 * reads the model back. The folder form (model.json + weights.safetensors, as saveModel
 * writes on Node) is accepted too.
 */
import { NeuriteError, optionalBoolean } from '@neurite/tensor';
import { ModelError, ModelFormatError } from './errors.ts';
import { checkKeys } from './options.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
import type { Sequential } from './sequential.ts';
import { fromBytes, type ModelArtifacts, type ModelJson, parseModelJson, toBytes, WEIGHTS_FILE } from './serialization.ts';

export const DEFAULT_DATABASE = 'neurite-models';
const STORE = 'models';
const LOCAL_PREFIX = 'neurite-model:';
const MODEL_KEY = 'neurite.model';
/**
 * What localStorage holds per origin in Chromium and Firefox: 5 MiB of UTF-16 text, keys
 * included. A model is stored as base64 (4 characters per 3 bytes) beside its JSON.
 */
export const LOCAL_STORAGE_LIMIT = 5 * 1024 * 1024;

export interface SaveOptions {
  /** Save the optimizer's state too, so training can resume (default true). */
  includeOptimizer?: boolean;
}

export interface StoreOptions extends SaveOptions {
  /**
   * Replace a model already saved under the name (default false: saving over one throws a
   * ModelError, as saveModel on Node asks for `overwrite`).
   */
  overwrite?: boolean;
}

export interface IndexedDBOptions {
  /** The database's name; default 'neurite-models'. */
  database?: string;
  /** The IDBFactory to use; default the global `indexedDB`. */
  indexedDB?: IDBFactory;
}

/** What IndexedDB keeps for a saved model. */
interface StoredModel {
  name: string;
  savedAt: string;
  modelJson: ModelJson;
  weights: Uint8Array;
}

export interface StoredModelInfo {
  name: string;
  savedAt: string;
  /** The weights' size in bytes. */
  bytes: number;
}

function checkName(name: unknown, fn: string): string {
  if (typeof name !== 'string' || name === '')
    throw new NeuriteError(`${fn}: name must be a non-empty string, received ${JSON.stringify(name)}`);
  return name;
}

function factory(options: IndexedDBOptions, fn: string): IDBFactory {
  const idb = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb)
    throw new ModelError(
      `${fn}: IndexedDB is not available here (no global indexedDB); on Node, save to a folder with saveModel from '@neurite/layers/node'`,
    );
  return idb;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open(options: IndexedDBOptions, fn: string): Promise<IDBDatabase> {
  const req = factory(options, fn).open(options.database ?? DEFAULT_DATABASE, 1);
  req.onupgradeneeded = () => {
    if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'name' });
  };
  return request(req).catch((error: unknown) => {
    throw new ModelError(`${fn}: cannot open the IndexedDB database '${options.database ?? DEFAULT_DATABASE}': ${describe(error)}`);
  });
}

/** Runs `body` in one transaction and resolves when the transaction has committed (so a save is durable). */
async function transact<T>(
  options: IndexedDBOptions,
  fn: string,
  mode: IDBTransactionMode,
  body: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await open(options, fn);
  try {
    const tx = db.transaction(STORE, mode);
    const result = request(body(tx.objectStore(STORE)));
    // A failed request also aborts the transaction, whose error is the one reported below.
    result.catch(() => {});
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      // The error event comes from the failed request; the transaction's own error may still be null.
      tx.onerror = (event) => reject(tx.error ?? (event.target as IDBRequest | null)?.error ?? null);
      tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    });
    return await result;
  } catch (error) {
    if (error instanceof NeuriteError) throw error;
    throw new ModelError(`${fn}: IndexedDB failed: ${describe(error)}`);
  } finally {
    db.close();
  }
}

function describe(error: unknown): string {
  return error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException)
    ? `${(error as Error).name}: ${(error as Error).message}`
    : String(error);
}

/**
 * Saves the model under `name` in IndexedDB; a model already saved under that name is replaced
 * only with `overwrite: true`. The write is one transaction: a reader sees the old model or
 * the new one, never a mix.
 */
export async function saveToIndexedDB(
  model: Sequential,
  name: string,
  options: StoreOptions & IndexedDBOptions = {},
): Promise<StoredModelInfo> {
  const fn = 'saveToIndexedDB';
  checkName(name, fn);
  checkKeys(options, fn, ['includeOptimizer', 'overwrite', 'database', 'indexedDB']);
  const overwrite = optionalBoolean(options.overwrite, false, fn, 'options.overwrite');
  const { modelJson, weights } = toBytes(model, { includeOptimizer: options.includeOptimizer ?? true });
  const record: StoredModel = { name, savedAt: new Date().toISOString(), modelJson, weights };
  try {
    // add() fails inside the same transaction when the name is taken: no check-then-write race.
    await transact(options, fn, 'readwrite', (store) => (overwrite ? store.put(record) : store.add(record)));
  } catch (error) {
    if (!overwrite && /ConstraintError/.test((error as Error).message)) {
      throw new ModelError(
        `${fn}: a model named '${name}' is already saved in the database '${options.database ?? DEFAULT_DATABASE}'; pass { overwrite: true } to replace it, or choose another name`,
      );
    }
    throw error;
  }
  return { name, savedAt: record.savedAt, bytes: weights.byteLength };
}

/** Loads the model saved under `name`; a ModelError names what is stored when nothing is under that name. */
export async function loadFromIndexedDB(name: string, options: IndexedDBOptions = {}): Promise<Sequential> {
  checkName(name, 'loadFromIndexedDB');
  checkKeys(options, 'loadFromIndexedDB', ['database', 'indexedDB']);
  const record = (await transact(options, 'loadFromIndexedDB', 'readonly', (store) => store.get(name))) as StoredModel | undefined;
  if (!record) {
    const saved = (await listIndexedDB(options)).map((m) => `'${m.name}'`);
    throw new ModelError(
      `loadFromIndexedDB: no model named '${name}' in the database '${options.database ?? DEFAULT_DATABASE}' (saved: ${saved.join(', ') || 'none'})`,
    );
  }
  return fromBytes({ modelJson: record.modelJson, weights: new Uint8Array(record.weights) }, `IndexedDB '${name}'`);
}

/** The models saved in the database, with when they were saved and their weights' size. */
export async function listIndexedDB(options: IndexedDBOptions = {}): Promise<StoredModelInfo[]> {
  checkKeys(options, 'listIndexedDB', ['database', 'indexedDB']);
  const all = (await transact(options, 'listIndexedDB', 'readonly', (store) => store.getAll())) as StoredModel[];
  return all.map((r) => ({ name: r.name, savedAt: r.savedAt, bytes: r.weights.byteLength }));
}

/** Deletes the model saved under `name`; true when there was one. */
export async function deleteFromIndexedDB(name: string, options: IndexedDBOptions = {}): Promise<boolean> {
  checkName(name, 'deleteFromIndexedDB');
  checkKeys(options, 'deleteFromIndexedDB', ['database', 'indexedDB']);
  const existed = (await transact(options, 'deleteFromIndexedDB', 'readonly', (store) => store.count(name))) > 0;
  if (existed) await transact(options, 'deleteFromIndexedDB', 'readwrite', (store) => store.delete(name));
  return existed;
}

export interface LocalStorageOptions {
  /** The Storage to use; default the global `localStorage` (sessionStorage works too). */
  storage?: Storage;
}

function storageOf(options: LocalStorageOptions, fn: string): Storage {
  const storage = options.storage ?? (globalThis as { localStorage?: Storage }).localStorage;
  if (!storage)
    throw new ModelError(
      `${fn}: localStorage is not available here; use saveToIndexedDB, or saveModel from '@neurite/layers/node' on Node`,
    );
  return storage;
}

/**
 * Saves a small model under `name` in localStorage, as JSON with the weights in base64; a
 * model already saved under that name is replaced only with `overwrite: true`.
 * A model whose text would not fit localStorage's 5 MiB is refused before anything is
 * written, with its size and the way out (IndexedDB); so is one the browser's quota refuses,
 * and the model saved before under that name is kept.
 */
export function saveToLocalStorage(model: Sequential, name: string, options: StoreOptions & LocalStorageOptions = {}): void {
  checkName(name, 'saveToLocalStorage');
  checkKeys(options, 'saveToLocalStorage', ['includeOptimizer', 'overwrite', 'storage']);
  const overwrite = optionalBoolean(options.overwrite, false, 'saveToLocalStorage', 'options.overwrite');
  const storage = storageOf(options, 'saveToLocalStorage');
  const key = LOCAL_PREFIX + name;
  if (!overwrite && storage.getItem(key) !== null) {
    throw new ModelError(
      `saveToLocalStorage: a model named '${name}' is already saved in localStorage; pass { overwrite: true } to replace it, or choose another name`,
    );
  }
  const { modelJson, weights } = toBytes(model, { includeOptimizer: options.includeOptimizer ?? true });
  const text = JSON.stringify({ format: 'neurite-local', modelJson, weights: toBase64(weights) });
  const size = 2 * (text.length + key.length);
  const tooBig = () =>
    new ModelError(
      `saveToLocalStorage: the model '${name}' takes ${formatBytes(size)} as localStorage text (${model.countParams()} parameters${options.includeOptimizer === false ? '' : ' plus optimizer state'}), more than localStorage's ${formatBytes(2 * LOCAL_STORAGE_LIMIT)}; save it with saveToIndexedDB, or with includeOptimizer: false`,
    );
  if (text.length + key.length > LOCAL_STORAGE_LIMIT) throw tooBig();
  try {
    storage.setItem(key, text);
  } catch (error) {
    if ((error as { name?: string })?.name === 'QuotaExceededError') throw tooBig();
    throw new ModelError(`saveToLocalStorage: ${describe(error)}`);
  }
}

export function loadFromLocalStorage(name: string, options: LocalStorageOptions = {}): Sequential {
  checkName(name, 'loadFromLocalStorage');
  checkKeys(options, 'loadFromLocalStorage', ['storage']);
  const storage = storageOf(options, 'loadFromLocalStorage');
  const text = storage.getItem(LOCAL_PREFIX + name);
  if (text === null) {
    const saved: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i);
      if (k?.startsWith(LOCAL_PREFIX)) saved.push(`'${k.slice(LOCAL_PREFIX.length)}'`);
    }
    throw new ModelError(`loadFromLocalStorage: no model named '${name}' in localStorage (saved: ${saved.join(', ') || 'none'})`);
  }
  let parsed: { format?: unknown; modelJson?: ModelJson; weights?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelFormatError(`localStorage '${name}': not valid JSON (${(error as Error).message})`);
  }
  if (parsed?.format !== 'neurite-local' || typeof parsed.weights !== 'string') {
    throw new ModelFormatError(`localStorage '${name}': not a model saved by saveToLocalStorage`);
  }
  return fromBytes({ modelJson: parsed.modelJson as ModelJson, weights: fromBase64(parsed.weights, name) }, `localStorage '${name}'`);
}

export function removeFromLocalStorage(name: string, options: LocalStorageOptions = {}): void {
  checkName(name, 'removeFromLocalStorage');
  storageOf(options, 'removeFromLocalStorage').removeItem(LOCAL_PREFIX + name);
}

/** The model as one safetensors file, model.json in its metadata (what downloadModel saves). */
export function modelToFile(model: Sequential, options: SaveOptions = {}): Uint8Array {
  checkKeys(options, 'modelToFile', ['includeOptimizer']);
  const { modelJson, weights } = toBytes(model, { includeOptimizer: options.includeOptimizer ?? true });
  const { tensors, metadata } = decodeSafetensors(weights, WEIGHTS_FILE);
  return encodeSafetensors(tensors, { ...metadata, [MODEL_KEY]: JSON.stringify(modelJson) });
}

/** Reads a file written by modelToFile / downloadModel. */
export function modelFromFile(bytes: Uint8Array, source = 'model file'): Sequential {
  const { metadata } = decodeSafetensors(bytes, source);
  const json = metadata?.[MODEL_KEY];
  if (typeof json !== 'string') {
    throw new ModelFormatError(
      `${source}: a safetensors file without Neurite's model description ("${MODEL_KEY}" metadata); choose model.json together with its weights.safetensors, or a file saved by downloadModel`,
    );
  }
  return fromBytes({ modelJson: parseModelJson(json, `${source} (metadata)`), weights: bytes } satisfies ModelArtifacts, source);
}

/**
 * Offers the model as a file download (`<name>.safetensors`), through a temporary link. Needs
 * a document (a page, not a worker): in a worker, post `modelToFile(model)` to the page.
 */
export function downloadModel(model: Sequential, filename = 'model.safetensors', options: SaveOptions = {}): void {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) throw new ModelError('downloadModel: needs a page with a document; in a worker, send modelToFile(model) to the page');
  const bytes = modelToFile(model, options);
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started from the URL by now; revoke it on the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Loads a model from files the user picked (an `<input type="file">`'s FileList, or a drop):
 * one file saved by downloadModel, or model.json with its weights.safetensors.
 */
export async function loadModelFromFiles(files: FileList | readonly Blob[] | Blob): Promise<Sequential> {
  const list: Blob[] = files instanceof Blob ? [files] : Array.from(files as ArrayLike<Blob>);
  const named = list.map((f) => ({ file: f, name: (f as File).name ?? '' }));
  if (named.length === 1) return modelFromFile(new Uint8Array(await named[0].file.arrayBuffer()), named[0].name || 'model file');
  const json = named.find((f) => f.name.endsWith('.json'));
  const weights = named.find((f) => f.name.endsWith('.safetensors'));
  if (named.length !== 2 || !json || !weights) {
    throw new ModelFormatError(
      `loadModelFromFiles: expected one file saved by downloadModel, or model.json and ${WEIGHTS_FILE}; received ${named.map((f) => `'${f.name}'`).join(', ') || 'no files'}`,
    );
  }
  const modelJson = parseModelJson(await json.file.text(), json.name);
  return fromBytes({ modelJson, weights: new Uint8Array(await weights.file.arrayBuffer()) }, weights.name);
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string, name: string): Uint8Array {
  let s: string;
  try {
    s = atob(text);
  } catch {
    throw new ModelFormatError(`localStorage '${name}': the weights are not valid base64`);
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function formatBytes(n: number): string {
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(2)} MiB`;
}
