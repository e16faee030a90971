import { describe, expect, it } from 'vitest';
import {
  arange,
  BackendError,
  backendInfo,
  eye,
  full,
  getBackend,
  linear,
  linspace,
  listBackends,
  matmul,
  ones,
  reshape,
  ShapeError,
  scalar,
  setBackend,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '../src/index.ts';
import { creation, reprs } from './fixtures/numpy.ts';

describe('creation', () => {
  it('builds from nested arrays, inferring the shape, float32 by default', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensor([[[0.1]]], 'float64').data[0]).toBe(0.1);
    expect(tensor(7, 'float64').shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
  });

  it('names the ragged row of a nested array', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow('[1] has length 1, expected length 2');
    expect(() =>
      tensor([
        [[1], [2]],
        [[3], [4, 5]],
      ]),
    ).toThrow('[1][1] has length 2, expected length 1');
    expect(() => tensor([[1, 2], 3] as never)).toThrow('values[1] is 3, expected an array of length 2');
    expect(() => tensor([1, 'a'] as never)).toThrow(ValueError);
  });

  it('takes a typed array and a shape, copying into the dtype', () => {
    const src = new Float64Array([1.5, 2.5, 3.5, 4.5, 5.5, 6.5]);
    const t = tensor(src, 'float32', [3, 2]);
    expect(t.shape).toEqual([3, 2]);
    expect(t.data).not.toBe(src);
    expect(() => tensor(src, 'float32', [4, 2])).toThrow(ShapeError);
    expect(() => tensor(src, 'float32', [4, 2])).toThrow('does not fit shape (4, 2)');
  });

  const exact = (t: Tensor, key: string) => expect(Array.from(t.data)).toEqual(creation[key]);

  it('zeros, ones, full and eye match numpy', () => {
    exact(zeros([2, 3], 'float64'), 'zeros23');
    exact(ones([4], 'float64'), 'ones4');
    exact(full([2, 2], -2.5, 'float64'), 'full22');
    exact(eye(3, undefined, 'float64'), 'eye3');
    exact(eye(2, 3, 'float64'), 'eye23');
    expect(eye(2, 3).shape).toEqual([2, 3]);
    expect(zeros([2, 0, 3]).size).toBe(0);
  });

  it('arange matches numpy, including fractional and negative steps', () => {
    exact(arange(5, undefined, 1, 'float64'), 'arange5');
    exact(arange(2, 11, 3, 'float64'), 'arange_2_11_3');
    exact(arange(1, 0, -0.25, 'float64'), 'arange_1_0_m025');
    exact(arange(0, 1, 0.1, 'float64'), 'arange_0_1_01');
    expect(arange(3, 1).size).toBe(0);
    expect(() => arange(0, 1, 0)).toThrow(ValueError);
    expect(() => arange(0, Number.POSITIVE_INFINITY)).toThrow('finite');
  });

  it('linspace matches numpy bit for bit, and its last value is exactly stop', () => {
    exact(linspace(0, 1, 5, 'float64'), 'linspace_0_1_5');
    exact(linspace(0, 3.12, 200, 'float64'), 'linspace_0_312_200');
    exact(linspace(3.12, 6.24, 200, 'float64'), 'linspace_312_624_200');
    exact(linspace(-1, 1, 7, 'float64'), 'linspace_m1_1_7');
    exact(linspace(2, 3, 1, 'float64'), 'linspace_2_3_1');
    expect(linspace(3.12, 6.24, 200, 'float64').data[199]).toBe(6.24);
    expect(() => linspace(0, 1, -1)).toThrow(ValueError);
  });
});

describe('printing', () => {
  // numpy prints `array(` and omits float64's dtype; we print `tensor(` and always the
  // dtype (numpy 2 adds `shape=` to summarized arrays). The numeric body, alignment
  // included, must be numpy's.
  const body = (s: string, prefix: string) => {
    const inner = s
      .slice(prefix.length, s.lastIndexOf(')'))
      .replace(/, shape=\([\d, ]*\)$/, '')
      .replace(/, dtype=\w+$/, '');
    return inner
      .split('\n')
      .map((line, i) => (i === 0 || line === '' ? line : line.slice(prefix.length)))
      .join('\n');
  };
  for (const { values, shape, repr } of reprs) {
    it(`prints like numpy: ${repr.replace(/\n/g, '\\n').slice(0, 70)}`, () => {
      const t = tensor(Float64Array.from(values), 'float64', shape);
      const ours = t.toString();
      expect(ours.startsWith('tensor(')).toBe(true);
      expect(ours.endsWith(', dtype=float64)')).toBe(true);
      expect(body(ours, 'tensor(')).toBe(body(repr, 'array('));
    });
  }

  it('prints float32 and int32 with their dtype', () => {
    expect(tensor([1, 2.5]).toString()).toBe('tensor([1. , 2.5], dtype=float32)');
    expect(tensor([3, -12], 'int32').toString()).toBe('tensor([  3, -12], dtype=int32)');
  });
});

