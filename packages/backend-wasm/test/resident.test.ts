import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Generator, matmul, setBackend, type Tensor, toBackend } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { wasmInfo } from '../src/index.ts';
import './setup.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage and lets FinalizationRegistry callbacks run, until `done` or 5 s. */
async function collectUntil(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done() && Date.now() < deadline) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets the earlier tests' garbage go first, so that residentBytes counts only what follows. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

const bits = (t: Tensor) => Array.from(t.data);

/**
 * toBackend's tensors live in wasm memory (shared under Node): one copy, read in place by the
 * kernels, through every growth of the memory, and freed when the tensor is garbage.
 */
describe('wasm toBackend', () => {
  it('keeps a copy in wasm memory, counted in residentBytes', () => {
    setBackend('wasm');
    const before = wasmInfo().residentBytes;
    const X0 = new Generator(1).uniform(-1, 1, [300, 200], 'float32');
    const X = toBackend(X0);
    expect(X).not.toBe(X0);
    expect(X.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(bits(X)).toEqual(bits(X0));
    expect(wasmInfo().residentBytes - before).toBe(300 * 200 * 4);
    // Small tensors and integers stay where they are: their ops run in js.
    const small = new Generator(2).uniform(-1, 1, [4, 4], 'float32');
    expect(toBackend(small)).toBe(small);
  });

  it('stays valid and in place while the memory grows under it', () => {
    setBackend('wasm');
    const g = new Generator(3);
    const A0 = g.uniform(-1, 1, [200, 150], 'float64');
    const B0 = g.uniform(-1, 1, [150, 120], 'float64');
    const A = toBackend(A0);
    const B = toBackend(B0);
    const expected = bits(matmul(A0, B0));
    const grown = wasmInfo().memoryBytes;
    // An op whose operands need more memory than there is: the memory grows (a new buffer).
    const big = g.uniform(-1, 1, [1500, 1500], 'float64');
    matmul(big, big);
    expect(wasmInfo().memoryBytes).toBeGreaterThan(grown);
    expect(bits(A)).toEqual(bits(A0));
    expect(bits(matmul(A, B))).toEqual(expected);
  });

  it('frees a tensor kept in wasm memory once it is garbage, and reuses its bytes', { timeout: 60_000 }, async () => {
    setBackend('wasm');
    const g = new Generator(4);
    await settle();
    const base = wasmInfo().residentBytes;
    let X: Tensor | null = toBackend(g.uniform(-1, 1, [1000, 500], 'float32'));
    expect(wasmInfo().residentBytes - base).toBe(2_000_000);
    X = null;
    await collectUntil(() => wasmInfo().residentBytes === base);
    expect(X).toBeNull();
    expect(wasmInfo().residentBytes).toBe(base);
    // Twenty 2 MB tensors in turn, each garbage before the next: the memory does not grow by 40 MB.
    const memory = wasmInfo().memoryBytes;
    const keepOne = () => {
      const Y = toBackend(g.uniform(-1, 1, [1000, 500], 'float32'));
      expect(wasmInfo().residentBytes - base).toBe(2_000_000);
      return Y.data[0];
    };
    for (let i = 0; i < 20; i++) {
      keepOne();
      await collectUntil(() => wasmInfo().residentBytes === base);
    }
    expect(wasmInfo().memoryBytes - memory).toBeLessThan(8_000_000);
  });
});
