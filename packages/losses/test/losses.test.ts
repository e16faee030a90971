import { Generator, grad, sigmoid, type Tensor, tensor } from '@neurite/tensor';
import { numericGrad, relativeError as relError } from '@neurite/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropy,
  binaryCrossEntropyFromLogits,
  binaryCrossEntropyFromLogitsGradient,
  binaryCrossEntropyFromLogitsValue,
  binaryCrossEntropyGradient,
  binaryCrossEntropyValue,
  categoricalCrossEntropy,
  categoricalCrossEntropyGradient,
  categoricalCrossEntropyValue,
  getLoss,
  l2Penalty,
  l2PenaltyGradient,
  l2PenaltyValue,
  meanSquaredError,
  meanSquaredErrorGradient,
  meanSquaredErrorValue,
  softmaxCrossEntropy,
  softmaxCrossEntropyGradient,
  softmaxCrossEntropyValue,
} from '../src/index.ts';

const scaled = (g: Tensor, k: number) => Array.from(g.data, (v) => v * k);
const rng = new Generator(7);
const Y3 = tensor([[1, 0, 1, 1, 0]], 'float64');

describe('binary cross-entropy', () => {
  it("equals the course's cost on the week-2 unit example (0.15900537707692405)", () => {
    // w = [1, 2], b = 1.5, X = [[1, -2, -1], [3, 0.5, -3.2]]: z = w·x + b per column.
    const z = [1 * 1 + 2 * 3 + 1.5, 1 * -2 + 2 * 0.5 + 1.5, 1 * -1 + 2 * -3.2 + 1.5];
    const A = tensor([z.map((v) => 1 / (1 + Math.exp(-v)))], 'float64');
    const Y = tensor([[1, 1, 0]], 'float64');
    expect(binaryCrossEntropyValue(A, Y, { epsilon: 0 })).toBeCloseTo(0.15900537707692405, 15);
    expect(binaryCrossEntropy(A, Y).item()).toBeCloseTo(0.15900537707692405, 15);
  });

  it('is finite for predictions of exactly 0 and 1 (clipped), and matches the hand value', () => {
    const A = tensor([[0, 1, 1, 0]], 'float64');
    const Y = tensor([[1, 0, 1, 0]], 'float64');
    const v = binaryCrossEntropyValue(A, Y);
    expect(Number.isFinite(v)).toBe(true);
    // Wrong examples cost −log(ε) and −log(1 − (1 − ε)) (1 − ε rounds in float64); right ones ≈ 1e−15.
    expect(v).toBeCloseTo(-(Math.log(1e-15) + Math.log(1 - (1 - 1e-15))) / 4, 10);
    expect(Number.isFinite(binaryCrossEntropy(A, Y).item())).toBe(true);
    expect(Array.from(binaryCrossEntropyGradient(A, Y).data).every(Number.isFinite)).toBe(true);
    const A32 = tensor([[0, 1]], 'float32');
    expect(Number.isFinite(binaryCrossEntropyValue(A32, tensor([[1, 0]], 'float32')))).toBe(true);
  });

  it('gradient (per example) matches central differences of the cost times m', () => {
    const A = rng.uniform(0.05, 0.95, [1, 5], 'float64');
    const g = binaryCrossEntropyGradient(A, Y3);
    const n = numericGrad(() => binaryCrossEntropyValue(A, Y3), A);
    expect(relError(scaled(g, 1 / 5), n)).toBeLessThan(1e-7);
    const [auto] = grad((a: Tensor) => binaryCrossEntropy(a, Y3))(A);
    expect(relError(auto.data, n)).toBeLessThan(1e-7);
  });

  it('from logits: stable at |z| = 1000, equal to the probability form elsewhere, gradient sigmoid(z) − y', () => {
    const Z = tensor([[1000, -1000, 1000, -1000]], 'float64');
    const Y = tensor([[1, 0, 0, 1]], 'float64');
    // Right with certainty costs 0; wrong by z = 1000 costs exactly 1000.
    expect(binaryCrossEntropyFromLogitsValue(Z, Y)).toBeCloseTo((0 + 0 + 1000 + 1000) / 4, 9);
    expect(binaryCrossEntropyFromLogits(Z, Y).item()).toBeCloseTo(500, 9);
    expect(Array.from(binaryCrossEntropyFromLogitsGradient(Z, Y).data)).toEqual([0, 0, 1, -1]);
    const Zs = rng.randn([1, 5], 'float64');
    expect(binaryCrossEntropyFromLogitsValue(Zs, Y3)).toBeCloseTo(binaryCrossEntropyValue(sigmoid(Zs), Y3, { epsilon: 0 }), 12);
    const n = numericGrad(() => binaryCrossEntropyFromLogitsValue(Zs, Y3), Zs);
    expect(relError(scaled(binaryCrossEntropyFromLogitsGradient(Zs, Y3), 1 / 5), n)).toBeLessThan(1e-7);
    const [auto] = grad((z: Tensor) => binaryCrossEntropyFromLogits(z, Y3))(Zs);
    expect(relError(auto.data, n)).toBeLessThan(1e-7);
  });

  it('rejects mismatched shapes naming both', () => {
    expect(() => binaryCrossEntropyValue(tensor([[0.5, 0.5]]), tensor([[1, 0, 1]]))).toThrow(/\(1, 2\) and Y \(1, 3\)/);
  });
});

