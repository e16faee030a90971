import { POINTWISE_ACTIVATIONS } from '../backend.ts';
import { full, ones, scalar, tensor, zeros } from '../creation.ts';
import type { FloatArray, FloatDType } from '../dtype.ts';
import { BackendError, DTypeError, NeuriteError, ShapeError, ValueError } from '../errors.ts';
import * as op from '../ops/index.ts';
import { Generator } from '../random/generator.ts';
import { getBackend, setBackend, toBackend } from '../registry.ts';
import { Tensor } from '../tensor.ts';
import { assert, assertClose, assertDType, assertEqual, assertThrows, assertWritesWhole, EXACT, fromFixture, TOLERANCE } from './assert.ts';
import { expected, inputs } from './fixtures/conformance.ts';
import type { ConformanceCase } from './index.ts';

/** Hand-derived checks: dtype promotion, size-0 and size-1 edges, bad inputs, optimizer kernels. */
export function checkCases(backendName: string): ConformanceCase[] {
  const c = (name: string, fn: () => void): ConformanceCase => ({
    name,
    fn: () => {
      setBackend(backendName);
      fn();
    },
  });
  const t32 = (name: string) => fromFixture(inputs[name], 'float32');
  const t64 = (name: string) => fromFixture(inputs[name], 'float64');
  const f64 = TOLERANCE.float64;
  return [
    c('setBackend makes the backend active', () => assertEqual(getBackend().name, backendName, 'getBackend().name')),

    // Promotion: float64 wins; a plain number adopts the tensor's dtype; int32 computes in float32.
    c('promotion: float32 + float64 -> float64', () => {
      const r = op.add(t32('A'), t64('B'));
      assertDType(r, 'float64');
      assertClose(r, expected.add, f64);
      assertDType(op.maximum(t64('A'), t32('B')), 'float64');
    }),
    c('promotion: scalars keep the tensor dtype', () => {
      assertDType(op.mul(t32('A'), 1.5), 'float32');
      assertDType(op.sub(1.5, t32('A')), 'float32');
      assertDType(op.add(t64('A'), 1), 'float64');
      assertDType(op.where(op.greater(t32('A'), 0), 1, 0), 'float32');
      assertDType(op.add(scalar(2, 'float64'), t32('A')), 'float64');
    }),
    c('promotion: int32 computes in float32', () => {
      const i = tensor([1, -2, 3], 'int32');
      const r = op.add(i, 0.5);
      assertDType(r, 'float32');
      assertClose(r, [1.5, -1.5, 3.5], EXACT);
      assertDType(op.exp(i), 'float32');
      assertDType(op.sum(i), 'float32');
    }),
    c('promotion: matmul, linear, concat, where, activationBackward', () => {
      assertClose(op.matmul(t32('G1'), t64('G2')), expected.matmul, f64);
      assertDType(op.matmul(t32('G1'), t64('G2')), 'float64');
      const lin = op.linear(t32('W'), t64('X'), t32('b'), 'tanh');
      assertDType(lin, 'float64');
      assertClose(lin, expected.linear_tanh, f64);
      assertDType(op.concat([t32('A'), t64('B')]), 'float64');
      assertClose(op.concat([t32('A'), t64('B')]), expected.concat_0, f64);
      assertDType(op.where(op.greater(t32('A'), 0), t32('A'), t64('B')), 'float64');
      assertDType(op.activationBackward('tanh', t32('dA'), t64('Z')), 'float64');
    }),

    // Size-0 and size-1 dimensions.
    c('size-0: elementwise, reductions, matmul with k = 0', () => {
      const e = zeros([0, 3]);
      assertEqual(op.exp(e).shape, [0, 3]);
      assertEqual(op.sum(e, 1).shape, [0]);
      assertClose(op.sum(e), 0, EXACT);
      assertClose(op.matmul(zeros([2, 0]), zeros([0, 3])), { shape: [2, 3], data: [0, 0, 0, 0, 0, 0] }, EXACT);
      assertEqual(op.matmul(zeros([0, 4]), ones([4, 3])).shape, [0, 3]);
      assertEqual(op.concat([e, zeros([2, 3])]).shape, [2, 3]);
      assertEqual(op.transpose(e).shape, [3, 0]);
      assertEqual(op.softmax(e, 1).shape, [0, 3]);
      assertEqual(op.add(zeros([0]), ones([1])).shape, [0]);
    }),
    // The fused Dense backward step, against its definition written out here: (Wᵀ·dZ)[r, j]
    // summed term by term, times g' from the saved output A_prev. Four units or fewer and more
    // (the js backend's two paths), every activation, both dtypes; outputs start as NaN.
    c("linearBackward: (Wᵀ·dZ) ⊙ g'(A_prev) for every activation", () => {
      const b = getBackend();
      const value = (i: number) => Math.sin(0.7 * i + 0.2);
      const slope: Record<string, (a: number) => number> = {
        linear: () => 1,
        sigmoid: (a) => a * (1 - a),
        tanh: (a) => 1 - a * a,
        relu: (a) => (a > 0 ? 1 : 0),
        leakyRelu: (a) => (a > 0 ? 1 : 0.1),
      };
      for (const dtype of ['float32', 'float64'] as const) {
        for (const k of [1, 2, 4, 5]) {
          const [n, m] = [3, 9];
          const W = tensor(
            Array.from({ length: k }, (_, r) => Array.from({ length: n }, (_, c) => value(r * n + c))),
            dtype,
          );
          const dZ = tensor(
            Array.from({ length: k }, (_, r) => Array.from({ length: m }, (_, j) => value(50 + r * m + j))),
            dtype,
          );
          const A = tensor(
            Array.from({ length: n }, (_, r) => Array.from({ length: m }, (_, j) => 0.9 * value(90 + r * m + j))),
            dtype,
          );
          for (const act of ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'] as const) {
            const out = (dtype === 'float32' ? new Float32Array(n * m) : new Float64Array(n * m)).fill(Number.NaN);
            b.linearBackward(W, dZ, A, act, 0.1, out);
            const want: number[] = [];
            for (let r = 0; r < n; r++) {
              for (let j = 0; j < m; j++) {
                let s = 0;
                for (let c = 0; c < k; c++) s += (W.data[c * n + r] as number) * (dZ.data[c * m + j] as number);
                want.push(s * (slope[act] as (a: number) => number)(A.data[r * m + j] as number));
              }
            }
            assertClose(tensor(out, dtype, [n, m]), want, TOLERANCE[dtype]);
          }
        }
      }
    }),
    // A backend that declares overwritesOutputs gets large outputs uninitialized (see
    // allocateOverwritten): matmul and linear (beta = 0), unary and binary ops and
    // activationBackward must overwrite every element.
    c('outputs are overwritten whole: matmul, linear, unary, binary, activationBackward', () => {
      const b = getBackend();
      const garbage = (dtype: FloatDType, n: number): FloatArray =>
        (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)).fill(Number.NaN);
      for (const dtype of ['float32', 'float64'] as const) {
        const tol = TOLERANCE[dtype];
        const a = fromFixture(inputs.G1, dtype);
        const g = fromFixture(inputs.G2, dtype);
        const shape = [a.shape[0], g.shape[1]];
        let out = garbage(dtype, shape[0] * shape[1]);
        b.matmul(a, g, out, { transA: false, transB: false, alpha: 1, beta: 0 });
        assertClose(tensor(out, dtype, shape), expected.matmul, tol);
        out = garbage(dtype, shape[0] * shape[1]);
        b.linear(a, g, null, 'linear', 0.01, out);
        assertClose(tensor(out, dtype, shape), expected.matmul, tol);
        out = garbage(dtype, 6);
        b.matmul(zeros([2, 0], dtype), zeros([0, 3], dtype), out, { transA: false, transB: false, alpha: 1, beta: 0 });
        assertClose(tensor(out, dtype, [2, 3]), [0, 0, 0, 0, 0, 0], EXACT);
        const z = fromFixture(inputs.Z, dtype);
        out = garbage(dtype, z.size);
        b.unary('sigmoid', z, out, 0);
        assertClose(tensor(out, dtype, z.shape), expected.sigmoid, tol);
        const x = fromFixture(inputs.A, dtype);
        const y = fromFixture(inputs.B, dtype);
        out = garbage(dtype, x.size);
        b.binary('add', x, y, out, x.shape);
        assertClose(tensor(out, dtype, x.shape), expected.add, tol);
        out = garbage(dtype, x.size);
        b.activationBackward('relu', y, x, out, 0.01);
        assertClose(tensor(out, dtype, x.shape), op.activationBackward('relu', y, x), tol);
      }
    }),
    // The same check for every op under the overwritesOutputs promise, on operands with
    // broadcasting, NaN and ±Infinity: an element left unwritten keeps 0 in one output and NaN
    // in the other, so the two differ there.
    c('outputs are overwritten whole: every unary op and activation, broadcast binary, where, clip', () => {
      const b = getBackend();
      for (const dtype of ['float32', 'float64'] as const) {
        const same = (what: string, n: number, run: (out: FloatArray) => void) => assertWritesWhole(what, dtype, n, run);
        const z = op.concat([fromFixture(inputs.Z, dtype).reshape([12]), tensor([0, -0, Infinity, -Infinity, Number.NaN], dtype)]);
        const x = fromFixture(inputs.A, dtype);
        const col = op.slice(fromFixture(inputs.B, dtype), [0, 0], [4, 1]);
        const row = op.slice(fromFixture(inputs.B, dtype), [0, 0], [1, 3]);
        const unaryOps = ['neg', 'abs', 'exp', 'log', 'sqrt', 'square', 'sign', 'sigmoid', 'tanh', 'relu', 'leakyRelu'] as const;
        for (const u of [...unaryOps, 'erf', 'elu', 'selu', 'gelu', 'softplus', 'silu'] as const) {
          same(`unary ${u}`, z.size, (out) => b.unary(u, z, out, 0.1));
        }
        for (const o of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'less', 'greaterEqual'] as const) {
          same(`binary ${o} (4, 3) with (4, 1)`, 12, (out) => b.binary(o, x, col, out, [4, 3]));
          same(`binary ${o} (4, 1) with (1, 3)`, 12, (out) => b.binary(o, col, row, out, [4, 3]));
        }
        same('where', 12, (out) => b.where(op.greater(x, 0), col, row, out, [4, 3]));
        same('clip', z.size, (out) => b.clip(z, -0.5, 0.5, out));
        const dA = fromFixture(inputs.dA, dtype);
        for (const act of POINTWISE_ACTIVATIONS) {
          same(`activationBackward ${act}`, 12, (out) => b.activationBackward(act, dA, x, out, 0.1));
        }
      }
    }),
    c('size-1: softmax over a size-1 axis is 1, logSoftmax 0', () => {
      const z = tensor([[0.5, -3, 700]], 'float64');
      assertClose(op.softmax(z, 0), [1, 1, 1], EXACT);
      assertClose(op.logSoftmax(z, 0), [0, 0, 0], EXACT);
      assertClose(op.max(z, 0), [0.5, -3, 700], EXACT);
      assertClose(op.argMax(z, 0), [0, 0, 0], EXACT);
      assertClose(op.matmul(tensor([[2]], 'float64'), tensor([[3, 4]], 'float64')), [6, 8], EXACT);
    }),
    c('rank 0: scalars through elementwise and reductions', () => {
      const s = scalar(-2, 'float64');
      assertEqual(op.abs(s).shape, []);
      assertClose(op.abs(s), 2, EXACT);
      assertClose(op.sum(s), -2, EXACT);
      assertEqual(op.add(s, ones([2, 1])).shape, [2, 1]);
    }),
    ...(['float32', 'float64'] as const).map((dtype) =>
      c(`large |z|: sigmoid 0/1, tanh ±1, exp, log(0) ${dtype}`, () => {
        const z = tensor([-1000, 1000], dtype);
        const s = op.sigmoid(z);
        assert(!s.data.some(Number.isNaN), `sigmoid(±1000) has NaN: ${Array.from(s.data)}`);
        assertClose(s, [0, 1], EXACT);
        assertClose(op.tanh(z), [-1, 1], EXACT);
        assertClose(op.exp(z), [0, Number.POSITIVE_INFINITY], EXACT);
        assertClose(op.log(tensor([0], dtype)), [Number.NEGATIVE_INFINITY], EXACT);
        const lin = op.linear(tensor([[1000], [-1000]], dtype), ones([1, 1], dtype), null, 'sigmoid');
        assertClose(lin, [1, 0], EXACT);
        assert(!op.softmax(tensor([[1000, -1000]], dtype), 1).data.some(Number.isNaN), 'softmax of ±1000 has NaN');
      }),
    ),

    // Bad inputs: the named NeuriteError subclass with a useful message.
    c('error: broadcast mismatch says what numpy says', () => {
      assertThrows(
        () => op.add(zeros([4, 3]), zeros([3, 2])),
        ShapeError,
        'operands could not be broadcast together with shapes (4,3) (3,2)',
      );
      assertThrows(() => op.mul(zeros([2, 4, 3]), zeros([5])), ShapeError, '(2,4,3) (5,)');
      assertThrows(() => op.where(zeros([2, 1]), zeros([3]), zeros([4])), ShapeError, 'could not be broadcast');
    }),
    c('error: matmul inner dimensions and ranks', () => {
      assertThrows(() => op.matmul(zeros([2, 3]), zeros([4, 2])), ShapeError, 'inner dimensions', '(2, 3)', '(4, 2)');
      assertThrows(() => op.matmul(zeros([2, 3]), zeros([2, 3]), { transB: true, transA: true }), ShapeError, 'inner dimensions');
      assertThrows(() => op.matmul(zeros([3]), zeros([3, 2])), ShapeError, '2-D');
      assertThrows(() => op.linear(zeros([3, 4]), zeros([4, 5]), zeros([4, 1])), ShapeError, 'b must have shape (3, 1)');
      assertThrows(() => op.linear(zeros([3, 4]), zeros([4, 5]), null, 'softplus' as never), ValueError, 'softplus');
    }),
    c('error: bad axis', () => {
      assertThrows(() => op.sum(zeros([2, 3]), 2), ValueError, 'axis', '2', 'rank 2');
      assertThrows(() => op.mean(zeros([2, 3]), -3), ValueError, 'out of bounds');
      assertThrows(() => op.softmax(zeros([2, 3]), 5), ValueError, 'out of bounds');
      assertThrows(() => op.argMax(zeros([2, 3]), 2), ValueError, 'out of bounds');
      assertThrows(() => op.concat([zeros([2, 3])], 2), ValueError, 'out of bounds');
      assertThrows(() => op.sum(zeros([2, 3]), [0, 0]), ValueError, 'duplicate');
      assertThrows(() => op.max(zeros([0, 3]), 0), ValueError, 'zero-size');
      // A rank-0 tensor has no axis 0 (numpy: AxisError).
      assertThrows(() => op.sum(scalar(3), 0), ValueError, 'rank 0');
      assertThrows(() => op.softmax(scalar(3), 0), ValueError, 'rank 0');
    }),
    c('error: bad reshape, transpose, concat', () => {
      assertThrows(() => op.reshape(zeros([2, 3]), [4, 2]), ShapeError, 'cannot reshape array of size 6 into shape (4, 2)');
      assertThrows(() => op.reshape(zeros([2, 3]), [-1, -1]), ValueError, 'at most one -1');
      assertThrows(() => op.reshape(zeros([2, 3]), [-1, 4]), ShapeError, 'size 6');
      assertThrows(() => op.transpose(zeros([2, 3]), [0, 0]), ValueError, 'perm');
      assertThrows(() => op.squeeze(zeros([2, 3]), 1), ShapeError, 'size not equal to one');
      assertThrows(() => op.expandDims(zeros([2, 3]), 4), ValueError, 'out of bounds');
      assertThrows(() => op.concat([zeros([2, 3]), zeros([2, 4])], 0), ShapeError, '(2, 3)', '(2, 4)');
      assertThrows(() => op.concat([]), ValueError, 'non-empty');
      assertThrows(() => op.activationBackward('relu', zeros([2, 3]), zeros([3, 2])), ShapeError, 'same shape');
    }),
    c('error: unknown dtype', () => {
      assertThrows(() => zeros([2], 'int8' as never), DTypeError, 'int8');
      assertThrows(() => op.cast(zeros([2]), 'float16' as never), DTypeError, 'float16');
      assertThrows(() => tensor([1, 2], 'complex64' as never), DTypeError, 'complex64');
    }),
    c('error: unknown backend name', () => {
      assertThrows(() => setBackend('no-such-backend'), BackendError, "'no-such-backend'", "'js'");
      assertEqual(getBackend().name, backendName, 'active backend after a failed setBackend');
    }),
    c('error: non-finite or negative sizes', () => {
      assertThrows(() => zeros([Number.NaN]), ValueError, 'NaN');
      assertThrows(() => zeros([-1, 2]), ValueError, '-1');
      assertThrows(() => full([Number.POSITIVE_INFINITY], 1), ValueError, 'Infinity');
      assertThrows(() => ones([2.5]), ValueError, '2.5');
    }),
    c('error: slice and gather out of range', () => {
      assertThrows(() => op.slice(zeros([4, 3]), [0, 2], [2, 2]), ValueError, 'axis 1', 'begin 2', 'size 2');
      assertThrows(() => op.slice(zeros([4, 3]), [5, 0]), ValueError, 'axis 0');
      assertThrows(() => op.slice(zeros([4, 3]), [0]), ValueError, 'one entry per axis');
      assertThrows(() => op.gather(zeros([4, 3]), [1, 4], 0), ValueError, 'index 4 is out of bounds for axis 0 with size 4');
      assertThrows(() => op.gather(zeros([4, 3]), [-4], 1), ValueError, 'index -4', 'size 3');
    }),
    c('error: values that are not tensors or numbers', () => {
      assertThrows(() => op.add('a' as never, 1), NeuriteError, 'Tensor or a number');
      assertThrows(() => op.exp([1, 2] as never), NeuriteError, 'must be a Tensor');
      assertThrows(() => op.clip(zeros([2]), 1, 0), ValueError, 'min');
      assertThrows(() => op.leakyRelu(zeros([2]), Number.NaN), ValueError, 'alpha');
    }),

    // Optimizer kernels, in place on the backend.
    ...(['float32', 'float64'] as const).map((dtype) => c(`sgdUpdate in place ${dtype}`, () => optimizerCheck(dtype, 'sgd'))),
    ...(['float32', 'float64'] as const).map((dtype) => c(`adamUpdate in place, 3 steps ${dtype}`, () => optimizerCheck(dtype, 'adam'))),
    ...(['float32', 'float64'] as const).map((dtype) =>
      c(`toBackend: the same values, read by every op as the original ${dtype}`, () => adoptCheck(dtype)),
    ),
  ];
}

