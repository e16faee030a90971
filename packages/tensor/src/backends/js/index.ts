import type { Backend } from '../../backend.ts';
import type { FloatArray } from '../../dtype.ts';
import { convFromGemm } from './conv-gemm.ts';
import { binary, clip, unary, where } from './elementwise.ts';
import { activationBackward, adamUpdate, linear, linearBackward, sgdUpdate, softmax } from './fused.ts';
import { gemm } from './gemm.ts';
import { concat, gather, slice, transpose } from './layout.ts';
import { pad, pool2d, pool2dBackward } from './pool.ts';
import { argMax, reduce } from './reduce.ts';
import { winogradApplies, winogradConv2d } from './winograd.ts';

/**
 * The pure-TypeScript backend: runs anywhere JavaScript does, and is the executable
 * specification every other backend is tested against.
 */
const im2col = convFromGemm(matmul);

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
  // im2col into the threaded GEMM, and Winograd's F(2x2, 3x3) for 3x3 stride-1 layers with
  // enough channels (bench/README.md compares them).
  ...im2col,
  conv2d(x, W, bias, g, out) {
    if (winogradApplies(g)) winogradConv2d(matmul, x.data as FloatArray, W.data as FloatArray, bias?.data ?? null, g, out);
    else im2col.conv2d(x, W, bias, g, out);
  },
  pool2d,
  pool2dBackward,
  pad,
  // It reads every typed array where it is.
  adopt: (t) => t,
};
