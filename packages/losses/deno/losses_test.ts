// Deno suite for @neurite/losses: each cost and gradient against values worked out by hand
// from its formula (examples are columns, m = 2 here), and the edges the issue names:
// predictions of exactly 0 and 1, and logits of ±1000.
// Run from packages/losses: ../../node_modules/.bin/deno test --conditions=source deno/
import { tensor } from '@neurite/tensor';
import {
  binaryCrossEntropyFromLogitsGradient,
  binaryCrossEntropyFromLogitsValue,
  binaryCrossEntropyGradient,
  binaryCrossEntropyValue,
  l2PenaltyGradient,
  l2PenaltyValue,
  meanSquaredErrorGradient,
  meanSquaredErrorValue,
  softmaxCrossEntropyGradient,
  softmaxCrossEntropyValue,
} from '../src/index.ts';

function close(actual: number, expected: number, what: string, tolerance = 1e-12): void {
  if (!(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)))) {
    throw new Error(`${what}: expected ${expected}, received ${actual}`);
  }
}

const Y = tensor([[1, 0]], 'float64');

Deno.test('binary cross-entropy: -(1/m) Σ y log a + (1 - y) log(1 - a), and its gradient', () => {
  const A = tensor([[0.8, 0.4]], 'float64');
  close(binaryCrossEntropyValue(A, Y), -(Math.log(0.8) + Math.log(0.6)) / 2, 'cost');
  // dA = -(y/a - (1 - y)/(1 - a)) per example
  const dA = binaryCrossEntropyGradient(A, Y).data;
  close(dA[0] as number, -1 / 0.8, 'dA[0]');
  close(dA[1] as number, 1 / 0.6, 'dA[1]');
});

Deno.test('binary cross-entropy stays finite at predictions of exactly 0 and 1', () => {
  const wrong = tensor([[0, 1]], 'float64'); // both confidently wrong
  const cost = binaryCrossEntropyValue(wrong, Y);
  // Clipped to [1e-15, 1 - 1e-15] in float64: -log(1e-15) for the first example, and for the
  // second -log(1 - (1 - 1e-15)), where 1 - 1e-15 rounds to the double just below it.
  close(cost, -(Math.log(1e-15) + Math.log(1 - (1 - 1e-15))) / 2, 'cost');
  for (const v of binaryCrossEntropyGradient(wrong, Y).data) if (!Number.isFinite(v)) throw new Error(`gradient ${v}`);
});

Deno.test('from logits: log(1 + e^z) - y z, stable at |z| = 1000; the gradient is sigmoid(z) - y', () => {
  const Z = tensor([[1000, -1000]], 'float64');
  // Both examples confidently right: the cost is 0 to double precision.
  close(binaryCrossEntropyFromLogitsValue(Z, Y), 0, 'right', 1e-300);
  // Both confidently wrong: log(1 + e^1000) = 1000 for each, so 1000 on average.
  close(binaryCrossEntropyFromLogitsValue(tensor([[-1000, 1000]], 'float64'), Y), 1000, 'wrong');
  const dZ = binaryCrossEntropyFromLogitsGradient(tensor([[0, Math.log(3)]], 'float64'), Y).data;
  close(dZ[0] as number, 0.5 - 1, 'dZ[0]');
  close(dZ[1] as number, 0.75, 'dZ[1]'); // sigmoid(ln 3) = 3/4
});

Deno.test("mean squared error, with and without the course's ½", () => {
  const A = tensor([[3, -1]], 'float64');
  const T = tensor([[1, 1]], 'float64');
  close(meanSquaredErrorValue(A, T), (4 + 4) / 2, 'J');
  close(meanSquaredErrorValue(A, T, { half: true }), (4 + 4) / 4, 'J with ½');
  const dA = meanSquaredErrorGradient(A, T, { half: true }).data;
  close(dA[0] as number, 2, 'dA[0]');
  close(dA[1] as number, -2, 'dA[1]');
});

Deno.test('softmax cross-entropy from logits, stable at 1000; the gradient is softmax(z) - y', () => {
  // Classes are rows: two classes, two examples.
  const Z = tensor(
    [
      [0, 1000],
      [Math.log(3), 0],
    ],
    'float64',
  );
  const Yc = tensor(
    [
      [1, 1],
      [0, 0],
    ],
    'float64',
  );
  // Example 1: softmax = (1/4, 3/4), -log(1/4). Example 2: softmax = (1, e^-1000) -> -log 1 = 0.
  close(softmaxCrossEntropyValue(Z, Yc), Math.log(4) / 2, 'cost');
  const dZ = softmaxCrossEntropyGradient(Z, Yc).data;
  close(dZ[0] as number, 0.25 - 1, 'dZ[0,0]');
  close(dZ[2] as number, 0.75, 'dZ[1,0]');
  close(dZ[1] as number, 0, 'dZ[0,1]', 1e-300);
});

Deno.test('the L2 penalty (λ/2m) Σ‖W‖² and its gradient (λ/m) W', () => {
  const W1 = tensor(
    [
      [1, 2],
      [3, 4],
    ],
    'float64',
  );
  const W2 = tensor([[-1]], 'float64');
  close(l2PenaltyValue([W1, W2], 0.7, 5), (0.7 / 10) * (1 + 4 + 9 + 16 + 1), 'penalty');
  close(l2PenaltyGradient(W1, 0.7, 5).data[3] as number, (0.7 / 5) * 4, 'dW[1,1]');
});
