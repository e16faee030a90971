import { type BackendImpl, type FloatArray, type Gemm, jsBackend, Tensor } from '@neurite/tensor';
import type { Arena } from './arena.ts';
import { ACTIVATION, ACTIVATION_GRAD, BINARY, REDUCE, UNARY } from './codes.ts';
import { foldAxes, runsOf, splitAxis } from './layout.ts';
import type { Kernels } from './module.ts';
import type { Pool } from './pool.ts';

/**
 * Below these sizes an op stays on the js backend: copying operands into wasm memory and out
 * again, and the call itself, cost more than the js loop on a small tensor. Measured by
 * scripts/crossover.ts; see the README.
 */
export interface Crossover {
  /** add, mul, ...: output elements. */
  binary: number;
  /** exp, log, sigmoid, tanh (and pow): output elements. */
  transcendental: number;
  /** neg, abs, relu, square, clip, activation backward: output elements. */
  cheap: number;
  /** input elements. */
  reduce: number;
  /** m·n·k multiply-adds. */
  gemm: number;
  /** parameters. */
  optimizer: number;
  /** m·n·k multiply-adds from which a product is split across the pool's threads. */
  parallel: number;
}

export const SMALL: Readonly<Crossover> = {
  binary: 2048,
  transcendental: 256,
  cheap: 2048,
  reduce: 2048,
  gemm: 4096,
  // The js loop converts every element to f64 and back (~3.3 ns an element for SGD): wasm with
  // its three or five copies measured 2x faster for SGD and 2-4x for Adam from 1024 parameters.
  optimizer: 1024,
  parallel: 1 << 21,
};

/** Every op runs in wasm, whatever its size: for tests of the kernels themselves. */
export const ALWAYS_WASM: Readonly<Crossover> = { binary: 0, transcendental: 0, cheap: 0, reduce: 0, gemm: 0, optimizer: 0, parallel: 0 };

const TRANSCENDENTAL = new Set(['exp', 'log', 'sigmoid', 'tanh']);