describe('Tensor', () => {
  it('reshape is a view that shares data', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], 'float64');
    const y = reshape(x, [2, -1]);
    expect(y.shape).toEqual([2, 3]);
    expect(y.data).toBe(x.data);
    (x.data as Float64Array)[4] = 50;
    expect(y.toArray()).toEqual([
      [1, 2, 3],
      [4, 50, 6],
    ]);
    expect(x.reshape([3, 2]).data).toBe(x.data);
  });

  it('item and toArray', () => {
    expect(scalar(2.5, 'float64').item()).toBe(2.5);
    expect(tensor([[7]]).item()).toBe(7);
    expect(() => tensor([1, 2]).item()).toThrow(ShapeError);
    expect(() => tensor([1, 2]).item()).toThrow('(2,)');
    expect(tensor([[[1, 2]], [[3, 4]]], 'float64').toArray()).toEqual([[[1, 2]], [[3, 4]]]);
    expect(scalar(3).toArray()).toBe(3);
    expect(zeros([0, 2]).toArray()).toEqual([]);
  });

  it('has rank, size, T and ids', () => {
    const t = zeros([2, 3, 4]);
    expect([t.rank, t.size]).toEqual([3, 24]);
    expect(t.T.shape).toEqual([4, 3, 2]);
    expect(zeros([1]).id).not.toBe(zeros([1]).id);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });
});

describe('backend registry', () => {
  it("setBackend('nope') throws BackendError listing the known backends", () => {
    expect(() => setBackend('nope')).toThrow(BackendError);
    expect(() => setBackend('nope')).toThrow("setBackend: unknown backend 'nope': expected one of 'js'");
  });

  it('backendInfo names the active backend and why', () => {
    setBackend('js');
    const info = backendInfo();
    expect(info.name).toBe('js');
    expect(info.reason).toBe("chosen with setBackend('js')");
    expect(info.registered).toContainEqual({ name: 'js', priority: 1 });
    expect(listBackends()).toContain('js');
    expect(getBackend().name).toBe('js');
  });
});

describe('large GEMM outputs (uninitialized storage under Node)', () => {
  it('matmul and linear of a 600x600 outer product are exact, in both dtypes', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const n = 600; // 360,000 outputs: 1.4 MB in float32, over allocateOutput's 256 KiB threshold
      const u = tensor(
        Array.from({ length: n }, (_, i) => [(i % 7) - 3]),
        dtype,
      );
      const v = tensor([Array.from({ length: n }, (_, j) => (j % 5) - 2)], dtype);
      for (const r of [matmul(u, v), linear(u, v, null)]) {
        expect(r.shape).toEqual([n, n]);
        expect(r.dtype).toBe(dtype);
        let wrong = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (r.data[i * n + j] !== ((i % 7) - 3) * ((j % 5) - 2)) wrong++;
        expect(wrong).toBe(0);
      }
    }
  });
});

describe('linear with few inputs per unit (one pass per row, k = 1 to 4)', () => {
  it('equals W·A + b followed by the activation, computed here term by term, for k = 1 to 5', () => {
    const acts = {
      linear: (z: number) => z,
      sigmoid: (z: number) => 1 / (1 + Math.exp(-z)),
      tanh: Math.tanh,
      relu: (z: number) => Math.max(z, 0),
      leakyRelu: (z: number) => (z < 0 ? 0.1 * z : z),
    };
    const value = (i: number) => Math.sin(1.7 * i + 0.3) * 3;
    for (const k of [1, 2, 3, 4, 5]) {
      const [n, m] = [3, 37];
      const W = tensor(
        Array.from({ length: n }, (_, r) => Array.from({ length: k }, (_, c) => value(r * k + c))),
        'float64',
      );
      const A = tensor(
        Array.from({ length: k }, (_, c) => Array.from({ length: m }, (_, j) => value(100 + c * m + j))),
        'float64',
      );
      const b = tensor(
        Array.from({ length: n }, (_, r) => [value(500 + r)]),
        'float64',
      );
      for (const [name, g] of Object.entries(acts)) {
        const got = linear(W, A, b, name as keyof typeof acts, 0.1).data;
        let worst = 0;
        for (let r = 0; r < n; r++) {
          for (let j = 0; j < m; j++) {
            let z = 0;
            for (let c = 0; c < k; c++) z += (W.data[r * k + c] as number) * (A.data[c * m + j] as number);
            const want = g(z + (b.data[r] as number));
            worst = Math.max(worst, Math.abs((got[r * m + j] as number) - want) / Math.max(1, Math.abs(want)));
          }
        }
        expect(worst, `k = ${k}, ${name}`).toBeLessThan(1e-14);
      }
    }
  });
});
