/**
 * Where crossing N-API starts to pay: times each op on the js backend and straight through
 * the binding at growing sizes (rows of 4, as in the planar network's 4x400 layers).
 * Run: npx tsx --conditions=source scripts/crossover.ts
 */
import { jsBackend, Tensor } from '@neurite/tensor';
import { nativeBinding } from '../src/index.ts';

const native = nativeBinding();

function perCall(f: () => void): number {
  for (let i = 0; i < 200; i++) f();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const reps = 2000;
    const t = performance.now();
    for (let i = 0; i < reps; i++) f();
    best = Math.min(best, ((performance.now() - t) / reps) * 1000);
  }
  return best;
}

const rows = 4;
console.log('| op | elements | js µs | native µs |');
console.log('|---|---|---|---|');
for (const cols of [25, 100, 400, 1024, 4096]) {
  const size = rows * cols;
  const data = Float32Array.from({ length: size }, (_, i) => Math.sin(i));
  const x = new Tensor(data, [rows, cols]);
  const y = new Tensor(
    Float32Array.from(data, (v) => v + 1),
    [rows, cols],
  );
  const col = new Tensor(new Float32Array(rows).fill(0.5), [rows, 1]);
  const out = new Float32Array(size);
  const sums = new Float32Array(rows);
  const rowsOut = new Float32Array(rows * rows);
  const cases: [string, () => void, () => void][] = [
    ['add', () => jsBackend.binary('add', x, y, out, x.shape), () => native.binary('add', x.data, x.shape, y.data, y.shape, out, x.shape)],
    [
      'add (n,1) bias',
      () => jsBackend.binary('add', x, col, out, x.shape),
      () => native.binary('add', x.data, x.shape, col.data, col.shape, out, x.shape),
    ],
    ['relu', () => jsBackend.unary('relu', x, out, 0), () => native.unary('relu', x.data, out, 0)],
    ['tanh', () => jsBackend.unary('tanh', x, out, 0), () => native.unary('tanh', x.data, out, 0)],
    ['sigmoid', () => jsBackend.unary('sigmoid', x, out, 0), () => native.unary('sigmoid', x.data, out, 0)],
    ['sum axis 1', () => jsBackend.reduce('sum', x, [1], sums), () => native.reduce('sum', x.data, x.shape, [1], sums)],
    [
      'tanh backward',
      () => jsBackend.activationBackward('tanh', x, y, out, 0),
      () => native.activationBackward('tanh', x.data, y.data, out, 0),
    ],
    [
      `gemm (4x${cols})(${cols}x4)ᵀ`,
      () => jsBackend.matmul(x, y, rowsOut, { transA: false, transB: true, alpha: 1, beta: 0 }),
      () => native.gemm(false, true, rows, rows, cols, 1, x.data, y.data, 0, rowsOut),
    ],
  ];
  for (const [name, js, nat] of cases) {
    console.log(`| ${name} | ${size} | ${perCall(js).toFixed(2)} | ${perCall(nat).toFixed(2)} |`);
  }
}
