import type { Backend } from '../../backend.ts';
import type { FloatArray } from '../../dtype.ts';
import { convFromGemm } from './conv-gemm.ts';
import { binary, clip, unary, where } from './elementwise.ts';
import { activationBackward, adamUpdate, linear, linearBackward, sgdUpdate, softmax } from './fused.ts';
import { gemm } from './gemm.ts';
import { concat, gather, slice, transpose } from './layout.ts';
import { pad, pool2d, pool2dBackward } from './pool.ts';
import { argMax, reduce } from './reduce.ts';

/**
 * The pure-TypeScript backend: runs anywhere JavaScript does, and is the executable
 * specification every other backend is tested against.
 */
function matmul(...[a, b, out, g]: Parameters<Backend['matmul']>): void {
  const [m, k] = g.transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const n = g.transB ? b.shape[0] : b.shape[1];
  gemm(g.transA, g.transB, m, n, k, g.alpha, a.data as FloatArray, b.data as FloatArray, g.beta, out);
}

export const jsBackend: Backend = {
  name: 'js',
  unary,
  binary,
  where,
  clip,
  reduce,
  argMax,
  matmul,
  transpose,
  slice,
  concat,
  gather,
  activationBackward,
  softmax: (x, axis, out) => softmax(x, axis, out, false),
  logSoftmax: (x, axis, out) => softmax(x, axis, out, true),
  linear,
  linearBackward,
  sgdUpdate,
  adamUpdate,
  // im2col into the threaded GEMM (bench/README.md compares it with direct loops).
  ...convFromGemm(matmul),
  pool2d,
  pool2dBackward,
  pad,
};
