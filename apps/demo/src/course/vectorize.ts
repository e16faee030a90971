import { Generator, matmul, mul, sum, type Tensor } from '@neurite/tensor';

export interface Timing {
  label: string;
  code: string;
  ms: number;
  value: number;
}

const N = 1_000_000;

/** Best of `runs` timings: the minimum is the least disturbed by the garbage collector and other tabs. */
function best(runs: number, f: () => number): { ms: number; value: number } {
  let ms = Number.POSITIVE_INFINITY;
  let value = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    value = f();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, value };
}

export function measure(): Timing[] {
  const rng = new Generator(1);
  const w: Tensor = rng.rand([1, N]);
  const x: Tensor = rng.rand([N, 1]);
  const wList = Array.from(w.data);
  const xList = Array.from(x.data);
  const wf = w.data as Float32Array;
  const xf = x.data as Float32Array;
  return [
    {
      label: 'for loop over JS arrays',
      code: 'for (let i = 0; i < n; i++) z += w[i] * x[i]',
      ...best(5, () => {
        let z = 0;
        for (let i = 0; i < wList.length; i++) z += wList[i] * xList[i];
        return z;
      }),
    },
    {
      label: 'for loop over a Float32Array',
      code: 'same loop, typed storage',
      ...best(5, () => {
        let z = 0;
        for (let i = 0; i < wf.length; i++) z += wf[i] * xf[i];
        return z;
      }),
    },
    { label: 'element-wise, then sum', code: 'sum(mul(w, x.T))', ...best(5, () => sum(mul(w, x.reshape([1, N]))).item()) },
    { label: 'vectorized: matmul', code: 'matmul(w, x)  // (1, n)·(n, 1)', ...best(5, () => matmul(w, x).item()) },
  ];
}

export function renderTimings(root: HTMLElement, note: HTMLElement, timings: Timing[]): void {
  const slowest = Math.max(...timings.map((t) => t.ms));
  root.innerHTML = timings
    .map(
      (t) => `<div class="bar-row">
        <div class="bar-label"><strong>${t.label}</strong><code>${t.code}</code></div>
        <div class="bar-track"><div class="bar" style="width:${Math.max(1.5, (100 * t.ms) / slowest)}%"></div></div>
        <output class="bar-ms">${t.ms.toFixed(2)} ms</output>
        <span class="bar-val muted small">z = ${t.value.toFixed(1)}</span>
      </div>`,
    )
    .join('');
  const loop = timings[0].ms;
  const vec = timings[3].ms;
  const ratio = loop / vec;
  note.hidden = false;
  note.textContent =
    (ratio >= 1
      ? `The vectorized matmul took ${vec.toFixed(2)} ms, ${ratio.toFixed(1)}× faster than the loop (${loop.toFixed(2)} ms). `
      : `Here the plain loop (${loop.toFixed(2)} ms) beats the vectorized matmul (${vec.toFixed(2)} ms). `) +
    'The course measures about 300× in Python, because every step of a Python loop goes through the interpreter. ' +
    'A JavaScript engine compiles a hot loop to machine code, so in the browser the lesson shrinks: vectorization pays off on larger ' +
    'operations (a matrix product, where the kernel reuses data from the cache) and with a native backend that brings BLAS and SIMD.';
}
