import * as nt from '@neurite/tensor';
import { Generator, type Tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { agree, BINARY, elementwise, gemmTolerance, type Step, softmaxStep, ULPS, unit } from './fuzz.ts';
import './setup.ts';

/**
 * The Rust kernels through the addon at the sizes where they split work: 16,384-element chunks,
 * 32,768 elements before threads start, whole blocks or column panels for softmax, the GEMM
 * routing rules. Each op runs on js and native-all and must agree within its error bound (the
 * bounds of the differential fuzz, test/fuzz.ts). The cargo tests check the same splits on 1, 2, 3
 * and 8 threads; this runs on the addon's own pool (RAYON_NUM_THREADS in the CI matrix).
 */
type DType = 'float32' | 'float64';
const DTYPES: DType[] = ['float32', 'float64'];

function expectAgree(step: Step, dtype: DType): void {
  const result = agree(step, dtype, 'native-all');
  if (typeof result === 'string' || result === undefined) expect.fail(`${step.name} ${dtype}: ${result ?? 'both threw'}`);
}

const input = (shape: number[], dtype: DType, seed = 1): Tensor => nt.mul(new Generator(seed).randn(shape, dtype), 3);

describe('softmax and logSoftmax for every shape', () => {
  // The shapes of issue 13: 32,768+ elements whose blocks do not line up with 16,384-element chunks.
  const shapes: [number[], number][] = [
    [[10, 60000], 0],
    [[3, 20000], 0],
    [[300, 300], 0],
    [[300, 300], 1],
    [[60000, 10], 1],
    [[10, 60000], 1],
    [[4, 9000, 3], 1],
    [[4, 9000, 3], 0],
    [[4, 9000, 3], 2],
    [[1, 40000], 1],
    [[40000, 1], 0],
    [[32769], 0],
    [[2, 16385], 0],
    [[2, 16383], 1],
  ];
  for (const dtype of DTYPES) {
    for (const [shape, axis] of shapes) {
      it(`${dtype} (${shape}) over axis ${axis}`, () => {
        const z = input(shape, dtype);
        expectAgree(softmaxStep(z, axis, false, dtype), dtype);
        expectAgree(softmaxStep(z, axis, true, dtype), dtype);
      }, 60_000);
    }
  }

  it('every row count of the (classes, m) layout around the thread threshold', () => {
    for (const m of [3276, 3277, 6553, 6554, 16384, 16385]) {
      for (const classes of [2, 5, 10]) {
        const z = input([classes, m], 'float32', m + classes);
        expectAgree(softmaxStep(z, 0, false, 'float32'), 'float32');
      }
    }
  }, 60_000);
});

describe('elementwise, reductions, linear and matmul around the chunk and thread boundaries', () => {
  const sizes = [16383, 16384, 16385, 32767, 32768, 32769, 131071, 131073, 262143, 262145];
  // The js backend computes every case too, on a shared machine.
  const timeout = 120_000;
  for (const dtype of DTYPES) {
    it(
      `${dtype}: unary ops at ${sizes.length} sizes`,
      () => {
        for (const n of sizes) {
          const z = input([n], dtype, n);
          for (const op of ['exp', 'tanh', 'sigmoid', 'log', 'sqrt', 'relu', 'square'] as const) {
            expectAgree({ name: `${op} [${n}]`, run: () => nt.unary(op, z), tolerance: elementwise(unit(dtype), ULPS[op]) }, dtype);
          }
        }
      },
      timeout,
    );

    it(
      `${dtype}: broadcast binary ops and where`,
      () => {
        for (const n of sizes) {
          const cols = Math.ceil(n / 7);
          const z = input([7, cols], dtype, n);
          for (const other of [input([1, cols], dtype, 2), input([7, 1], dtype, 3), input([cols], dtype, 4)]) {
            for (const op of ['sub', 'div', 'maximum', 'greater'] as const) {
              const f = BINARY[op];
              expectAgree(
                { name: `${op} [${z.shape}] [${other.shape}]`, run: () => f(z, other), tolerance: elementwise(unit(dtype), ULPS[op]) },
                dtype,
              );
            }
            expectAgree({ name: `where [${other.shape}]`, run: () => nt.where(nt.greater(z, 0), z, other), tolerance: () => 0 }, dtype);
          }
        }
      },
      timeout,
    );

    it(
      `${dtype}: reductions over every axis set`,
      () => {
        for (const shape of [[300, 300], [7, 4682], [3, 111, 101], [32769]]) {
          const z = input(shape, dtype);
          const rank = shape.length;
          for (let mask = 1; mask < 1 << rank; mask++) {
            const axes = [...Array(rank).keys()].filter((d) => mask & (1 << d));
            for (const op of ['max', 'min'] as const) {
              expectAgree(
                { name: `${op} [${shape}] ${axes}`, run: () => (op === 'max' ? nt.max : nt.min)(z, axes, true), tolerance: () => 0 },
                dtype,
              );
            }
            const n = axes.reduce((p, a) => p * shape[a], 1);
            const mag = nt.sum(nt.abs(z), axes, true).data;
            // Both accumulate in f64: n·2^-53·Σ|x| each, then one rounding each.
            const tolerance = (want: Tensor) =>
              Float64Array.from(want.data, (v, i) => 2 * n * 2 ** -53 * mag[i] + 2 * unit(dtype) * Math.abs(v));
            expectAgree({ name: `sum [${shape}] ${axes}`, run: () => nt.sum(z, axes, true), tolerance }, dtype);
          }
        }
      },
      timeout,
    );

    it(
      `${dtype}: products on both sides of every GEMM routing rule`,
      () => {
        // (m, n, k): deep gemv (k >= 2048), deep (k >= 1024 and >= 8·max(m, n)), wide (n >= 1024 and
        // >= 8·max(m, k)), around each edge, with every transpose combination.
        const shapes = [
          [1, 128, 2047],
          [1, 128, 2049],
          [130, 1, 2048],
          [20, 21, 1023],
          [20, 21, 1025],
          [2, 129, 1024],
          [4, 1023, 5],
          [4, 1025, 5],
          [4, 1041, 130],
          [20, 209, 12288],
        ];
        for (const [m, n, k] of shapes) {
          for (const [transA, transB] of [
            [false, false],
            [true, false],
            [false, true],
            [true, true],
          ]) {
            const a = input(transA ? [k, m] : [m, k], dtype, m + k);
            const b = input(transB ? [n, k] : [k, n], dtype, n + k);
            const flags = { transA, transB };
            const mag = () => nt.matmul(nt.abs(a), nt.abs(b), flags);
            expectAgree(
              {
                name: `matmul ${m}x${n}x${k} ${transA} ${transB}`,
                run: () => nt.matmul(a, b, flags),
                tolerance: gemmTolerance(k, unit(dtype), mag),
              },
              dtype,
            );
          }
        }
      },
      timeout,
    );

    it(
      `${dtype}: linear's epilogue where chunks start mid-row`,
      () => {
        for (const m of [4681, 4682, 18725, 18726]) {
          const A = input([1, m], dtype, m);
          const W = input([7, 1], dtype, 2);
          const b = input([7, 1], dtype, 3);
          for (const act of ['tanh', 'relu', 'sigmoid'] as const) {
            // k = 1: z = round(w·a) + b; two roundings of |w·a| + |b|, then the activation's (6u).
            const tolerance = (want: Tensor) => {
              const mag = nt.linear(nt.abs(W), nt.abs(A), nt.abs(b), 'linear').data;
              return Float64Array.from(want.data, (v, i) => 4 * unit(dtype) * mag[i] + 6 * unit(dtype) * Math.abs(v));
            };
            expectAgree({ name: `linear ${act} 7x${m}`, run: () => nt.linear(W, A, b, act), tolerance }, dtype);
          }
        }
      },
      timeout,
    );
  }
});

describe('large outputs are written whole', () => {
  // The native backend declares overwritesOutputs, so large results reach its kernels
  // uninitialized. Each kernel runs twice, into a zeroed and into a NaN-filled output: an
  // element that a chunk or thread split leaves unwritten keeps 0 in one and NaN in the other.
  const sizes = [16383, 16384, 16385, 32767, 32768, 32769, 65537, 100003];
  const same = (what: string, n: number, dtype: DType, run: (out: Float32Array | Float64Array) => void) => {
    const make = () => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
    const zero = make();
    const nan = make().fill(Number.NaN);
    run(zero);
    run(nan);
    for (let i = 0; i < n; i++) {
      if (!Object.is(zero[i], nan[i]) && !(Number.isNaN(zero[i]) && Number.isNaN(nan[i])))
        expect.fail(`${what} ${dtype} (${n}): element ${i} is ${zero[i]} when zeroed first, ${nan[i]} when NaN-filled`);
    }
  };
  for (const dtype of DTYPES) {
    it(`${dtype}: unary, binary, where, clip and activation backwards`, () => {
      nt.setBackend('native-all');
      try {
        const b = nt.getBackend();
        expect(b.overwritesOutputs).toBe(true);
        for (const n of sizes) {
          const x = input([n], dtype, n);
          const y = input([n], dtype, n + 1);
          for (const u of ['neg', 'abs', 'exp', 'log', 'sqrt', 'square', 'sigmoid', 'tanh', 'relu', 'gelu', 'silu'] as const) {
            same(`unary ${u}`, n, dtype, (out) => b.unary(u, x, out, 0.1));
          }
          for (const o of ['add', 'mul', 'div', 'maximum', 'less'] as const) {
            same(`binary ${o}`, n, dtype, (out) => b.binary(o, x, y, out, [n]));
          }
          same('where', n, dtype, (out) => b.where(nt.greater(x, 0), x, y, out, [n]));
          same('clip', n, dtype, (out) => b.clip(x, -0.5, 0.5, out));
          for (const act of nt.POINTWISE_ACTIVATIONS) {
            same(`activationBackward ${act}`, n, dtype, (out) => b.activationBackward(act, y, x, out, 0.1));
          }
        }
        // Broadcasts whose rows do not line up with the chunks: (rows, 7) with (rows, 1) and (1, 7).
        for (const rows of [2340, 2341, 4681, 4682, 14286]) {
          const x = input([rows, 7], dtype, rows);
          const col = input([rows, 1], dtype, 2);
          const row = input([1, 7], dtype, 3);
          same('binary add (rows, 7) with (rows, 1)', rows * 7, dtype, (out) => b.binary('add', x, col, out, [rows, 7]));
          same('binary mul (rows, 1) with (1, 7)', rows * 7, dtype, (out) => b.binary('mul', col, row, out, [rows, 7]));
        }
      } finally {
        nt.setBackend('js');
      }
    }, 120_000);

    it(`${dtype}: matmul and linear (beta = 0) across the GEMM routes`, () => {
      nt.setBackend('native-all');
      try {
        const b = nt.getBackend();
        // Skinny, square and dot-like products: each route of the GEMM selection.
        for (const [m, k, n] of [
          [20, 300, 209],
          [1, 4096, 209],
          [7, 1, 18725],
          [130, 65, 257],
          [209, 20, 1],
        ] as const) {
          const A = input([m, k], dtype, m);
          const B = input([k, n], dtype, n);
          const bias = input([m, 1], dtype, 5);
          const g = { transA: false, transB: false, alpha: 1, beta: 0 };
          same(`matmul ${m}x${k}x${n}`, m * n, dtype, (out) => b.matmul(A, B, out, g));
          same(`linear relu ${m}x${k}x${n}`, m * n, dtype, (out) => b.linear(A, B, bias, 'relu', 0.1, out));
          const At = input([k, m], dtype, m + 1);
          same(`matmul Aᵀ ${m}x${k}x${n}`, m * n, dtype, (out) => b.matmul(At, B, out, { ...g, transA: true }));
        }
      } finally {
        nt.setBackend('js');
      }
    }, 120_000);
  }
});
