import { describe, expect, it } from 'vitest';
import { loadFromLocalStorage, saveToLocalStorage } from '../src/browser.ts';
import { Dense, ModelError, Sequential } from '../src/index.ts';

/**
 * The Storage interface (what localStorage and sessionStorage implement), over a Map: the
 * `storage` option takes any Storage, as in a worker or a test. Real Chromium runs the same
 * calls in apps/demo/test-e2e/storage.test.mjs.
 */
class MapStorage implements Storage {
  #items = new Map<string, string>();
  get length(): number {
    return this.#items.size;
  }
  clear(): void {
    this.#items.clear();
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, String(value));
  }
}

const model = (seed: number) =>
  new Sequential({ inputUnits: 2, seed, dtype: 'float64' }).add(new Dense(1, { activation: 'sigmoid' })).build();

describe('saveToLocalStorage replaces a saved model only when asked', () => {
  it('refuses a taken name without overwrite, keeps the saved model, and replaces it with overwrite', () => {
    const storage = new MapStorage();
    saveToLocalStorage(model(1), 'm', { storage });
    expect(() => saveToLocalStorage(model(2), 'm', { storage })).toThrow(ModelError);
    expect(() => saveToLocalStorage(model(2), 'm', { storage })).toThrow(
      "saveToLocalStorage: a model named 'm' is already saved in localStorage; pass { overwrite: true } to replace it, or choose another name",
    );
    expect(Array.from(loadFromLocalStorage('m', { storage }).params().W1.data)).toEqual(Array.from(model(1).params().W1.data));
    saveToLocalStorage(model(2), 'm', { storage, overwrite: true });
    expect(Array.from(loadFromLocalStorage('m', { storage }).params().W1.data)).toEqual(Array.from(model(2).params().W1.data));
    expect(() => saveToLocalStorage(model(2), 'm', { storage, overwrite: 1 as never })).toThrow(/options\.overwrite must be true or false/);
  });
});