describe('mean squared error', () => {
  const A = tensor(
    [
      [1, 2, 3],
      [0, 1, 0],
    ],
    'float64',
  );
  const Y = tensor(
    [
      [1, 0, 1],
      [1, 1, 1],
    ],
    'float64',
  );
  it('sums over outputs and averages over the m columns; the ½ convention halves it', () => {
    // Squared errors: 0, 4, 4, 1, 0, 1 → 10, over m = 3.
    expect(meanSquaredErrorValue(A, Y)).toBeCloseTo(10 / 3, 14);
    expect(meanSquaredErrorValue(A, Y, { half: true })).toBeCloseTo(5 / 3, 14);
    expect(meanSquaredError(A, Y, { half: true }).item()).toBeCloseTo(5 / 3, 14);
  });
  it('gradient matches central differences', () => {
    const P = rng.randn([2, 3], 'float64');
    for (const half of [false, true]) {
      const n = numericGrad(() => meanSquaredErrorValue(P, Y, { half }), P);
      expect(relError(scaled(meanSquaredErrorGradient(P, Y, { half }), 1 / 3), n)).toBeLessThan(1e-7);
    }
  });
});

describe('softmax and categorical cross-entropy', () => {
  const Y = tensor(
    [
      [1, 0, 0, 1],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ],
    'float64',
  );
  it('is finite for |z| = 1000 and equals the hand value', () => {
    const Z = tensor(
      [
        [1000, 0, 0, -1000],
        [0, 0, 0, 0],
        [-1000, 0, 1000, 0],
      ],
      'float64',
    );
    // Columns: certain and right (0), uniform (log 3), certain and right (0), wrong by 1000 (1000 + log 2... of the two zeros).
    const expected = (0 + Math.log(3) + 0 + (1000 + Math.log(2))) / 4;
    expect(softmaxCrossEntropyValue(Z, Y)).toBeCloseTo(expected, 9);
    expect(softmaxCrossEntropy(Z, Y).item()).toBeCloseTo(expected, 9);
    expect(Array.from(softmaxCrossEntropyGradient(Z, Y).data).every(Number.isFinite)).toBe(true);
  });
  it('gradient softmax(Z) − Y matches central differences and autodiff', () => {
    const Z = rng.randn([3, 4], 'float64');
    const n = numericGrad(() => softmaxCrossEntropyValue(Z, Y), Z);
    expect(relError(scaled(softmaxCrossEntropyGradient(Z, Y), 1 / 4), n)).toBeLessThan(1e-7);
    const [auto] = grad((z: Tensor) => softmaxCrossEntropy(z, Y))(Z);
    expect(relError(auto.data, n)).toBeLessThan(1e-7);
  });
  it('categorical cross-entropy of probabilities: value, clipping at 0, gradient −Y/A', () => {
    const A = tensor(
      [
        [0.7, 0.2, 0.1, 0],
        [0.2, 0.5, 0.1, 0.5],
        [0.1, 0.3, 0.8, 0.5],
      ],
      'float64',
    );
    expect(Number.isFinite(categoricalCrossEntropyValue(A, Y))).toBe(true);
    const B = tensor(
      [
        [0.7, 0.2, 0.1, 0.4],
        [0.2, 0.5, 0.1, 0.3],
        [0.1, 0.3, 0.8, 0.3],
      ],
      'float64',
    );
    expect(categoricalCrossEntropyValue(B, Y)).toBeCloseTo(-(Math.log(0.7) + Math.log(0.5) + Math.log(0.8) + Math.log(0.4)) / 4, 14);
    expect(categoricalCrossEntropy(B, Y).item()).toBeCloseTo(categoricalCrossEntropyValue(B, Y), 14);
    const n = numericGrad(() => categoricalCrossEntropyValue(B, Y), B);
    expect(relError(scaled(categoricalCrossEntropyGradient(B, Y), 1 / 4), n)).toBeLessThan(1e-7);
  });
});

describe('L2 penalty', () => {
  it('is (λ/2m)·Σ‖W‖² with gradient (λ/m)·W', () => {
    const W1 = tensor(
      [
        [1, -2],
        [3, 0],
      ],
      'float64',
    );
    const W2 = tensor([[0.5, 0.5]], 'float64');
    // ‖W1‖² = 14, ‖W2‖² = 0.5; λ = 0.7, m = 5.
    expect(l2PenaltyValue([W1, W2], 0.7, 5)).toBeCloseTo((0.7 / 10) * 14.5, 14);
    expect(l2Penalty([W1, W2], 0.7, 5).item()).toBeCloseTo((0.7 / 10) * 14.5, 14);
    const n = numericGrad(() => l2PenaltyValue([W1, W2], 0.7, 5), W1);
    expect(relError(l2PenaltyGradient(W1, 0.7, 5).data, n)).toBeLessThan(1e-7);
    expect(() => l2PenaltyValue([W1], -1, 5)).toThrow(/lambda/);
  });
});

describe('getLoss', () => {
  it('names the loss, fuses sigmoid/softmax outputs, and rejects unknown names', () => {
    expect(getLoss('binaryCrossEntropy').fusedActivation).toBe('sigmoid');
    expect(getLoss('categoricalCrossEntropy').fusedActivation).toBe('softmax');
    expect(getLoss('meanSquaredError', { half: true }).value(tensor([[2]], 'float64'), tensor([[0]], 'float64'))).toBe(2);
    expect(() => getLoss('hinge' as never)).toThrow(/getLoss: loss must be one of .* received "hinge"/);
  });
});
