import { valueAndGrad, vjp } from '../autodiff/grad.ts';
import { gradCheck } from '../autodiff/gradcheck.ts';
import { scalar, tensor } from '../creation.ts';
import { ShapeError } from '../errors.ts';
import * as op from '../ops/index.ts';
import { setBackend } from '../registry.ts';
import type { Tensor } from '../tensor.ts';
import { assert, assertClose, assertDType, assertEqual, assertThrows, EXACT } from './assert.ts';
import { CONV_OP_CHECKS, randomConvNet } from './conv-gradients.ts';
import { edgeGradientChecks } from './edge-gradients.ts';
import type { ConformanceCase } from './index.ts';
import { inputsFor, OP_CHECKS } from './op-gradients.ts';
import { randomProgram } from './random-programs.ts';

type F = (...xs: Tensor[]) => Tensor;

/** The course's bar for a correct gradient: central differences agree to 1e-7. */
const GOOD = 1e-7;

/**
 * Gradients on backend `backendName`: the course's computation graph by hand, every
 * differentiable op against central differences (float64), and seeded random programs.
 */
export function autodiffCases(backendName: string): ConformanceCase[] {
  const c = (name: string, fn: () => void): ConformanceCase => ({
    name,
    fn: () => {
      setBackend(backendName);
      fn();
    },
  });
  const cases: ConformanceCase[] = [
    c('J = 3(a + bc) at (5, 3, 2): dJ/da = 3, dJ/db = 6, dJ/dc = 9', () => {
      const J = (a: Tensor, b: Tensor, cc: Tensor) => op.mul(3, op.add(a, op.mul(b, cc)));
      const { value, grads } = valueAndGrad(J)(scalar(5, 'float64'), scalar(3, 'float64'), scalar(2, 'float64'));
      assertClose(value, 33, EXACT, 'J');
      assertClose(grads[0], 3, EXACT, 'dJ/da');
      assertClose(grads[1], 6, EXACT, 'dJ/db');
      assertClose(grads[2], 9, EXACT, 'dJ/dc');
    }),
    c('an argument f does not use gets zeros of its shape and dtype', () => {
      const { grads } = valueAndGrad((x: Tensor, _unused: Tensor) => op.sum(op.square(x)))(tensor([1, 2], 'float64'), tensor([[1, 2, 3]]));
      assertClose(grads[0], [2, 4], EXACT);
      assertClose(grads[1], { shape: [1, 3], data: [0, 0, 0] }, EXACT);
      assertDType(grads[1], 'float32');
    }),
    c('gradients keep the argument dtype', () => {
      const { grads } = valueAndGrad((x: Tensor, y: Tensor) => op.sum(op.mul(x, y)))(tensor([1, 2]), tensor([3, 4], 'float64'));
      assertDType(grads[0], 'float32');
      assertDType(grads[1], 'float64');
      assertClose(grads[0], [3, 4], EXACT);
    }),
    c('a non-scalar output throws ShapeError', () => {
      assertThrows(() => valueAndGrad((x: Tensor) => op.exp(x))(tensor([1, 2])), ShapeError, 'size 1', '(2,)');
    }),
    c('vjp pulls an output gradient back: the gradient of sum(dy ⊙ f), without running f again', () => {
      const x = tensor(
        [
          [0.5, -1.2],
          [2, 0.3],
        ],
        'float64',
      );
      const w = tensor([[1.5], [-0.7]], 'float64');
      const dy = tensor([[0.2], [-1.1]], 'float64');
      let calls = 0;
      const f = (a: Tensor, b: Tensor) => {
        calls++;
        return op.tanh(op.matmul(a, b));
      };
      const pulled = vjp(f, x, w);
      assert(pulled.connected, 'the output depends on the arguments');
      const [dx, dw] = pulled.backward(dy);
      assertEqual(calls, 1, 'f runs once');
      const want = valueAndGrad((a: Tensor, b: Tensor) => op.sum(op.mul(f(a, b), dy)))(x, w).grads;
      assertClose(dx, { shape: [2, 2], data: Array.from(want[0].data) }, EXACT, 'dx');
      assertClose(dw, { shape: [2, 1], data: Array.from(want[1].data) }, EXACT, 'dw');
      assertThrows(() => pulled.backward(tensor([1, 2], 'float64')), ShapeError, "output's shape (2, 1)", '(2,)');
      const unrelated = vjp((_a: Tensor) => tensor([3], 'float64'), x);
      assert(!unrelated.connected, 'a constant output is not connected');
      assertClose(unrelated.backward(tensor([1], 'float64'))[0], { shape: [2, 2], data: [0, 0, 0, 0] }, EXACT, 'zeros');
    }),
    c('mean of a sum: each element gets 1/n', () => {
      const { grads } = valueAndGrad((x: Tensor) => op.mean(x))(
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          'float64',
        ),
      );
      assertClose(grads[0], [0.25, 0.25, 0.25, 0.25], EXACT);
    }),
    c('a tensor used twice accumulates both paths (d(x·x)/dx = 2x)', () => {
      const { grads } = valueAndGrad((x: Tensor) => op.sum(op.mul(x, x)))(tensor([1.5, -2], 'float64'));
      assertClose(grads[0], [3, -4], EXACT);
    }),
    c('cast float64 -> float32 passes the gradient back as float64', () => {
      const w = tensor([0.5, -1, 2]);
      const { grads } = valueAndGrad((x: Tensor) => op.sum(op.mul(op.cast(x, 'float32'), w)))(tensor([1, 2, 3], 'float64'));
      assertDType(grads[0], 'float64');
      assertClose(grads[0], [0.5, -1, 2], EXACT);
    }),
    c('max: tied maxima share the gradient', () => {
      const { grads } = valueAndGrad((x: Tensor) => op.max(x))(tensor([1, 3, 3, 2], 'float64'));
      assertClose(grads[0], [0, 0.5, 0.5, 0], EXACT);
    }),
  ];
  for (const e of edgeGradientChecks()) cases.push(c(e.name, e.fn));
  for (const [name, f, shapes, domain] of OP_CHECKS) {
    cases.push(c(`gradCheck ${name}`, () => checkGrad(f, inputsFor(name, shapes, domain), name)));
  }
  for (const [name, f, shapes] of CONV_OP_CHECKS) {
    cases.push(c(`gradCheck ${name}`, () => checkGrad(f, inputsFor(name, shapes, 'any'), name)));
  }
  for (let seed = 1; seed <= 24; seed++) {
    cases.push(
      c(`random conv network ${seed}`, () => {
        const { f, args, text } = randomConvNet(seed);
        checkGrad(f, args, text);
      }),
    );
  }
  for (let seed = 1; seed <= 36; seed++) {
    cases.push(
      c(`random program ${seed}`, () => {
        const { f, args, text } = randomProgram(seed);
        // A program may legitimately have a zero gradient (softmax of a constant column); then
        // the analytic one must be zero too, which the relative error still checks.
        checkGrad(f, args, text, 1e-6, false);
      }),
    );
  }
  return cases;
}

function checkGrad(f: F, args: Tensor[], label: string, bound = GOOD, nonzero = true): void {
  const { relativeError, analytic, numeric } = gradCheck(f, args);
  assert(
    relativeError < bound,
    `${label}: relative error ${relativeError.toExponential(2)} >= ${bound}; analytic ${analytic.map((g) => `[${Array.from(g.data, (v) => v.toPrecision(6))}]`)} numeric ${numeric.map((g) => `[${Array.from(g.data, (v) => v.toPrecision(6))}]`)}`,
  );
  assert(!nonzero || analytic.some((g) => g.data.some((v) => v !== 0)), `${label}: every gradient is zero, so the check proves nothing`);
  for (const [i, g] of analytic.entries()) assertEqual(g.shape, args[i].shape, `${label}: gradient ${i} shape`);
}
