import {
  BackendError,
  type BackendImpl,
  type Conv2dGeometry,
  jsBackend,
  NeuriteError,
  type Pool2dGeometry,
  ValueError,
} from '@neurite/tensor';
import type { NativeBinding } from './binding.ts';

/**
 * Below these output sizes an op stays in TypeScript: crossing N-API costs about a
 * microsecond plus the shape arrays' conversion, more than the JS loop itself on a small
 * tensor. Measured with scripts/crossover.ts on the planar network's 4x400 tensors;
 * see the README for the numbers.
 */
export const SMALL: Readonly<Crossover> = {
  /** add/mul/...: converting the three shape arrays costs ~1 µs, so native wins from ~500. */
  binary: 512,
  /** exp, tanh, sigmoid, log: a libm call per element, so native wins sooner. */
  transcendental: 128,
  /** neg, abs, relu, square, activation backward: native wins from ~200 elements. */
  cheap: 256,
  reduce: 256,
  /** m·n·k multiply-adds: a (4x25)(25x4) product is already faster natively. */
  gemm: 256,
  optimizer: 256,
};

export interface Crossover {
  binary: number;
  transcendental: number;
  cheap: number;
  reduce: number;
  gemm: number;
  optimizer: number;
}

/** Every op crosses N-API, whatever its size: for tests of the kernels themselves. */
export const ALWAYS_NATIVE: Readonly<Crossover> = { binary: 0, transcendental: 0, cheap: 0, reduce: 0, gemm: 0, optimizer: 0 };

const TRANSCENDENTAL = new Set(['exp', 'log', 'sigmoid', 'tanh', 'sqrt']);

/** A convolution's or pool's geometry in the order native/kernels/src/conv.rs FIELDS reads it. */
export function geometryOf(g: Conv2dGeometry | Pool2dGeometry): number[] {
  const c = g as Partial<Conv2dGeometry> & Pool2dGeometry;
  return [
    g.m,
    g.inH,
    g.inW,
    g.inC,
    g.fH,
    g.fW,
    c.outC ?? g.inC,
    g.outH,
    g.outW,
    g.strideH,
    g.strideW,
    c.dilationH ?? 1,
    c.dilationW ?? 1,
    g.padTop,
    g.padBottom,
    g.padLeft,
    g.padRight,
  ];
}

const macs = (g: Conv2dGeometry) => g.m * g.outH * g.outW * g.outC * g.fH * g.fW * g.inC;

