import {
  avgPool2d,
  avgPool2dBackward,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  equal,
  formatShape,
  full,
  max,
  maxPool2d,
  maxPool2dBackward,
  mul,
  NeuriteError,
  pad as padTensor,
  ShapeError,
  sum,
  Tensor,
  ValueError,
} from '@neurite/tensor';

/*
 * The course's step-by-step convolution functions (Course 4, week 1, "Convolution model, step by
 * step"), with its argument names and explicit caches. Layout: A is (m, n_H, n_W, n_C), W is
 * (f, f, n_C_prev, n_C), b is (1, 1, 1, n_C). The notebook writes these as loops over i, h, w, c;
 * here each is one tensor op (conv2d, maxPool2d, ... and their gradients), which computes the same
 * sums: the loops' formulas are quoted in the comments so a student can match them.
 */

/** conv_forward's hyperparameters. */
export interface ConvHparameters {
  stride: number;
  pad: number;
}

/** pool_forward's hyperparameters: the window f x f and the stride. */
export interface PoolHparameters {
  f: number;
  stride: number;
}

export type CoursePoolMode = 'max' | 'average';

/** conv_forward's cache (A_prev, W, b, hparameters), for conv_backward. */
export interface ConvCache {
  A_prev: Tensor;
  W: Tensor;
  b: Tensor;
  hparameters: ConvHparameters;
}

/** pool_forward's cache (A_prev, hparameters), for pool_backward. */
export interface PoolCache {
  A_prev: Tensor;
  hparameters: PoolHparameters;
}

function tensorArg(fn: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new NeuriteError(`${fn}: ${name} must be a Tensor, received ${typeof x}`);
  return x;
}

function count(fn: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ValueError(`${fn}: ${name} must be an integer >= ${min}, received ${String(v)}`);
  }
  return v;
}

function checkHparameters<K extends string>(fn: string, h: unknown, keys: readonly [K, number][]): Record<K, number> {
  if (h === null || typeof h !== 'object')
    throw new ValueError(`${fn}: hparameters must be an object with ${keys.map(([k]) => k).join(' and ')}`);
  const extra = Object.keys(h).filter((k) => !keys.some(([name]) => name === k));
  if (extra.length > 0) throw new ValueError(`${fn}: unknown hparameter '${extra[0]}' (expected ${keys.map(([k]) => k).join(', ')})`);
  const out = {} as Record<K, number>;
  for (const [k, min] of keys) out[k] = count(fn, `hparameters.${k}`, (h as Record<string, unknown>)[k], min);
  return out;
}

function checkMode(fn: string, mode: unknown): CoursePoolMode {
  if (mode !== 'max' && mode !== 'average')
    throw new ValueError(`${fn}: mode must be 'max' or 'average', received ${JSON.stringify(mode)}`);
  return mode;
}

/** Pads the height and width of a batch of images X (m, n_H, n_W, n_C) with `pad` zeros on each side. */
export function zeroPad(X: Tensor, pad: number): Tensor {
  tensorArg('zeroPad', 'X', X);
  count('zeroPad', 'pad', pad, 0);
  if (X.rank !== 4) throw new ShapeError(`zeroPad: X must be 4-D (m, n_H, n_W, n_C), received ${formatShape(X.shape)}`);
  return padTensor(X, [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ]);
}

/**
 * One filter on one window: Z = Σ a_slice_prev ⊙ W + b, with a_slice_prev and W of shape
 * (f, f, n_C_prev) and b (1, 1, 1). Returns the number, as the notebook's float.
 */
export function convSingleStep(a_slice_prev: Tensor, W: Tensor, b: Tensor): number {
  tensorArg('convSingleStep', 'a_slice_prev', a_slice_prev);
  tensorArg('convSingleStep', 'W', W);
  tensorArg('convSingleStep', 'b', b);
  if (a_slice_prev.rank !== W.rank || a_slice_prev.shape.some((d, i) => d !== W.shape[i])) {
    throw new ShapeError(
      `convSingleStep: a_slice_prev ${formatShape(a_slice_prev.shape)} and W ${formatShape(W.shape)} must have the same shape`,
    );
  }
  if (b.size !== 1) throw new ShapeError(`convSingleStep: b must hold one value, received shape ${formatShape(b.shape)}`);
  return sum(mul(a_slice_prev, W)).item() + b.item();
}

/**
 * Z[i, h, w, c] = convSingleStep(a_prev_pad[i, vert_start:vert_end, horiz_start:horiz_end, :],
 * W[..., c], b[..., c]) with vert_start = h·stride, over the zero-padded input. Z has
 * n_H = floor((n_H_prev − f + 2·pad) / stride) + 1 rows (and n_W columns likewise).
 */
