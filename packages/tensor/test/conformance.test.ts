import { describe, expect, it } from 'vitest';
import { type BackendImpl, jsBackend, registerBackend } from '../src/index.ts';
import { conformanceCases, coreOnly } from '../src/testing/index.ts';

describe('conformance: js backend', () => {
  for (const c of conformanceCases('js')) it(c.name, c.fn);
});

// The optional ops (softmax, linear, activationBackward, optimizer updates) composed by
// defineBackend from core ops alone: what a new backend gets before it overrides them.
registerBackend('js-core-only', () => coreOnly(jsBackend, 'js-core-only'), -1);

describe('conformance: core ops only, optional ops from defineBackend', () => {
  for (const c of conformanceCases('js-core-only')) it(c.name, c.fn);
});

/** Runs the suite on a deliberately broken backend and returns the names of the failing cases. */
function failuresOf(name: string, broken: Partial<BackendImpl>): string[] {
  registerBackend(name, () => ({ ...jsBackend, ...broken, name }), -1);
  const failed: string[] = [];
  for (const c of conformanceCases(name)) {
    try {
      c.fn();
    } catch {
      failed.push(c.name);
    }
  }
  return failed;
}

describe('the suite catches broken backends', () => {
  it('a sigmoid that overflows to NaN for large z', () => {
    const failed = failuresOf('broken-sigmoid', {
      unary(op, x, out, alpha) {
        jsBackend.unary(op, x, out, alpha);
        if (op === 'sigmoid') for (let i = 0; i < out.length; i++) out[i] = Math.exp(x.data[i]) / (1 + Math.exp(x.data[i]));
      },
    });
    expect(failed).toContain('op sigmoid_edge float64');
    expect(failed).toContain('large |z|: sigmoid 0/1, tanh ±1, exp, log(0) float32');
    expect(failed).not.toContain('op sigmoid float64');
  });

  it('a matmul that ignores transB', () => {
    const failed = failuresOf('broken-transB', {
      matmul: (a, b, out, g) => jsBackend.matmul(a, b, out, { ...g, transB: false }),
    });
    expect(failed).toContain('op matmul_sq_nt float32');
    expect(failed).toContain('op matmul_sq_tt float64');
    expect(failed).not.toContain('op matmul_sq_tn float64');
  });

  it('a max reduction that skips NaN', () => {
    const failed = failuresOf('broken-max', {
      reduce(op, x, axes, out) {
        const clean = { ...x, data: x.data.map((v) => (Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v)) } as typeof x;
        jsBackend.reduce(op, clean, axes, out);
      },
    });
    expect(failed).toEqual([
      'op max_nan float32',
      'op max_nan float64',
      'op min_nan float32',
      'op min_nan float64',
      'op max_nan_all float32',
      'op max_nan_all float64',
    ]);
  });

  it('a broadcast that tiles the smaller operand (right for rows, wrong for columns)', () => {
    const failed = failuresOf('broken-broadcast', {
      binary(op, a, b, out, shape) {
        if (a.size === out.length && b.size < out.length && b.size > 1 && op === 'sub') {
          for (let i = 0; i < out.length; i++) out[i] = a.data[i] - b.data[i % b.size];
          return;
        }
        jsBackend.binary(op, a, b, out, shape);
      },
    });
    expect(failed).toContain('op sub_col float32');
    expect(failed).toContain('op sub_col float64');
    expect(failed).not.toContain('op sub float64');
  });

  it('a max-pool gradient that goes to the first maximum only (PyTorch and TensorFlow do that)', () => {
    const failed = failuresOf('broken-max-pool', {
      pool2dBackward(mode, dA, x, g, out) {
        jsBackend.pool2dBackward(mode, dA, x, g, out);
        if (mode !== 'max') return;
        // Keep the gradient only at the first of tied maxima in each window.
        out.fill(0);
        const { inH, inW, inC: C, outH, outW } = g;
        for (let n = 0; n < g.m; n++)
          for (let i = 0; i < outH; i++)
            for (let j = 0; j < outW; j++)
              for (let c = 0; c < C; c++) {
                let at = -1;
                for (let h = Math.max(0, i * g.strideH - g.padTop); h < Math.min(inH, i * g.strideH - g.padTop + g.fH); h++)
                  for (let w = Math.max(0, j * g.strideW - g.padLeft); w < Math.min(inW, j * g.strideW - g.padLeft + g.fW); w++) {
                    const s = ((n * inH + h) * inW + w) * C + c;
                    if (at < 0 || x.data[s] > x.data[at]) at = s;
                  }
                out[at] += dA.data[((n * outH + i) * outW + j) * C + c];
              }
      },
    });
    expect(failed).toEqual([
      'pool ties: integers 0..2, f 2 stride 1 float32',
      'pool ties: integers 0..1, f 3 stride 1 same float32',
      'pool ties: integers 0..2, f 2 stride 1 float64',
      'pool ties: integers 0..1, f 3 stride 1 same float64',
    ]);
  });

  it('a conv2d input gradient that ignores dilation', () => {
    const failed = failuresOf('broken-conv-dilation', {
      conv2dBackpropInput: (dZ, W, g, out) => jsBackend.conv2dBackpropInput(dZ, W, { ...g, dilationH: 1, dilationW: 1 }, out),
    });
    expect(failed).toContain('conv2d dilation 2 padding 2 float64');
    expect(failed).toContain('conv2d dilation [2, 3] same stride 2 float32');
    expect(failed).not.toContain('conv2d valid float64');
  });

  it('an Adam update without bias correction', () => {
    const failed = failuresOf('broken-adam', {
      adamUpdate(param, grad, m, v, s) {
        for (let i = 0; i < param.length; i++) {
          m[i] = s.beta1 * m[i] + (1 - s.beta1) * grad[i];
          v[i] = s.beta2 * v[i] + (1 - s.beta2) * grad[i] * grad[i];
          param[i] -= (s.lr * m[i]) / (Math.sqrt(v[i]) + s.epsilon);
        }
      },
    });
    expect(failed).toEqual(['adamUpdate in place, 3 steps float32', 'adamUpdate in place, 3 steps float64']);
  });
});
