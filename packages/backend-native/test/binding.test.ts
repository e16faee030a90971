import { describe, expect, it } from 'vitest';
import { nativeBinding } from '../src/index.ts';

/**
 * Bad input straight through the binding, bypassing the op layer: every case must throw a
 * JavaScript Error with a message naming the problem, and the process must go on (a panic
 * or abort across N-API would kill the test worker).
 */
const b = nativeBinding();
const f32 = (n: number) => new Float32Array(n);
const f64 = (n: number) => new Float64Array(n);
// biome-ignore lint/suspicious/noExplicitAny: deliberately wrong types from JavaScript.
const any = (v: unknown): any => v;

const cases: [string, () => void, RegExp][] = [
  ['tuneAllocator: NaN threshold', () => b.tuneAllocator(Number.NaN, 1), /mmapThreshold must be a non-negative integer, received NaN/],
  ['tuneAllocator: negative threshold', () => b.tuneAllocator(1, -1), /trimThreshold must be a non-negative integer, received -1/],
  ['gemm: a too short', () => b.gemm(false, false, 2, 3, 4, 1, f32(7), f32(12), 0, f32(6)), /a \(2x4\) must have 8 elements, received 7/],
  ['gemm: out too long', () => b.gemm(false, true, 2, 3, 4, 1, f32(8), f32(12), 0, f32(7)), /out \(2x3\) must have 6 elements, received 7/],
  [
    'gemm: NaN size',
    () => b.gemm(false, false, Number.NaN, 3, 4, 1, f32(8), f32(12), 0, f32(6)),
    /m must be a non-negative integer, received NaN/,
  ],
  [
    'gemm: negative dim',
    () => b.gemm(false, false, 2, -3, 4, 1, f32(8), f32(12), 0, f32(6)),
    /n must be a non-negative integer, received -3/,
  ],
  [
    'gemm: fractional dim',
    () => b.gemm(false, false, 2, 3, 4.5, 1, f32(8), f32(12), 0, f32(6)),
    /k must be a non-negative integer, received 4.5/,
  ],
  ['gemm: huge dim', () => b.gemm(false, false, 2 ** 40, 2 ** 40, 1, 1, f32(1), f32(1), 0, f32(1)), /must/],
  [
    'gemm: mixed dtypes',
    () => b.gemm(false, false, 2, 3, 4, 1, f64(8), f32(12), 0, f32(6)),
    /a must be a Float32Array like the output, received Float64Array/,
  ],
  [
    'gemm: Int32 out',
    () => b.gemm(false, false, 1, 1, 1, 1, f32(1), f32(1), 0, new Int32Array(1)),
    /out must be a Float32Array or Float64Array, received Int32Array/,
  ],
  ['gemm: Uint8Array operand', () => b.gemm(false, false, 1, 1, 1, 1, any(new Uint8Array(4)), f32(1), 0, f32(1)), /Uint8Array/],
  ['gemm: NaN alpha', () => b.gemm(false, false, 1, 1, 1, Number.NaN, f32(1), f32(1), 0, f32(1)), /alpha and beta must be finite/],
  ['gemm: plain array', () => b.gemm(false, false, 1, 1, 1, 1, any([1]), f32(1), 0, f32(1)), /not a typed array/],
  [
    'gemm: out aliases a',
    () => {
      const buf = f32(8);
      b.gemm(false, false, 2, 2, 2, 1, buf.subarray(0, 4), f32(4), 0, buf.subarray(2, 6));
    },
    /out shares memory with a/,
  ],
  ['unary: unknown op', () => b.unary('cosh', f32(2), f32(2), 0), /op must be one of .* received 'cosh'/],
  ['unary: length mismatch', () => b.unary('exp', f32(3), f32(2), 0), /x \(3 elements\) and out \(2 elements\)/],
  [
    'binary: shapes do not broadcast',
    () => b.binary('add', f32(6), [2, 3], f32(2), [2], f32(6), [2, 3]),
    /b shape \[2\] cannot broadcast to \[2, 3\]/,
  ],
  [
    'binary: data shorter than shape',
    () => b.binary('add', f32(5), [2, 3], f32(3), [3], f32(6), [2, 3]),
    /a must have 6 elements, received 5/,
  ],
  [
    'binary: negative dim in shape',
    () => b.binary('add', f32(0), [-1, 0], f32(0), [0], f32(0), [0]),
    /aShape\[0\] must be a non-negative integer, received -1/,
  ],
  [
    'binary: NaN in shape',
    () => b.binary('mul', f32(1), [Number.NaN], f32(1), [1], f32(1), [1]),
    /aShape\[0\] must be a non-negative integer, received NaN/,
  ],
  ['binary: shape not an array', () => b.binary('mul', f32(1), any(5), f32(1), [1], f32(1), [1]), /./],
  ['binary: shape of strings', () => b.binary('mul', f32(1), any(['x']), f32(1), [1], f32(1), [1]), /./],
  [
    'where: rank too high',
    () => b.where(f32(1), [1, 1, 1], f32(1), [1], f32(1), [1], f32(1), [1]),
    /cond has rank 3 but the output has rank 1/,
  ],
  ['reduce: axis out of range', () => b.reduce('sum', f32(6), [2, 3], [2], f32(2)), /axes\[0\] must be in \[0, 2\), received 2/],
  ['reduce: unsorted axes', () => b.reduce('sum', f32(6), [2, 3], [1, 0], f32(1)), /sorted/],
  ['reduce: wrong out size', () => b.reduce('max', f32(6), [2, 3], [1], f32(3)), /out must have 2 elements, received 3/],
  ['argMax: float out', () => b.argMax(f32(6), [2, 3], 1, f32(2)), /argMax: out must be a Int32Array, received Float32Array/],
  ['softmax: NaN axis', () => b.softmax(f32(6), [2, 3], Number.NaN, f32(6), false), /axis must be a non-negative integer, received NaN/],
  [
    'linear: bias of wrong length',
    () => b.linear(f32(6), 2, 3, f32(6), 2, f32(3), 'tanh', 0, f32(4)),
    /b must have 2 elements, received 3/,
  ],
  ['linear: unknown activation', () => b.linear(f32(6), 2, 3, f32(6), 2, null, 'gelu', 0, f32(4)), /activation must be one of/],
  [
    'activationBackward: A shorter than dA',
    () => b.activationBackward('relu', f64(4), f64(3), f64(4), 0),
    /dA \(4 elements\) and A \(3 elements\)/,
  ],
  ['sgdUpdate: grad shorter', () => b.sgdUpdate(f32(4), f32(3), 0.1), /param \(4 elements\) and grad \(3 elements\)/],
  ['sgdUpdate: NaN lr', () => b.sgdUpdate(f32(4), f32(4), Number.NaN), /lr must be a number, received NaN/],
  [
    'adamUpdate: m aliases param',
    () => {
      const p = f32(4);
      b.adamUpdate(p, f32(4), p, f32(4), 0.01, 0.9, 0.999, 1e-8, 1);
    },
    /param shares memory with m/,
  ],
  [
    'adamUpdate: t = 0',
    () => b.adamUpdate(f32(4), f32(4), f32(4), f32(4), 0.01, 0.9, 0.999, 1e-8, 0),
    /t must be a step count >= 1, received 0/,
  ],
  ['setGemmProvider: unknown', () => b.setGemmProvider('mkl'), /name must be one of .*received 'mkl'/],
  ['missing arguments', () => any(b.gemm)(), /./],
];

describe('the binding rejects bad input with a JavaScript Error', () => {
  for (const [name, call, message] of cases) {
    it(name, () => {
      expect(call).toThrow(Error);
      expect(call).toThrow(message);
    });
  }

  it('still computes after all the rejections', () => {
    const out = f64(4);
    b.gemm(false, false, 2, 2, 1, 1, new Float64Array([1, 2]), new Float64Array([3, 4]), 0, out);
    expect([...out]).toEqual([3, 4, 6, 8]);
  });
});
