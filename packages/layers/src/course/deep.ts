import {
  activationBackward,
  add,
  checkNumber,
  checkOneOf,
  type FloatDType,
  formatShape,
  type Generator,
  greater,
  isPlainObject,
  log,
  matmul,
  mul,
  NeuriteError,
  relu,
  ShapeError,
  sigmoid,
  sub,
  sum,
  Tensor,
  tanh,
  toGenerator,
  ValueError,
  wrongType,
  zeros,
} from '@neurite/tensor';

/**
 * The course's step-by-step functions (week 3 and week 4 notebooks), with explicit
 * caches, named and ordered as in the notebooks so a student can follow line by line.
 * They favour clarity (plain ops, fresh tensors); `Sequential` is the fast path.
 * Parameters are the course's dict: { W1, b1, ..., WL, bL }.
 */
export type Parameters = Record<string, Tensor>;
export type CourseActivation = 'sigmoid' | 'relu' | 'tanh';
export interface LinearCache {
  A: Tensor;
  W: Tensor;
  b: Tensor;
}
/** ((A_prev, W, b), Z), the course's (linear_cache, activation_cache). */
export interface ActivationCache {
  linearCache: LinearCache;
  activationCache: Tensor;
}

function rngOf(rng: Generator | number | undefined): Generator {
  return toGenerator(rng ?? 1);
}

/** Week 3: W1 = randn(n_h, n_x)·0.01, b1 = 0, W2 = randn(n_y, n_h)·0.01, b2 = 0. */
export function initializeParameters(
  n_x: number,
  n_h: number,
  n_y: number,
  rng?: Generator | number,
  dtype: FloatDType = 'float64',
): Parameters {
  for (const [k, v] of Object.entries({ n_x, n_h, n_y })) {
    if (!Number.isInteger(v) || v <= 0)
      throw new ValueError(`initializeParameters: ${k} must be a positive integer, received ${String(v)}`);
  }
  const g = rngOf(rng);
  const W1 = g.randn([n_h, n_x], 'float64').mul(0.01).cast(dtype);
  const b1 = zeros([n_h, 1], dtype);
  const W2 = g.randn([n_y, n_h], 'float64').mul(0.01).cast(dtype);
  const b2 = zeros([n_y, 1], dtype);
  return { W1, b1, W2, b2 };
}

/** Week 4's L-layer init: W[l] = randn(n[l], n[l-1]) / sqrt(n[l-1]), b[l] = 0. */
export function initializeParametersDeep(
  layerDims: readonly number[],
  rng?: Generator | number,
  dtype: FloatDType = 'float64',
): Parameters {
  if (!Array.isArray(layerDims) || layerDims.length < 2 || layerDims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ValueError(`initializeParametersDeep: layerDims must list at least two positive integers, received [${layerDims}]`);
  }
  const g = rngOf(rng);
  const params: Parameters = {};
  for (let l = 1; l < layerDims.length; l++) {
    params[`W${l}`] = g
      .randn([layerDims[l], layerDims[l - 1]], 'float64')
      .div(Math.sqrt(layerDims[l - 1]))
      .cast(dtype);
    params[`b${l}`] = zeros([layerDims[l], 1], dtype);
  }
  return params;
}

/** Z = W·A + b; cache (A, W, b). */
export function linearForward(A: Tensor, W: Tensor, b: Tensor): { Z: Tensor; cache: LinearCache } {
  if (!(A instanceof Tensor) || !(W instanceof Tensor) || !(b instanceof Tensor))
    throw new NeuriteError('linearForward: A, W and b must be Tensors');
  if (b.rank !== 2 || b.shape[0] !== W.shape[0] || b.shape[1] !== 1) {
    throw new ShapeError(
      `linearForward: b must have shape (${W.shape[0]}, 1) to match W ${formatShape(W.shape)}, received ${formatShape(b.shape)}`,
    );
  }
  return { Z: add(matmul(W, A), b), cache: { A, W, b } };
}

const COURSE_ACTIVATIONS: readonly CourseActivation[] = ['sigmoid', 'relu', 'tanh'];

function activate(Z: Tensor, activation: CourseActivation): Tensor {
  if (activation === 'sigmoid') return sigmoid(Z);
  if (activation === 'relu') return relu(Z);
  return tanh(Z);
}

/** A = g(W·A_prev + b); cache ((A_prev, W, b), Z). */
export function linearActivationForward(
  A_prev: Tensor,
  W: Tensor,
  b: Tensor,
  activation: CourseActivation,
): { A: Tensor; cache: ActivationCache } {
  checkOneOf(activation, 'linearActivationForward', 'activation', COURSE_ACTIVATIONS);
  const { Z, cache } = linearForward(A_prev, W, b);
  return { A: activate(Z, activation), cache: { linearCache: cache, activationCache: Z } };
}

export interface ModelOptions {
  /** Hidden layers' activation: 'relu' (week 4, default) or 'tanh' (week 3). */
  hiddenActivation?: CourseActivation;
}

function depth(parameters: Parameters, fn: string): number {
  if (!isPlainObject(parameters)) wrongType(fn, 'parameters', "the course's parameters dict { W1, b1, ... }", parameters);
  let L = 0;
  while (parameters[`W${L + 1}`] instanceof Tensor) L++;
  if (L === 0)
    throw new ValueError(
      `${fn}: parameters must hold W1, b1, ... (the course's parameters dict), received keys ${Object.keys(parameters).join(', ') || 'none'}`,
    );
  return L;
}