export function convForward(A_prev: Tensor, W: Tensor, b: Tensor, hparameters: ConvHparameters): { Z: Tensor; cache: ConvCache } {
  tensorArg('convForward', 'A_prev', A_prev);
  tensorArg('convForward', 'W', W);
  tensorArg('convForward', 'b', b);
  const h = checkHparameters('convForward', hparameters, [
    ['stride', 1],
    ['pad', 0],
  ]);
  const n_C = W.shape[3];
  if (W.rank === 4 && (b.rank !== 4 || b.shape[0] !== 1 || b.shape[1] !== 1 || b.shape[2] !== 1 || b.shape[3] !== n_C)) {
    throw new ShapeError(
      `convForward: b must have shape (1, 1, 1, ${n_C}) to match W ${formatShape(W.shape)}, received ${formatShape(b.shape)}`,
    );
  }
  const Z = conv2d(A_prev, W, { stride: h.stride, padding: h.pad, bias: b });
  return { Z, cache: { A_prev, W, b, hparameters: { stride: h.stride, pad: h.pad } } };
}

/** A[i, h, w, c] = max (or mean) of A_prev[i, vert_start:vert_start + f, horiz_start:horiz_start + f, c]. */
export function poolForward(A_prev: Tensor, hparameters: PoolHparameters, mode: CoursePoolMode = 'max'): { A: Tensor; cache: PoolCache } {
  tensorArg('poolForward', 'A_prev', A_prev);
  const h = checkHparameters('poolForward', hparameters, [
    ['f', 1],
    ['stride', 1],
  ]);
  const options = { poolSize: h.f, stride: h.stride };
  const A = checkMode('poolForward', mode) === 'max' ? maxPool2d(A_prev, options) : avgPool2d(A_prev, options);
  return { A, cache: { A_prev, hparameters: { f: h.f, stride: h.stride } } };
}

/**
 * The notebook's loops, for each window and filter c:
 *   da_prev_pad[window] += W[:, :, :, c] · dZ[i, h, w, c]
 *   dW[:, :, :, c] += a_slice · dZ[i, h, w, c]
 *   db[:, :, :, c] += dZ[i, h, w, c]
 * then dA_prev is da_prev_pad without its padding.
 */
export function convBackward(dZ: Tensor, cache: ConvCache): { dA_prev: Tensor; dW: Tensor; db: Tensor } {
  tensorArg('convBackward', 'dZ', dZ);
  if (cache === null || typeof cache !== 'object' || !(cache.A_prev instanceof Tensor) || !(cache.W instanceof Tensor)) {
    throw new NeuriteError('convBackward: cache must be the cache convForward returned ({ A_prev, W, b, hparameters })');
  }
  const { A_prev, W, hparameters } = cache;
  const options = { stride: hparameters.stride, padding: hparameters.pad };
  return {
    dA_prev: conv2dBackpropInput(dZ, W, A_prev.shape, options),
    dW: conv2dBackpropFilter(A_prev, dZ, W.shape, options),
    db: sum(dZ, [0, 1, 2], true),
  };
}

/** x == max(x): 1 where the window holds its maximum (every tie), 0 elsewhere. */
export function createMaskFromWindow(x: Tensor): Tensor {
  tensorArg('createMaskFromWindow', 'x', x);
  return equal(x, max(x));
}

/** dz spread evenly over a window of `shape` (n_H, n_W): each entry dz / (n_H·n_W). */
export function distributeValue(dz: number, shape: readonly [number, number]): Tensor {
  if (typeof dz !== 'number' || Number.isNaN(dz)) throw new ValueError(`distributeValue: dz must be a number, received ${String(dz)}`);
  if (!Array.isArray(shape) || shape.length !== 2)
    throw new ValueError(`distributeValue: shape must be [n_H, n_W], received ${String(shape)}`);
  const n_H = count('distributeValue', 'shape[0]', shape[0], 1);
  const n_W = count('distributeValue', 'shape[1]', shape[1], 1);
  return full([n_H, n_W], dz / (n_H * n_W), 'float64');
}

/**
 * The notebook's loops, for each window: max mode adds createMaskFromWindow(a_prev_slice) · dA[i, h, w, c]
 * into dA_prev's window; average mode adds distributeValue(dA[i, h, w, c], (f, f)).
 */
export function poolBackward(dA: Tensor, cache: PoolCache, mode: CoursePoolMode = 'max'): Tensor {
  tensorArg('poolBackward', 'dA', dA);
  if (cache === null || typeof cache !== 'object' || !(cache.A_prev instanceof Tensor)) {
    throw new NeuriteError('poolBackward: cache must be the cache poolForward returned ({ A_prev, hparameters })');
  }
  const { A_prev, hparameters } = cache;
  const options = { poolSize: hparameters.f, stride: hparameters.stride };
  return checkMode('poolBackward', mode) === 'max' ? maxPool2dBackward(dA, A_prev, options) : avgPool2dBackward(dA, A_prev.shape, options);
}
