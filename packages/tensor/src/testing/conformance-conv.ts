import { valueAndGrad } from '../autodiff/grad.ts';
import { tensor } from '../creation.ts';
import type { FloatDType } from '../dtype.ts';
import { ShapeError, ValueError } from '../errors.ts';
import * as op from '../ops/index.ts';
import { convGeometry, convOptionValues, poolGeometry } from '../ops/window.ts';
import { Generator } from '../random/generator.ts';
import { getBackend, setBackend } from '../registry.ts';
import type { Tensor } from '../tensor.ts';
import { assertClose, assertDType, assertEqual, assertThrows, assertWritesWhole, ConformanceFailure, EXACT } from './assert.ts';
import type { ArrayFixture } from './fixtures/conformance.ts';
import { type ConvCase, convCases, type PadCase, type PoolCase, padCases, poolCases } from './fixtures/conv.ts';
import type { ConformanceCase } from './index.ts';

/*
 * conv2d, its gradients, the pools and pad against PyTorch and numpy
 * (scripts/gen_conv_fixtures.py), in both float dtypes, plus bad inputs.
 *
 * Tolerances come from the error bound of a sum of n products computed in precision u:
 * |computed − exact| ≤ n·u·Σ|terms| (to first order), where Σ|terms| is the same sum over
 * |x|·|W| (the fixture's abs* arrays). n is f_h·f_w·n_C_prev for Z, f_h·f_w·n_C for dA_prev and
 * m·n_H·n_W for dW: a float32 GEMM's K. Inputs are float32-exact, so the float64 references are
 * the exact sums to within 1e-16, and the bound holds whatever order a kernel sums in.
 */

const UNIT: Record<FloatDType, number> = { float32: 2 ** -24, float64: 2 ** -53 };

/** |actual − expected| ≤ (terms + 2)·u·scale elementwise, with a floor of u·1e-3 for exact zeros. */
function assertBounded(actual: Tensor, expected: ArrayFixture, scale: ArrayLike<number>, terms: number, dtype: FloatDType, label: string) {
  assertEqual(actual.shape, expected.shape, `${label} shape`);
  const u = UNIT[dtype];
  let worst = -1;
  let worstRatio = 1;
  for (let i = 0; i < actual.size; i++) {
    const bound = (terms + 2) * u * scale[i] + u * 1e-3;
    const ratio = Math.abs(actual.data[i] - expected.data[i]) / bound;
    if (!(ratio <= worstRatio)) {
      worst = i;
      worstRatio = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio;
    }
  }
  if (worst >= 0) {
    throw new ConformanceFailure(
      `${label}: element ${worst} is ${actual.data[worst]}, expected ${expected.data[worst]}; |diff| is ${worstRatio.toPrecision(3)}x the bound (${terms} terms, ${dtype})`,
    );
  }
}

function draw(g: Generator, shape: readonly number[], dtype: FloatDType): Tensor {
  return g.uniform(-1, 1, shape, 'float32').cast(dtype);
}

const plus = (a: ArrayLike<number>, b: (i: number) => number): number[] => Array.from(a, (v, i) => v + b(i));