export function createWasmBackend(arena: Arena, pool: Pool, small: Readonly<Crossover> = SMALL, name = 'wasm'): BackendImpl {
  const k: Kernels = arena.kernels;
  const scratchBytes = k.gemmScratchBytes();
  const is64 = (out: FloatArray): boolean => out instanceof Float64Array;

  /** out = alpha·op(A)·op(B) + beta·out into arena memory at c (whose contents beta reads). */
  function gemmAt(a: number, b: number, c: number, m: number, n: number, kk: number, g: Gemm, f64: boolean): void {
    const parallel = m * n * kk >= small.parallel ? pool.size : 1;
    const scratch = arena.alloc(scratchBytes * parallel);
    const args = { transA: g.transA, transB: g.transB, m, n, k: kk, alpha: g.alpha, a, b, beta: g.beta, c };
    const fn = f64 ? k.gemm64 : k.gemm32;
    if (parallel > 1) pool.gemm(f64 ? 1 : 0, fn, args, scratch, scratchBytes);
    else fn(g.transA, g.transB, m, n, kk, g.alpha, a, b, g.beta, c, 0, 1, scratch);
  }

  function dims(a: Tensor, b: Tensor, g: Gemm): [number, number, number] {
    const [m, kk] = g.transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
    return [m, g.transB ? b.shape[0] : b.shape[1], kk];
  }

  return {
    name,
    unary(op, x, out, alpha) {
      const code = UNARY[op];
      if (code === undefined || out.length < (TRANSCENDENTAL.has(op) ? small.transcendental : small.cheap))
        return jsBackend.unary(op, x, out, alpha);
      arena.reset();
      const p = arena.put(x.data, out);
      if (is64(out)) k.unary64(code, p, p, out.length, alpha);
      else k.unary32(code, p, p, out.length, alpha);
      arena.take(p, out);
    },
    binary(op, a, b, out, outShape) {
      const runs = out.length < (op === 'pow' ? small.transcendental : small.binary) ? null : runsOf(outShape, [a.shape, b.shape]);
      if (!runs) return jsBackend.binary(op, a, b, out, outShape);
      arena.reset();
      const pa = arena.read(a.data, out);
      const pb = b === a ? pa : arena.read(b.data, out);
      const po = arena.alloc(out.length * out.BYTES_PER_ELEMENT);
      const [[ao, ai], [bo, bi]] = runs.strides;
      (is64(out) ? k.binary64 : k.binary32)(BINARY[op], pa, ao, ai, pb, bo, bi, po, runs.outer, runs.n);
      arena.take(po, out);
    },
    where(cond, a, b, out, outShape) {
      const runs = out.length < small.binary ? null : runsOf(outShape, [cond.shape, a.shape, b.shape]);
      if (!runs) return jsBackend.where(cond, a, b, out, outShape);
      arena.reset();
      const pc = arena.read(cond.data, out);
      const pa = arena.read(a.data, out);
      const pb = arena.read(b.data, out);
      const po = arena.alloc(out.length * out.BYTES_PER_ELEMENT);
      const [[co, ci], [ao, ai], [bo, bi]] = runs.strides;
      (is64(out) ? k.where64 : k.where32)(pc, co, ci, pa, ao, ai, pb, bo, bi, po, runs.outer, runs.n);
      arena.take(po, out);
    },
    clip(x, min, max, out) {
      if (out.length < small.cheap) return jsBackend.clip(x, min, max, out);
      arena.reset();
      const p = arena.put(x.data, out);
      (is64(out) ? k.clip64 : k.clip32)(p, min, max, p, out.length);
      arena.take(p, out);
    },
    reduce(op, x, axes, out) {
      const fold = x.size < small.reduce ? null : foldAxes(x.shape, axes);
      if (!fold) return jsBackend.reduce(op, x, axes, out);
      arena.reset();
      const [outer, len, inner] = fold;
      const p = arena.read(x.data, out);
      const po = arena.alloc(out.length * out.BYTES_PER_ELEMENT);
      const scratch = arena.alloc(inner * 8);
      (is64(out) ? k.reduce64 : k.reduce32)(REDUCE[op], p, outer, len, inner, po, scratch);
      arena.take(po, out);
    },
    // One pass of comparisons with an early exit on NaN: the js loop is as fast as a copy into wasm.
    argMax: jsBackend.argMax,
    matmul(a, b, out, g) {
      const [m, n, kk] = dims(a, b, g);
      if (m * n * kk < small.gemm) return jsBackend.matmul(a, b, out, g);
      arena.reset();
      const pa = arena.read(a.data, out);
      const pb = b === a ? pa : arena.read(b.data, out);
      const pc = g.beta === 0 ? arena.alloc(out.length * out.BYTES_PER_ELEMENT) : arena.put(out, out);
      gemmAt(pa, pb, pc, m, n, kk, g, is64(out));
      arena.take(pc, out);
    },
    // Layout ops only move memory: TypedArray.set in JS is as fast as copying into wasm and back.
    transpose: jsBackend.transpose,
    slice: jsBackend.slice,
    concat: jsBackend.concat,
    gather: jsBackend.gather,
    activationBackward(act, dA, A, out, alpha) {
      const code = ACTIVATION_GRAD[act];
      if (code === undefined || out.length < small.cheap) return jsBackend.activationBackward(act, dA, A, out, alpha);
      arena.reset();
      const pd = arena.put(dA.data, out);
      const pa = arena.read(A.data, out);
      (is64(out) ? k.activationBackward64 : k.activationBackward32)(code, pd, pa, pd, out.length, alpha);
      arena.take(pd, out);
    },
    softmax(x, axis, out) {
      if (out.length < small.transcendental) return jsBackend.softmax(x, axis, out);
      normalize(x, axis, out, false);
    },
    logSoftmax(x, axis, out) {
      if (out.length < small.transcendental) return jsBackend.logSoftmax(x, axis, out);
      normalize(x, axis, out, true);
    },
    linear(W, A, b, act, alpha, out) {
      const [n, kk] = W.shape;
      const m = A.shape[1];
      if (n * m * kk < small.gemm) return jsBackend.linear(W, A, b, act, alpha, out);
      arena.reset();
      const f64 = is64(out);
      const pw = arena.read(W.data, out);
      const pa = arena.read(A.data, out);
      const pb = b ? arena.read(b.data, out) : 0;
      const pz = arena.alloc(out.length * out.BYTES_PER_ELEMENT);
      gemmAt(pw, pa, pz, n, m, kk, { transA: false, transB: false, alpha: 1, beta: 0 }, f64);
      (f64 ? k.biasActivation64 : k.biasActivation32)(ACTIVATION[act], pz, n, m, pb, alpha);
      arena.take(pz, out);
    },
    linearBackward(W, dZ, A_prev, act, alpha, out) {
      const [kk, n] = W.shape;
      const m = dZ.shape[1];
      if (n * m * kk < small.gemm) return jsBackend.linearBackward(W, dZ, A_prev, act, alpha, out);
      arena.reset();
      const f64 = is64(out);
      const pw = arena.read(W.data, out);
      const pd = arena.read(dZ.data, out);
      const pa = arena.read(A_prev.data, out);
      const po = arena.alloc(out.length * out.BYTES_PER_ELEMENT);
      gemmAt(pw, pd, po, n, m, kk, { transA: true, transB: false, alpha: 1, beta: 0 }, f64);
      (f64 ? k.activationBackward64 : k.activationBackward32)(ACTIVATION[act], po, pa, po, out.length, alpha);
      arena.take(po, out);
    },
    adopt(t) {
      // A non-shared memory's growth would empty the view; small tensors stay on js anyway.
      const shared = typeof SharedArrayBuffer !== 'undefined' && arena.memory.buffer instanceof SharedArrayBuffer;
      if (!shared || (t.dtype !== 'float32' && t.dtype !== 'float64') || t.size < small.cheap) return t;
      return new Tensor(arena.keep(t.data as FloatArray), t.shape);
    },
    sgdUpdate(param, grad, lr) {
      if (param.length < small.optimizer) return jsBackend.sgdUpdate(param, grad, lr);
      arena.reset();
      const pp = arena.put(param, param);
      const pg = arena.read(grad, param);
      (is64(param) ? k.sgdUpdate64 : k.sgdUpdate32)(pp, pg, param.length, lr);
      arena.take(pp, param);
    },
    adamUpdate(param, grad, m, v, s) {
      if (param.length < small.optimizer) return jsBackend.adamUpdate(param, grad, m, v, s);
      arena.reset();
      const pp = arena.put(param, param);
      const pg = arena.read(grad, param);
      const pm = arena.put(m, param);
      const pv = arena.put(v, param);
      const c1 = 1 - s.beta1 ** s.t;
      const c2 = 1 - s.beta2 ** s.t;
      const adam = is64(param) ? k.adamUpdate64 : k.adamUpdate32;
      adam(pp, pg, pm, pv, param.length, s.lr, s.beta1, s.beta2, 1 - s.beta1, 1 - s.beta2, s.epsilon, c1, c2);
      arena.take(pp, param);
      arena.take(pm, m);
      arena.take(pv, v);
    },
  };

  function normalize(x: Tensor, axis: number, out: FloatArray, log: boolean): void {
    arena.reset();
    const [outer, len, inner] = splitAxis(x.shape, axis);
    const p = arena.read(x.data, out);
    const po = arena.alloc(out.length * out.BYTES_PER_ELEMENT);
    (is64(out) ? k.softmax64 : k.softmax32)(p, outer, len, inner, po, log);
    arena.take(po, out);
  }
}