/**
 * toBackend's tensor is storage, not a cache: ops on it give the bits they give on the original
 * (the wasm backend reads it in place), the in-place kernels (exp, the optimizers) leave it as it
 * was, and a write to its data is what the next op reads. Sizes above the wasm backend's
 * crossovers, so its kernels run.
 */
function adoptCheck(dtype: FloatDType): void {
  const g = new Generator(5);
  const A0 = g.uniform(-1, 1, [64, 96], dtype);
  const B0 = g.uniform(-1, 1, [96, 80], dtype);
  const before = A0.data.slice();
  const A = toBackend(A0);
  const B = toBackend(B0);
  assertDType(A, dtype, 'toBackend');
  assertEqual(A.shape.join('x'), '64x96', 'toBackend shape');
  const same = (label: string, x: Tensor, y: Tensor) => {
    assertEqual(x.shape.join('x'), y.shape.join('x'), `${label} shape`);
    for (let i = 0; i < x.size; i++)
      assert(Object.is(x.data[i], y.data[i]), `${label}: element ${i} is ${x.data[i]}, expected ${y.data[i]}`);
  };
  same('toBackend values', A, A0);
  same('matmul', op.matmul(A, B), op.matmul(A0, B0));
  same('matmul transB', op.matmul(A, A, { transB: true }), op.matmul(A0, A0, { transB: true }));
  same('exp', op.exp(A), op.exp(A0));
  same('add', op.add(A, A0), op.add(A0, A0));
  same('sum', op.sum(A, 0), op.sum(A0, 0));
  same('softmax', op.softmax(A), op.softmax(A0));
  for (let i = 0; i < A.size; i++) assert(Object.is(A.data[i], before[i]), `ops changed toBackend's tensor at element ${i}`);
  A.data[7] = 0.5;
  A0.data[7] = 0.5;
  same('matmul after a write to the data', op.matmul(A, B), op.matmul(A0, B0));
  const P0 = g.uniform(-1, 1, [4096], dtype);
  const G0 = g.uniform(-1, 1, [4096], dtype);
  const P = toBackend(new Tensor(P0.data.slice(), P0.shape));
  const G = toBackend(G0);
  getBackend().sgdUpdate(P.data as FloatArray, G.data as FloatArray, 0.1);
  getBackend().sgdUpdate(P0.data as FloatArray, G0.data as FloatArray, 0.1);
  same('sgdUpdate of a toBackend parameter', P, P0);
  same('sgdUpdate leaves its toBackend gradient', G, G0);
}

function optimizerCheck(dtype: FloatDType, which: 'sgd' | 'adam'): void {
  const param = fromFixture(inputs.param, dtype);
  const before = param.data;
  const grad = fromFixture(inputs.grad, dtype).data as FloatArray;
  const tol = TOLERANCE[dtype];
  if (which === 'sgd') {
    getBackend().sgdUpdate(param.data as FloatArray, grad, 0.1);
    assert(param.data === before, 'sgdUpdate must update param in place');
    assertClose(param, expected.sgd, tol, 'sgd param');
    return;
  }
  const grad2 = fromFixture(inputs.grad2, dtype).data as FloatArray;
  const m = zeros([6], dtype);
  const v = zeros([6], dtype);
  [grad, grad2, grad].forEach((g, i) => {
    getBackend().adamUpdate(param.data as FloatArray, g, m.data as FloatArray, v.data as FloatArray, {
      lr: 0.1,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      t: i + 1,
    });
  });
  assertClose(param, expected.adam_param, tol, 'adam param');
  assertClose(m, expected.adam_m, tol, 'adam m');
  assertClose(v, expected.adam_v, tol, 'adam v');
}