function convCase(c: ConvCase, dtype: FloatDType): void {
  const g = new Generator(c.seed);
  const x = draw(g, c.xShape, dtype);
  const W = draw(g, c.wShape, dtype);
  const n = c.wShape[3];
  const b = c.bias ? draw(g, [n], dtype) : null;
  // The course's (1, 1, 1, n_C) bias, and the flat (n_C) one on the pointwise case.
  const bias = b && !c.name.startsWith('pointwise') ? op.reshape(b, [1, 1, 1, n]) : b;
  const options = { ...c.options, ...(bias ? { bias } : {}) };
  const dy = draw(g, c.Z.shape, dtype);
  const [fH, fW, inC] = c.wShape;
  const [m, outH, outW] = c.Z.shape;
  const absB = (i: number) => (b ? Math.abs(b.data[i % n]) : 0);

  const Z = op.conv2d(x, W, options);
  assertDType(Z, dtype, 'conv2d');
  assertBounded(Z, c.Z, plus(c.absZ.data, absB), fH * fW * inC + 1, dtype, 'conv2d Z');

  const args = bias ? [x, W, bias] : [x, W];
  const { grads } = valueAndGrad((...t: Tensor[]) =>
    op.sum(op.mul(op.conv2d(t[0], t[1], { ...c.options, ...(t[2] ? { bias: t[2] } : {}) }), dy)),
  )(...args);
  assertBounded(grads[0], c.dx, c.absDx.data, fH * fW * n, dtype, 'dA_prev (autodiff)');
  assertBounded(grads[1], c.dW, c.absDW.data, m * outH * outW, dtype, 'dW (autodiff)');
  if (c.db && bias) {
    const absDb = Array.from({ length: n }, (_, k) => {
      let s = 0;
      for (let i = k; i < dy.size; i += n) s += Math.abs(dy.data[i]);
      return s;
    });
    assertEqual(grads[2].shape, bias.shape, 'db shape');
    assertBounded(op.reshape(grads[2], [n]), c.db, absDb, m * outH * outW, dtype, 'db');
  }
  const dx = op.conv2dBackpropInput(dy, W, c.xShape, c.options);
  assertBounded(dx, c.dx, c.absDx.data, fH * fW * n, dtype, 'conv2dBackpropInput');
  const dW = op.conv2dBackpropFilter(x, dy, c.wShape, c.options);
  assertBounded(dW, c.dW, c.absDW.data, m * outH * outW, dtype, 'conv2dBackpropFilter');
}

function poolCase(c: PoolCase, dtype: FloatDType): void {
  const g = new Generator(c.seed);
  const size = c.xShape.reduce((p, d) => p * d, 1);
  const x = c.integers ? tensor(g.randint(0, c.name.includes('0..2') ? 3 : 2, size), dtype, c.xShape) : draw(g, c.xShape, dtype);
  const o = c.options as unknown as op.AvgPool2dOptions;
  const [fH, fW] = typeof o.poolSize === 'number' ? [o.poolSize, o.poolSize] : o.poolSize;
  const [sH, sW] = o.stride === undefined ? [fH, fW] : typeof o.stride === 'number' ? [o.stride, o.stride] : o.stride;
  // An input element sits in at most `overlap` windows; |x|, |dA| < 1. Each sum has at most
  // fH·fW (forward) or `overlap` (backward) terms, each at most 1 in magnitude.
  const overlap = Math.ceil(fH / sH) * Math.ceil(fW / sW);
  const u = UNIT[dtype];
  // maxPool2d takes no countIncludePad.
  const plain: op.Pool2dOptions = { poolSize: o.poolSize, stride: o.stride, padding: o.padding };

  const A = op.maxPool2d(x, plain);
  assertDType(A, dtype, 'maxPool2d');
  assertClose(A, c.max, EXACT, 'maxPool2d (a maximum is exact)');
  const dAmax = draw(g, c.max.shape, dtype);
  const tol = { rtol: 0, atol: (overlap + 2) * overlap * u };
  assertClose(
    valueAndGrad((t: Tensor) => op.sum(op.mul(op.maxPool2d(t, plain), dAmax)))(x).grads[0],
    c.maxBackward,
    tol,
    'maxPool2d gradient',
  );
  assertClose(op.maxPool2dBackward(dAmax, x, plain), c.maxBackward, tol, 'maxPool2dBackward');

  const k = fH * fW;
  const Aavg = op.avgPool2d(x, o);
  assertClose(Aavg, c.avg, { rtol: 0, atol: (k + 2) * u * (c.integers ? 2 : 1) }, 'avgPool2d');
  const dAavg = draw(g, c.avg.shape, dtype);
  const avgTol = { rtol: 0, atol: (overlap + 2) * overlap * u };
  assertClose(
    valueAndGrad((t: Tensor) => op.sum(op.mul(op.avgPool2d(t, o), dAavg)))(x).grads[0],
    c.avgBackward,
    avgTol,
    'avgPool2d gradient',
  );
  assertClose(op.avgPool2dBackward(dAavg, c.xShape, o), c.avgBackward, avgTol, 'avgPool2dBackward');
}

function padCase(c: PadCase, dtype: FloatDType): void {
  const x = draw(new Generator(c.seed), c.xShape, dtype);
  const y = op.pad(x, c.padWidth as op.PadWidth, c.value);
  assertDType(y, dtype, 'pad');
  assertClose(y, c.expected, EXACT, 'pad');
}

