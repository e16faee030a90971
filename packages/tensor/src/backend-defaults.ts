import type { Backend, BackendCore, BackendOptional, PointwiseActivation } from './backend.ts';
import { convFromGemm } from './backends/js/conv-gemm.ts';
import { pad, pool2d, pool2dBackward } from './backends/js/pool.ts';
import { SELU_ALPHA, SELU_SCALE } from './backends/js/special.ts';
import { allocate, type FloatArray } from './dtype.ts';
import { BackendError } from './errors.ts';
import { broadcastShapes, type Shape } from './shape.ts';
import { Tensor } from './tensor.ts';

/** The ops every backend must implement itself; `BackendOptional` ops have defaults. */
export const CORE_OPS: readonly (keyof BackendCore)[] = [
  'unary',
  'binary',
  'where',
  'clip',
  'reduce',
  'argMax',
  'matmul',
  'transpose',
  'slice',
  'concat',
  'gather',
];

/**
 * Completes a backend: every optional op it does not provide is composed from its own
 * core ops, so a new backend trains as soon as its core is right and can then override
 * the hot paths one at a time.
 */
export function defineBackend(impl: BackendCore & Partial<BackendOptional>): Backend {
  const missing = CORE_OPS.filter((k) => typeof impl[k] !== 'function');
  if (typeof impl.name !== 'string' || missing.length > 0) {
    throw new BackendError(`backend '${String(impl.name)}' lacks required ops: ${missing.join(', ') || 'name'}`);
  }
  const core = impl;
  const like = (t: Tensor): Tensor => new Tensor(allocate(t.dtype === 'float64' ? 'float64' : 'float32', t.size), t.shape);
  const scalar = (v: number, ref: Tensor): Tensor => {
    const d = allocate(ref.dtype === 'float64' ? 'float64' : 'float32', 1);
    d[0] = v;
    return new Tensor(d, []);
  };
  // The result takes the broadcast shape: with a's shape, 1 − A (a scalar first) came out size 1.
  const bin = (
    op: Parameters<BackendCore['binary']>[0],
    a: Tensor,
    b: Tensor,
    shape: Shape = broadcastShapes(a.shape, b.shape),
  ): Tensor => {
    const r = new Tensor(
      allocate(
        a.dtype === 'float64' ? 'float64' : 'float32',
        shape.reduce((p, d) => p * d, 1),
      ),
      shape,
    );
    core.binary(op, a, b, r.data as FloatArray, shape);
    return r;
  };
  const keptMax = (x: Tensor, axis: number, op: 'max' | 'sum'): Tensor => {
    const shape = x.shape.map((d, i) => (i === axis ? 1 : d));
    const r = new Tensor(
      allocate(
        x.dtype === 'float64' ? 'float64' : 'float32',
        shape.reduce((p, d) => p * d, 1),
      ),
      shape,
    );
    core.reduce(op, x, [axis], r.data as FloatArray);
    return r;
  };
  const un = (op: Parameters<BackendCore['unary']>[0], x: Tensor, alpha = 0): Tensor => {
    const r = like(x);
    core.unary(op, x, r.data as FloatArray, alpha);
    return r;
  };

  const scratch: { float32?: FloatArray; float64?: FloatArray } = {};
  const defaults: BackendOptional = {
    activationBackward(act: PointwiseActivation, dA, A, out, alpha) {
      const one = scalar(1, A);
      const positive = () => bin('greater', A, scalar(0, A));
      let slope: Tensor;
      if (act === 'sigmoid') slope = bin('mul', A, bin('sub', one, A));
      else if (act === 'tanh') slope = bin('sub', one, bin('mul', A, A));
      else if (act === 'relu') slope = positive();
      else if (act === 'leakyRelu') {
        const pos = positive();
        slope = bin('add', pos, bin('mul', bin('sub', one, pos), scalar(alpha, A)));
      } else if (act === 'elu' || act === 'selu') {
        // A > 0: the slope is 1 (λ); below, A + α (λα), since A = α(e^Z − 1) there.
        const [scale, shift] = act === 'elu' ? [1, alpha] : [SELU_SCALE, SELU_SCALE * SELU_ALPHA];
        const pos = positive();
        slope = bin('add', bin('mul', pos, scalar(scale, A)), bin('mul', bin('sub', one, pos), bin('add', A, scalar(shift, A))));
      } else if (act === 'softplus') slope = bin('sub', one, un('exp', un('neg', A)));
      else if (act === 'silu') {
        // A is Z here: σ(Z)·(1 + Z·(1 − σ(Z))).
        const s = un('sigmoid', A);
        slope = bin('mul', s, bin('add', one, bin('mul', A, bin('sub', one, s))));
      } else if (act === 'gelu') {
        // A is Z here: Φ(Z) + Z·φ(Z).
        const cdf = bin('mul', scalar(0.5, A), bin('add', one, un('erf', bin('mul', A, scalar(Math.SQRT1_2, A)))));
        const pdf = bin('mul', scalar(1 / Math.sqrt(2 * Math.PI), A), un('exp', bin('mul', scalar(-0.5, A), bin('mul', A, A))));
        slope = bin('add', cdf, bin('mul', A, pdf));
      } else if (act === 'linear') slope = one;
      else throw new BackendError(`${impl.name}: activationBackward has no derivative for activation '${String(act)}'`);
      core.binary('mul', dA, slope, out, dA.shape);
    },
    softmax(x, axis, out) {
      const e = un('exp', bin('sub', x, keptMax(x, axis, 'max')));
      core.binary('div', e, keptMax(e, axis, 'sum'), out, x.shape);
    },
    logSoftmax(x, axis, out) {
      const shifted = bin('sub', x, keptMax(x, axis, 'max'));
      core.binary('sub', shifted, un('log', keptMax(un('exp', shifted), axis, 'sum')), out, x.shape);
    },
    linear(W, A, b, act, alpha, out) {
      const z = new Tensor(allocate(W.dtype === 'float64' ? 'float64' : 'float32', out.length), [W.shape[0], A.shape[1]]);
      core.matmul(W, A, z.data as FloatArray, { transA: false, transB: false, alpha: 1, beta: 0 });
      const zb = b ? bin('add', z, b, z.shape) : z;
      if (act === 'linear') out.set(zb.data);
      else core.unary(act, zb, out, alpha);
    },
    linearBackward(W, dZ, A_prev, act, alpha, out) {
      // Wᵀ·dZ into a scratch buffer kept between calls (this runs every training step), then
      // the slope into out: never in place, which a native activationBackward may not allow.
      const dtype = W.dtype === 'float64' ? 'float64' : 'float32';
      let buffer = scratch[dtype];
      if (!buffer || buffer.length < out.length) {
        buffer = allocate(dtype, out.length);
        scratch[dtype] = buffer;
      }
      const dA = new Tensor(buffer.subarray(0, out.length), A_prev.shape);
      core.matmul(W, dZ, dA.data as FloatArray, { transA: true, transB: false, alpha: 1, beta: 0 });
      backend.activationBackward(act, dA, A_prev, out, alpha);
    },
    // Convolution is im2col (memory moves) and a GEMM on the backend's own matmul; pooling and
    // padding are memory-bound loops that no core op expresses better.
    ...convFromGemm((a, b, out, g) => core.matmul(a, b, out, g)),
    pool2d,
    pool2dBackward,
    pad,
    adopt: (t) => t,
    sgdUpdate(param, grad, lr) {
      for (let i = 0; i < param.length; i++) param[i] -= lr * grad[i];
    },
    adamUpdate(param, grad, m, v, s) {
      const c1 = 1 - s.beta1 ** s.t;
      const c2 = 1 - s.beta2 ** s.t;
      for (let i = 0; i < param.length; i++) {
        m[i] = s.beta1 * m[i] + (1 - s.beta1) * grad[i];
        v[i] = s.beta2 * v[i] + (1 - s.beta2) * grad[i] * grad[i];
        param[i] -= (s.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + s.epsilon);
      }
    },
  };
  // Delegate through the prototype so class-based backends keep their methods and `this`.
  const backend = Object.create(impl) as Backend;
  for (const key of Object.keys(defaults) as (keyof BackendOptional)[]) {
    if (typeof impl[key] !== 'function') Object.defineProperty(backend, key, { value: defaults[key] });
  }
  return backend;
}
