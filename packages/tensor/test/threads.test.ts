import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { gemm } from '../src/backends/js/gemm.ts';
import * as single from '../src/backends/js/threads/single.ts';
import type { FloatArray } from '../src/dtype.ts';
import { getThreads, setThreads, threadInfo, ValueError } from '../src/index.ts';
import { gamma } from '../src/testing/index.ts';

/*
 * The js backend's GEMM threads (src/backends/js/threads/). Results are checked against a
 * triple loop written here, for each way the pool cuts a product (along M, N or K); and for
 * the property that makes threads safe to leave on: the bits never depend on timing.
 */

type Dtype = 'float32' | 'float64';

function random(dtype: Dtype, n: number, seed: number): FloatArray {
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

interface Case {
  name: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
}

// Each is ≥ 4M multiply-adds (the pool's threshold) and cut along a different side.
const cases: Case[] = [
  { name: 'K cut: Z1 = W1·X of the cat net', transA: false, transB: false, M: 20, N: 209, K: 12288 },
  { name: 'N cut, transB: dW1 = dZ1·Xᵀ', transA: false, transB: true, M: 20, N: 3001, K: 209 },
  { name: 'N cut, ragged square', transA: false, transB: false, M: 161, N: 203, K: 150 },
  { name: 'M cut, transA', transA: true, transB: false, M: 1203, N: 37, K: 111 },
  { name: 'M cut, both transposed', transA: true, transB: true, M: 999, N: 45, K: 101 },
];

function operands({ transA, transB, M, N, K }: Case, dtype: Dtype) {
  return {
    A: random(dtype, M * K, 1 + M),
    B: random(dtype, K * N, 2 + N),
    C0: random(dtype, M * N, 3 + K),
    aAt: (i: number, k: number) => (transA ? k * M + i : i * K + k),
    bAt: (k: number, j: number) => (transB ? j * K + k : k * N + j),
  };
}

function run(c: Case, dtype: Dtype, alpha: number, beta: number): FloatArray {
  const { A, B, C0 } = operands(c, dtype);
  const C = C0.slice();
  gemm(c.transA, c.transB, c.M, c.N, c.K, alpha, A, B, beta, C);
  return C;
}

async function whenReady(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (threadInfo().ready < threadInfo().threads - 1 || threadInfo().threads < 2) {
    if (Date.now() > deadline || threadInfo().failure !== undefined)
      throw new Error(`workers did not start: ${JSON.stringify(threadInfo())}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterAll(() => setThreads(getThreads()));

// Workers take seconds to start on a loaded machine; whenReady waits up to 30 s for them.
describe('js GEMM threads', { timeout: 60_000 }, () => {
  it('checks the thread count it is given', () => {
    expect(() => setThreads(0)).toThrow(ValueError);
    expect(() => setThreads(0)).toThrow('setThreads: expected an integer number of threads from 1 to 16, received 0');
    expect(() => setThreads(1.5)).toThrow('received 1.5');
    expect(() => setThreads(17)).toThrow('received 17');
    expect(() => setThreads(Number.NaN)).toThrow('received NaN');
  });

  it('gives the K cut the same bits before and after its workers are up', async () => {
    setThreads(2);
    const c = cases[0] as Case;
    // Right after setThreads the worker is still loading: the main thread computes its share.
    const early = run(c, 'float64', 0.5, 0);
    expect(threadInfo().jobs).toBe(0);
    await whenReady();
    const late = run(c, 'float64', 0.5, 0);
    expect(threadInfo().jobs).toBe(1);
    expect(Array.from(late)).toEqual(Array.from(early));
  });

  for (const dtype of ['float32', 'float64'] as const) {
    for (const c of cases) {
      it(`${c.name}, ${dtype}: matches the definition, with workers taking part`, async () => {
        setThreads(2);
        run(c, dtype, 1, 0);
        await whenReady();
        const before = threadInfo().jobs;
        const alpha = 0.75;
        const beta = -0.5;
        const C = run(c, dtype, alpha, beta);
        expect(threadInfo().jobs).toBe(before + 1);
        const { A, B, C0, aAt, bAt } = operands(c, dtype);
        // Relative to Σ|terms|: both this loop and the kernel sum K products in float64, in any
        // order, so each errs by γ_{K+2} (alpha and beta add two roundings); float32 results
        // are rounded once more, and a K cut adds at most one float32 rounding per share (≤ 16).
        const tolerance = 2 * gamma(c.K + 2, 'float64') + (dtype === 'float32' ? gamma(18, 'float32') : 0);
        let worst = 0;
        for (let i = 0; i < c.M; i++) {
          for (let j = 0; j < c.N; j++) {
            let sum = 0;
            let scale = 0;
            for (let k = 0; k < c.K; k++) {
              const term = (A[aAt(i, k)] as number) * (B[bAt(k, j)] as number);
              sum += term;
              scale += Math.abs(term);
            }
            const expected = alpha * sum + beta * (C0[i * c.N + j] as number);
            const error =
              Math.abs((C[i * c.N + j] as number) - expected) / (Math.abs(alpha) * scale + Math.abs(beta * (C0[i * c.N + j] as number)));
            worst = Math.max(worst, error);
          }
        }
        expect(worst).toBeLessThan(tolerance);
      });
    }
  }

  it('cuts along M or N give exactly the single-threaded bits', async () => {
    for (const c of cases.slice(1)) {
      setThreads(1);
      const one = run(c, 'float32', 1, 0);
      setThreads(2);
      run(c, 'float32', 1, 0);
      await whenReady();
      expect(Array.from(run(c, 'float32', 1, 0)), c.name).toEqual(Array.from(one));
    }
  });
});

describe('the one-thread stand-in browser bundles get (package.json "browser")', () => {
  it('runs everything on the calling thread and checks setThreads the same way', () => {
    expect(single.parallel()).toBe(false);
    single.setThreads(4);
    expect(single.getThreads()).toBe(1);
    expect(single.threadInfo()).toEqual({ threads: 1, workers: 0, ready: 0, jobs: 0, failure: undefined });
    expect(() => single.setThreads(0)).toThrow('setThreads: expected an integer number of threads from 1 to 16, received 0');
  });
});

describe('NEURITE_THREADS and the process', { timeout: 60_000 }, () => {
  const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const node = (script: string, env: Record<string, string>): string =>
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('reads the thread count from NEURITE_THREADS and names a bad one', () => {
    const show = `import { getThreads } from ${JSON.stringify(index)}; try { console.log(getThreads()); } catch (e) { console.log(e.name + ': ' + e.message); }`;
    expect(node(show, { NEURITE_THREADS: '3' }).trim()).toBe('3');
    expect(node(show, { NEURITE_THREADS: 'many' }).trim()).toBe(
      'ValueError: NEURITE_THREADS: expected an integer number of threads from 1 to 16, received NaN',
    );
  });

  it('exits when the work is done: idle workers do not keep Node alive', () => {
    const script = `
      import { matmul, setBackend, tensor, threadInfo } from ${JSON.stringify(index)};
      setBackend('js');
      const a = tensor(new Float32Array(20 * 12288).fill(0.5), 'float32', [20, 12288]);
      const b = tensor(new Float32Array(12288 * 209).fill(2), 'float32', [12288, 209]);
      matmul(a, b);
      while (threadInfo().ready < 1 && threadInfo().failure === undefined) await new Promise((r) => setTimeout(r, 10));
      const c = matmul(a, b);
      console.log(threadInfo().failure ?? threadInfo().jobs, c.data[0], c.data[20 * 209 - 1]);`;
    const started = Date.now();
    expect(node(script, { NEURITE_THREADS: '2' }).trim()).toBe('1 12288 12288');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
