/*
 * The module's exports: every kernel instantiated for float32 (suffix 32) and float64 (64).
 * Arguments are byte addresses in the (imported) memory and element counts; the TypeScript
 * side (src/) validates nothing here because the op layer already has.
 */

import { binary, where } from './binary';
import { activationBackward, adamUpdate, biasActivation, sgdUpdate, softmax } from './fused';
import { gemm, kernelDirect } from './gemm';
import { reduce } from './reduce';
import { clip, unary } from './unary';

export { gemmScratchBytes } from './gemm';

/** Not used by src/: exported so that Binaryen does not inline the kernel into the driver (gemm.ts). */
export function kernelDirect32(kc: i32, x: usize, xr: usize, xc: usize, y: usize, yk: usize, tile: usize): void {
  kernelDirect<f32>(kc, x, xr, xc, y, yk, tile);
}
export function kernelDirect64(kc: i32, x: usize, xr: usize, xc: usize, y: usize, yk: usize, tile: usize): void {
  kernelDirect<f64>(kc, x, xr, xc, y, yk, tile);
}

export function gemm32(
  tA: bool,
  tB: bool,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  b: usize,
  beta: f32,
  c: usize,
  part: i32,
  parts: i32,
  scratch: usize,
): void {
  gemm<f32>(tA, tB, m, n, k, alpha, a, b, beta, c, part, parts, scratch);
}
export function gemm64(
  tA: bool,
  tB: bool,
  m: i32,
  n: i32,
  k: i32,
  alpha: f64,
  a: usize,
  b: usize,
  beta: f64,
  c: usize,
  part: i32,
  parts: i32,
  scratch: usize,
): void {
  gemm<f64>(tA, tB, m, n, k, alpha, a, b, beta, c, part, parts, scratch);
}
export function unary32(op: i32, x: usize, out: usize, n: i32, alpha: f32): void {
  unary<f32>(op, x, out, n, alpha);
}
export function unary64(op: i32, x: usize, out: usize, n: i32, alpha: f64): void {
  unary<f64>(op, x, out, n, alpha);
}
export function clip32(x: usize, lo: f32, hi: f32, out: usize, n: i32): void {
  clip<f32>(x, lo, hi, out, n);
}
export function clip64(x: usize, lo: f64, hi: f64, out: usize, n: i32): void {
  clip<f64>(x, lo, hi, out, n);
}
export function binary32(op: i32, a: usize, ao: i32, ai: i32, b: usize, bo: i32, bi: i32, out: usize, outer: i32, n: i32): void {
  binary<f32>(op, a, ao, ai, b, bo, bi, out, outer, n);
}
export function binary64(op: i32, a: usize, ao: i32, ai: i32, b: usize, bo: i32, bi: i32, out: usize, outer: i32, n: i32): void {
  binary<f64>(op, a, ao, ai, b, bo, bi, out, outer, n);
}
export function where32(
  c: usize,
  co: i32,
  ci: i32,
  a: usize,
  ao: i32,
  ai: i32,
  b: usize,
  bo: i32,
  bi: i32,
  out: usize,
  outer: i32,
  n: i32,
): void {
  where<f32>(c, co, ci, a, ao, ai, b, bo, bi, out, outer, n);
}
export function where64(
  c: usize,
  co: i32,
  ci: i32,
  a: usize,
  ao: i32,
  ai: i32,
  b: usize,
  bo: i32,
  bi: i32,
  out: usize,
  outer: i32,
  n: i32,
): void {
  where<f64>(c, co, ci, a, ao, ai, b, bo, bi, out, outer, n);
}
export function reduce32(op: i32, x: usize, outer: i32, len: i32, inner: i32, out: usize, scratch: usize): void {
  reduce<f32>(op, x, outer, len, inner, out, scratch);
}
export function reduce64(op: i32, x: usize, outer: i32, len: i32, inner: i32, out: usize, scratch: usize): void {
  reduce<f64>(op, x, outer, len, inner, out, scratch);
}
export function softmax32(x: usize, outer: i32, len: i32, inner: i32, out: usize, log: bool): void {
  softmax<f32>(x, outer, len, inner, out, log);
}
export function softmax64(x: usize, outer: i32, len: i32, inner: i32, out: usize, log: bool): void {
  softmax<f64>(x, outer, len, inner, out, log);
}
export function biasActivation32(act: i32, z: usize, rows: i32, cols: i32, b: usize, alpha: f32): void {
  biasActivation<f32>(act, z, rows, cols, b, alpha);
}
export function biasActivation64(act: i32, z: usize, rows: i32, cols: i32, b: usize, alpha: f64): void {
  biasActivation<f64>(act, z, rows, cols, b, alpha);
}
export function activationBackward32(act: i32, d: usize, a: usize, out: usize, n: i32, alpha: f32): void {
  activationBackward<f32>(act, d, a, out, n, alpha);
}
export function activationBackward64(act: i32, d: usize, a: usize, out: usize, n: i32, alpha: f64): void {
  activationBackward<f64>(act, d, a, out, n, alpha);
}
export function sgdUpdate32(param: usize, grad: usize, n: i32, lr: f32): void {
  sgdUpdate<f32>(param, grad, n, lr);
}
export function sgdUpdate64(param: usize, grad: usize, n: i32, lr: f64): void {
  sgdUpdate<f64>(param, grad, n, lr);
}
export function adamUpdate32(
  param: usize,
  grad: usize,
  m: usize,
  v: usize,
  n: i32,
  lr: f32,
  b1: f32,
  b2: f32,
  one1: f32,
  one2: f32,
  eps: f32,
  c1: f32,
  c2: f32,
): void {
  adamUpdate<f32>(param, grad, m, v, n, lr, b1, b2, one1, one2, eps, c1, c2);
}
export function adamUpdate64(
  param: usize,
  grad: usize,
  m: usize,
  v: usize,
  n: i32,
  lr: f64,
  b1: f64,
  b2: f64,
  one1: f64,
  one2: f64,
  eps: f64,
  c1: f64,
  c2: f64,
): void {
  adamUpdate<f64>(param, grad, m, v, n, lr, b1, b2, one1, one2, eps, c1, c2);
}

/** First byte past the module's static data (musl's exp/log/pow tables): the arena starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