export function createNativeBackend(native: NativeBinding, small: Readonly<Crossover> = SMALL, name = 'native'): BackendImpl {
  let gemmProblem = gemmEnvProblem(native);
  // A bad NEURITE_GEMM fails the first product, as a bad NEURITE_THREADS does on js; it is
  // looked at again only while it is wrong (setGemmProvider may have fixed the choice since).
  const checkGemm = () => {
    if (gemmProblem === undefined) return;
    gemmProblem = gemmEnvProblem(native);
    if (gemmProblem !== undefined) throw new ValueError(gemmProblem);
  };
  return reportingErrors({
    name,
    // Every kernel below (and the js ones it falls back to on small sizes) writes all of `out`.
    overwritesOutputs: true,
    unary(op, x, out, alpha) {
      if (out.length < (TRANSCENDENTAL.has(op) ? small.transcendental : small.cheap)) jsBackend.unary(op, x, out, alpha);
      else native.unary(op, x.data, out, alpha);
    },
    binary(op, a, b, out, outShape) {
      if (out.length < (op === 'pow' ? small.transcendental : small.binary)) jsBackend.binary(op, a, b, out, outShape);
      else native.binary(op, a.data, a.shape, b.data, b.shape, out, outShape);
    },
    where(cond, a, b, out, outShape) {
      if (out.length < small.binary) jsBackend.where(cond, a, b, out, outShape);
      else native.where(cond.data, cond.shape, a.data, a.shape, b.data, b.shape, out, outShape);
    },
    clip(x, min, max, out) {
      if (out.length < small.cheap) jsBackend.clip(x, min, max, out);
      else native.clip(x.data, min, max, out);
    },
    reduce(op, x, axes, out) {
      if (x.size < small.reduce) jsBackend.reduce(op, x, axes, out);
      else native.reduce(op, x.data, x.shape, axes, out);
    },
    argMax(x, axis, out) {
      if (x.size < small.reduce) jsBackend.argMax(x, axis, out);
      else native.argMax(x.data, x.shape, axis, out);
    },
    matmul(a, b, out, g) {
      const [m, k] = g.transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
      const n = g.transB ? b.shape[0] : b.shape[1];
      checkGemm();
      if (m * n * k < small.gemm) jsBackend.matmul(a, b, out, g);
      else native.gemm(g.transA, g.transB, m, n, k, g.alpha, a.data, b.data, g.beta, out);
    },
    // Layout ops only move memory: TypedArray.set in JS is as fast as a native copy.
    transpose: jsBackend.transpose,
    slice: jsBackend.slice,
    concat: jsBackend.concat,
    gather: jsBackend.gather,
    activationBackward(act, dA, A, out, alpha) {
      if (out.length < small.cheap) jsBackend.activationBackward(act, dA, A, out, alpha);
      else native.activationBackward(act, dA.data, A.data, out, alpha);
    },
    softmax(x, axis, out) {
      if (out.length < small.transcendental) jsBackend.softmax(x, axis, out);
      else native.softmax(x.data, x.shape, axis, out, false);
    },
    logSoftmax(x, axis, out) {
      if (out.length < small.transcendental) jsBackend.logSoftmax(x, axis, out);
      else native.softmax(x.data, x.shape, axis, out, true);
    },
    linear(W, A, b, act, alpha, out) {
      const [n, k] = W.shape;
      const m = A.shape[1];
      checkGemm();
      if (n * m * k < small.gemm) jsBackend.linear(W, A, b, act, alpha, out);
      else native.linear(W.data, n, k, A.data, m, b ? b.data : null, act, alpha, out);
    },
    conv2d(x, W, bias, g, out) {
      checkGemm();
      if (macs(g) < small.gemm) jsBackend.conv2d(x, W, bias, g, out);
      else native.conv2d(x.data, W.data, bias ? bias.data : null, geometryOf(g), out);
    },
    conv2dBackpropInput(dZ, W, g, out) {
      checkGemm();
      if (macs(g) < small.gemm) jsBackend.conv2dBackpropInput(dZ, W, g, out);
      else native.conv2dBackpropInput(dZ.data, W.data, geometryOf(g), out);
    },
    conv2dBackpropFilter(x, dZ, g, out) {
      checkGemm();
      if (macs(g) < small.gemm) jsBackend.conv2dBackpropFilter(x, dZ, g, out);
      else native.conv2dBackpropFilter(x.data, dZ.data, geometryOf(g), out);
    },
    pool2d(mode, x, g, out) {
      if (out.length < small.cheap) jsBackend.pool2d(mode, x, g, out);
      else native.pool2d(mode, x.data, geometryOf(g), g.countPad, out);
    },
    pool2dBackward(mode, dA, x, g, out) {
      if (out.length < small.cheap) jsBackend.pool2dBackward(mode, dA, x, g, out);
      else native.pool2dBackward(mode, dA.data, x.data, geometryOf(g), g.countPad, out);
    },
    // Padding only moves memory, like the layout ops above.
    pad: jsBackend.pad,
    sgdUpdate(param, grad, lr) {
      if (param.length < small.optimizer) jsBackend.sgdUpdate(param, grad, lr);
      else native.sgdUpdate(param, grad, lr);
    },
    adamUpdate(param, grad, m, v, s) {
      if (param.length < small.optimizer) jsBackend.adamUpdate(param, grad, m, v, s);
      else native.adamUpdate(param, grad, m, v, s.lr, s.beta1, s.beta2, s.epsilon, s.t);
    },
  });
}

/** NEURITE_GEMM's problem in words when it names no provider of this binary, else undefined. */
function gemmEnvProblem(native: NativeBinding): string | undefined {
  try {
    native.gemmProvider();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

type Op = (...args: unknown[]) => unknown;

/**
 * The op layer validates every argument before a backend runs, so an error from the addon is
 * Neurite's bug (a kernel rejecting what the op layer let through, or a caught Rust panic): it
 * reaches the user as a BackendError naming the op, not as a bare Error. Neurite's own errors
 * (from the js fallbacks, a bad setting) pass through unchanged.
 */
function reportingErrors(impl: BackendImpl): BackendImpl {
  const ops = impl as unknown as Record<string, unknown>;
  for (const [key, f] of Object.entries(ops)) {
    if (typeof f !== 'function') continue;
    const op = f as Op;
    // Fixed parameters rather than ...args: no array per call on the hot path (6 is the most any op takes).
    ops[key] = (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, g: unknown) => {
      try {
        return op(a, b, c, d, e, g);
      } catch (error) {
        if (error instanceof NeuriteError) throw error;
        const message = (error instanceof Error ? error.message : String(error)).replace(/^@neurite\/backend-native: /, '');
        throw new BackendError(`@neurite/backend-native (${key}): ${message}`, { cause: error });
      }
    };
  }
  return impl;
}
