import { checkOptions, mul, optionalBoolean, square, sub, sum, type Tensor } from '@neurite/tensor';
import { assertPair, outLike } from './util.ts';

export interface MeanSquaredErrorOptions {
  /** Use the course's ½ convention, J = (1/2m) Σ (A − Y)², whose gradient is A − Y. */
  half?: boolean;
}

const KEYS = ['half'] as const;

/** The ½ factor's switch, checked: only `half`, and only true or false. */
function halfOf(fn: string, options: MeanSquaredErrorOptions | undefined): boolean {
  return optionalBoolean(checkOptions(options, fn, KEYS).half, false, fn, 'options.half');
}

/** J = (1/m) Σ (A − Y)², summed over outputs and averaged over the m examples (columns). */
export function meanSquaredErrorValue(A: Tensor, Y: Tensor, options?: MeanSquaredErrorOptions): number {
  const m = assertPair('meanSquaredErrorValue', A, Y);
  const half = halfOf('meanSquaredErrorValue', options);
  let total = 0;
  for (let i = 0; i < A.size; i++) {
    const d = A.data[i] - Y.data[i];
    total += d * d;
  }
  return (half ? 0.5 : 1) * (total / m);
}

export function meanSquaredError(A: Tensor, Y: Tensor, options?: MeanSquaredErrorOptions): Tensor {
  const m = assertPair('meanSquaredError', A, Y);
  return mul(sum(square(sub(A, Y))), (halfOf('meanSquaredError', options) ? 0.5 : 1) / m);
}

/** Per-example derivative: 2(A − Y), or A − Y with the ½ convention. */
export function meanSquaredErrorGradient(A: Tensor, Y: Tensor, options?: MeanSquaredErrorOptions, out?: Tensor): Tensor {
  assertPair('meanSquaredErrorGradient', A, Y);
  const scale = halfOf('meanSquaredErrorGradient', options) ? 1 : 2;
  const dA = outLike(A, out, 'meanSquaredErrorGradient');
  for (let i = 0; i < A.size; i++) dA.data[i] = scale * (A.data[i] - Y.data[i]);
  return dA;
}