/** [LINEAR → RELU] × (L−1) → LINEAR → SIGMOID; returns AL and the L caches. */
export function modelForward(X: Tensor, parameters: Parameters, options: ModelOptions = {}): { AL: Tensor; caches: ActivationCache[] } {
  const L = depth(parameters, 'modelForward');
  const caches: ActivationCache[] = [];
  let A = X;
  for (let l = 1; l < L; l++) {
    const r = linearActivationForward(A, parameters[`W${l}`], parameters[`b${l}`], options.hiddenActivation ?? 'relu');
    A = r.A;
    caches.push(r.cache);
  }
  const out = linearActivationForward(A, parameters[`W${L}`], parameters[`b${L}`], 'sigmoid');
  caches.push(out.cache);
  return { AL: out.A, caches };
}

/** The course's cross-entropy, unclipped: (1/m)·(−Y·log(AL)ᵀ − (1−Y)·log(1−AL)ᵀ). */
export function computeCost(AL: Tensor, Y: Tensor): number {
  if (!(AL instanceof Tensor) || !(Y instanceof Tensor) || AL.size !== Y.size) {
    throw new ShapeError(
      `computeCost: AL and Y must be tensors of the same shape, received ${AL?.shape ? formatShape(AL.shape) : typeof AL} and ${Y?.shape ? formatShape(Y.shape) : typeof Y}`,
    );
  }
  const m = Y.shape[Y.rank - 1];
  const pos = matmul(Y, log(AL), { transB: true });
  const neg = matmul(sub(1, Y), log(sub(1, AL)), { transB: true });
  return sub(mul(pos, -1), neg)
    .mul(1 / m)
    .item();
}

/** dW = (1/m)·dZ·A_prevᵀ, db = (1/m)·Σ_axis1 dZ, dA_prev = Wᵀ·dZ. */
export function linearBackward(dZ: Tensor, cache: LinearCache): { dA_prev: Tensor; dW: Tensor; db: Tensor } {
  const { A, W } = cache;
  const m = A.shape[1];
  return {
    dW: matmul(dZ, A, { transB: true }).mul(1 / m),
    db: sum(dZ, 1, true).mul(1 / m),
    dA_prev: matmul(W, dZ, { transA: true }),
  };
}

/** dZ = dA·g'(Z), then linearBackward. g' comes from g(Z), recomputed from the cached Z. */
export function linearActivationBackward(
  dA: Tensor,
  cache: ActivationCache,
  activation: CourseActivation,
): { dA_prev: Tensor; dW: Tensor; db: Tensor } {
  checkOneOf(activation, 'linearActivationBackward', 'activation', COURSE_ACTIVATIONS);
  const A = activate(cache.activationCache, activation);
  const dZ = activationBackward(activation, dA, A);
  return linearBackward(dZ, cache.linearCache);
}

/** The grads dict {dA0, dW1, db1, ..., dA(L-1), dWL, dbL}, starting from dAL = −(Y/AL − (1−Y)/(1−AL)). */
export function modelBackward(AL: Tensor, Y: Tensor, caches: ActivationCache[], options: ModelOptions = {}): Record<string, Tensor> {
  const L = caches.length;
  const Yr = Y.reshape(AL.shape);
  const dAL = mul(sub(Yr.div(AL), sub(1, Yr).div(sub(1, AL))), -1);
  const grads: Record<string, Tensor> = {};
  let r = linearActivationBackward(dAL, caches[L - 1], 'sigmoid');
  grads[`dA${L - 1}`] = r.dA_prev;
  grads[`dW${L}`] = r.dW;
  grads[`db${L}`] = r.db;
  for (let l = L - 2; l >= 0; l--) {
    r = linearActivationBackward(grads[`dA${l + 1}`], caches[l], options.hiddenActivation ?? 'relu');
    grads[`dA${l}`] = r.dA_prev;
    grads[`dW${l + 1}`] = r.dW;
    grads[`db${l + 1}`] = r.db;
  }
  return grads;
}

/** W[l] = W[l] − α·dW[l], b[l] = b[l] − α·db[l]; returns a new dict. */
export function updateParameters(parameters: Parameters, grads: Record<string, Tensor>, learningRate: number): Parameters {
  checkNumber(learningRate, 'updateParameters', 'learningRate');
  const L = depth(parameters, 'updateParameters');
  const out: Parameters = { ...parameters };
  for (let l = 1; l <= L; l++) {
    for (const p of ['W', 'b']) {
      const g = grads[`d${p}${l}`];
      if (!(g instanceof Tensor)) throw new ValueError(`updateParameters: grads has no d${p}${l}`);
      out[`${p}${l}`] = sub(parameters[`${p}${l}`], mul(g, learningRate));
    }
  }
  return out;
}

/** 0/1 predictions, AL > 0.5, as the course's predict. */
export function predict(parameters: Parameters, X: Tensor, options: ModelOptions = {}): Tensor {
  const { AL } = modelForward(X, parameters, options);
  return greater(AL, 0.5);
}

/** Fraction of predictions equal to Y. */
export function accuracy(predictions: Tensor, Y: Tensor): number {
  if (predictions.size !== Y.size)
    throw new ShapeError(`accuracy: predictions ${formatShape(predictions.shape)} and Y ${formatShape(Y.shape)} differ in size`);
  let right = 0;
  for (let i = 0; i < Y.size; i++) if (predictions.data[i] === Y.data[i]) right++;
  return right / Y.size;
}