export function convConformanceCases(backendName: string): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const add = (name: string, fn: () => void) =>
    cases.push({
      name,
      fn: () => {
        setBackend(backendName);
        fn();
      },
    });
  for (const dtype of ['float32', 'float64'] as const) {
    for (const c of convCases) add(`conv2d ${c.name} ${dtype}`, () => convCase(c, dtype));
    for (const c of poolCases) add(`pool ${c.name} ${dtype}`, () => poolCase(c, dtype));
    for (const c of padCases) add(`pad ${c.name} ${dtype}`, () => padCase(c, dtype));
  }
  add('pad keeps int32 and float dtypes', () => {
    const y = op.pad(tensor([1, 2], 'int32'), 1, 9);
    assertDType(y, 'int32');
    assertClose(y, [9, 1, 2, 9], EXACT);
  });
  // conv2d and pool2d get uninitialized outputs from a backend that declares
  // overwritesOutputs (see allocateOverwritten): each must write every element. Run into a
  // zeroed and a NaN-filled output, an element left unwritten differs between the two. The
  // geometries reach every kernel family a backend might pick: one channel at stride 1 and at
  // stride 2, few channels, 3x3 with 8 channels (Winograd on native), dilation and a 2x2 window
  // (im2col), with and without the bias.
  add('outputs are overwritten whole: conv2d and pool2d', () => {
    const b = getBackend();
    for (const dtype of ['float32', 'float64'] as const) {
      const same = (what: string, n: number, run: (out: Float32Array | Float64Array) => void) => assertWritesWhole(what, dtype, n, run);
      const gen = new Generator(11);
      const convs: [number[], number[], Record<string, unknown>][] = [
        [[2, 11, 13, 1], [5, 5, 1, 6], { padding: 'same' }],
        [[1, 9, 17, 1], [3, 3, 1, 13], { padding: [1, 2], dilation: [2, 1] }],
        [[2, 9, 11, 1], [3, 3, 1, 7], { stride: 2, padding: 'same' }],
        [[2, 10, 10, 3], [3, 3, 3, 9], { padding: 'valid' }],
        [[2, 9, 9, 8], [3, 3, 8, 8], { padding: 'same' }],
        [[1, 8, 9, 5], [2, 2, 5, 20], { dilation: 2, stride: [1, 2] }],
      ];
      for (const [xShape, wShape, options] of convs) {
        const x = gen.uniform(-1, 1, xShape, dtype);
        const W = gen.uniform(-1, 1, wShape, dtype);
        const bias = gen.uniform(-1, 1, [wShape[3]], dtype);
        const g = convGeometry('conv2d', xShape, wShape, convOptionValues('conv2d', options));
        const n = g.m * g.outH * g.outW * g.outC;
        const label = `conv2d ${JSON.stringify(xShape)} * ${JSON.stringify(wShape)} ${JSON.stringify(options)}`;
        same(label, n, (out) => b.conv2d(x, W, null, g, out));
        same(`${label} with bias`, n, (out) => b.conv2d(x, W, bias, g, out));
      }
      const x = gen.uniform(-1, 1, [2, 9, 7, 3], dtype);
      for (const options of [{ poolSize: 2 }, { poolSize: 3, stride: 2, padding: 'same' }, { poolSize: [2, 3], stride: [1, 2] }]) {
        for (const countPad of [false, true]) {
          const g = poolGeometry('pool2d', x.shape, options, countPad);
          const n = g.m * g.outH * g.outW * g.inC;
          for (const mode of ['max', 'avg'] as const) {
            same(`pool2d ${mode} ${JSON.stringify(options)} countPad ${countPad}`, n, (out) => b.pool2d(mode, x, g, out));
          }
        }
      }
    }
  });
  add('conv2d of an empty batch, and its filter gradient of zeros', () => {
    const x = tensor(new Float64Array(0), 'float64', [0, 4, 4, 2]);
    const W = new Generator(3).uniform(-1, 1, [3, 3, 2, 5], 'float64');
    assertEqual(op.conv2d(x, W, { padding: 'same' }).shape, [0, 4, 4, 5]);
    const dW = op.conv2dBackpropFilter(x, tensor(new Float64Array(0), 'float64', [0, 4, 4, 5]), [3, 3, 2, 5], { padding: 'same' });
    assertClose(dW, new Float64Array(90), EXACT, 'dW of no examples');
  });
  add('conv2d and the pools reject bad options before any work', () => {
    const x = new Generator(1).randn([2, 5, 5, 3]);
    const W = new Generator(2).randn([3, 3, 3, 4]);
    assertThrows(() => op.conv2d(x, W, { strides: 2 } as never), ValueError, "unknown option 'strides'", 'stride');
    assertThrows(() => op.conv2d(x, W, { stride: 0 }), ValueError, 'stride', 'positive integer', '0');
    assertThrows(() => op.conv2d(x, W, { stride: [1, 1.5] as never }), ValueError, 'stride', '[1,1.5]');
    assertThrows(() => op.conv2d(x, W, { padding: 'full' as never }), ValueError, 'padding', "'full'");
    assertThrows(() => op.conv2d(x, W, { padding: -1 }), ValueError, 'padding', '-1');
    assertThrows(() => op.conv2d(x, W, { padding: [[1, 0], [1]] as never }), ValueError, 'padding[1]');
    assertThrows(() => op.conv2d(x, W, { dilation: 0 }), ValueError, 'dilation');
    assertThrows(() => op.conv2d(x, W, 'same' as never), ValueError, 'options must be an object');
    assertThrows(() => op.conv2d(x, op.reshape(W, [9, 3, 4])), ShapeError, 'filter W', '(9, 3, 4)');
    assertThrows(() => op.conv2d(x, new Generator(2).randn([3, 3, 2, 4])), ShapeError, '2 input channels', '(2, 5, 5, 3)');
    assertThrows(() => op.conv2d(op.reshape(x, [10, 5, 3]), W), ShapeError, 'input', '(m, n_H, n_W, n_C)');
    assertThrows(() => op.conv2d(x, W, { dilation: 3 }), ShapeError, 'spans 7 rows', 'only 5');
    assertThrows(() => op.conv2d(x, W, { bias: new Generator(3).randn([1, 1, 1, 3]) }), ShapeError, 'bias', '(1, 1, 1, 4)');
    assertThrows(() => op.conv2d(x, W, { bias: [1, 2, 3, 4] as never }), Error, 'bias');
    assertThrows(() => op.conv2dBackpropInput(new Generator(4).randn([2, 3, 3, 4]), W, [2, 5, 5], {}), ValueError, 'inputShape');
    assertThrows(() => op.conv2dBackpropInput(new Generator(4).randn([2, 2, 3, 4]), W, [2, 5, 5, 3], {}), ShapeError, 'dZ', '(2, 3, 3, 4)');
    assertThrows(
      () => op.conv2dBackpropFilter(x, new Generator(4).randn([2, 3, 3, 4]), [3, 3, 3, 4], { bias: W } as never),
      ValueError,
      "'bias'",
    );
    assertThrows(() => op.maxPool2d(x, {} as never), ValueError, 'poolSize is required');
    assertThrows(() => op.maxPool2d(x, { poolSize: 2, countIncludePad: true } as never), ValueError, "'countIncludePad'");
    assertThrows(
      () => op.avgPool2d(x, { poolSize: 2, padding: 2 }),
      ValueError,
      'padding on the top (2)',
      'smaller than the pool window (2)',
    );
    assertThrows(() => op.avgPool2d(x, { poolSize: 6 }), ShapeError, 'spans 6 rows');
    assertThrows(() => op.avgPool2d(x, { poolSize: 2, countIncludePad: 1 } as never), ValueError, 'countIncludePad must be a boolean');
    assertThrows(() => op.maxPool2dBackward(new Generator(4).randn([2, 3, 3, 3]), x, { poolSize: 2 }), ShapeError, 'dA', '(2, 2, 2, 3)');
    assertThrows(() => op.pad(x, [[1, 1]] as never, Number.NaN), ValueError, 'value');
    assertThrows(
      () =>
        op.pad(x, [
          [1, 1],
          [2, 2],
        ]),
      ValueError,
      'one [before, after] pair per axis (4)',
    );
    assertThrows(() => op.pad(x, -1), ValueError, 'padWidth', '-1');
  });
  return cases;
}
