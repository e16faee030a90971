import type { Activation, AdamStep, PointwiseActivation } from '../../backend.ts';
import type { FloatArray } from '../../dtype.ts';
import type { Tensor } from '../../tensor.ts';
import { sigmoidScalar, unknownOp } from './elementwise.ts';
import { gemm } from './gemm.ts';
import { sigmoid32, tanh32 } from './math32.ts';
import { eluSlope, geluSlope, seluSlope, siluSlope, softplusSlope } from './special.ts';

/** Z = W·A into out, then bias and activation in the same pass over out. */
export function linear(W: Tensor, A: Tensor, b: Tensor | null, act: Activation, alpha: number, out: FloatArray): void {
  const [n, k] = W.shape;
  const m = A.shape[1];
  const bias = b?.data as FloatArray | undefined;
  if (k >= 1 && k <= 4) {
    // Few inputs per unit (the planar net's 2, and 4 into its output): W·A + b in one pass
    // per row, written rather than accumulated into a zeroed GEMM output, then activated.
    affineFew(n, m, k, W.data as FloatArray, A.data as FloatArray, bias, out);
    for (let r = 0; r < n; r++) activate(act, alpha, out, r * m, m, 0);
    return;
  }
  gemm(false, false, n, m, k, 1, W.data as FloatArray, A.data as FloatArray, 0, out);
  for (let r = 0; r < n; r++) activate(act, alpha, out, r * m, m, bias ? bias[r] : 0);
}

/** out[j] = g(out[j] + br) for j in [row, row + m). */
function activate(act: Activation, alpha: number, out: FloatArray, row: number, m: number, br: number): void {
  switch (act) {
    case 'linear':
      if (br !== 0) for (let j = row; j < row + m; j++) out[j] += br;
      return;
    case 'sigmoid':
      // float32 results take math32's inline versions (faster than Math's, the same float32 values).
      if (out instanceof Float32Array) for (let j = row; j < row + m; j++) out[j] = sigmoid32(out[j] + br);
      else for (let j = row; j < row + m; j++) out[j] = sigmoidScalar(out[j] + br);
      return;
    case 'tanh':
      if (out instanceof Float32Array) for (let j = row; j < row + m; j++) out[j] = tanh32(out[j] + br);
      else for (let j = row; j < row + m; j++) out[j] = Math.tanh(out[j] + br);
      return;
    case 'relu':
      for (let j = row; j < row + m; j++) {
        const z = out[j] + br;
        out[j] = z < 0 ? 0 : z;
      }
      return;
    case 'leakyRelu':
      for (let j = row; j < row + m; j++) {
        const z = out[j] + br;
        out[j] = z < 0 ? alpha * z : z;
      }
      return;
    default:
      unknownOp('activation', act);
  }
}

/** out = W·A + b for W of (n, k), k from 1 to 4, A of (k, m): the k terms summed in order, then b. */
function affineFew(n: number, m: number, k: number, W: FloatArray, A: FloatArray, bias: FloatArray | undefined, out: FloatArray): void {
  for (let r = 0; r < n; r++) {
    const w = r * k;
    const br = bias ? bias[r] : 0;
    const o = r * m;
    const w0 = W[w];
    switch (k) {
      case 1:
        for (let j = 0; j < m; j++) out[o + j] = w0 * A[j] + br;
        break;
      case 2: {
        const w1 = W[w + 1];
        for (let j = 0; j < m; j++) out[o + j] = w0 * A[j] + w1 * A[m + j] + br;
        break;
      }
      case 3: {
        const w1 = W[w + 1];
        const w2 = W[w + 2];
        for (let j = 0; j < m; j++) out[o + j] = w0 * A[j] + w1 * A[m + j] + w2 * A[2 * m + j] + br;
        break;
      }
      default: {
        const w1 = W[w + 1];
        const w2 = W[w + 2];
        const w3 = W[w + 3];
        for (let j = 0; j < m; j++) out[o + j] = w0 * A[j] + w1 * A[m + j] + w2 * A[2 * m + j] + w3 * A[3 * m + j] + br;
      }
    }
  }
}

/** g'(Z) from A = g(Z): sigmoid A(1-A), tanh 1-A², relu/leakyRelu from A's sign; gelu and silu from Z. */
export function activationBackward(act: PointwiseActivation, dA: Tensor, A: Tensor, out: FloatArray, alpha: number): void {
  applySlope(act, alpha, dA.data as FloatArray, A.data as FloatArray, out);
}

/** out[i] = d[i]·g'(Z)[i] from a[i] = g(Z)[i] (Z[i] for gelu and silu); d may be out itself. */
function applySlope(act: PointwiseActivation, alpha: number, d: FloatArray, a: FloatArray, out: FloatArray): void {
  const n = a.length;
  switch (act) {
    case 'linear':
      if (out !== d) out.set(d);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = d[i] * a[i] * (1 - a[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = d[i] * (1 - a[i] * a[i]);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = a[i] > 0 ? d[i] : 0;
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) out[i] = a[i] > 0 ? d[i] : alpha * d[i];
      return;
    case 'elu':
      for (let i = 0; i < n; i++) out[i] = d[i] * eluSlope(a[i], alpha);
      return;
    case 'selu':
      for (let i = 0; i < n; i++) out[i] = d[i] * seluSlope(a[i]);
      return;
    case 'softplus':
      for (let i = 0; i < n; i++) out[i] = d[i] * softplusSlope(a[i]);
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) out[i] = d[i] * geluSlope(a[i]);
      return;
    case 'silu':
      for (let i = 0; i < n; i++) out[i] = d[i] * siluSlope(a[i]);
      return;
    default:
      unknownOp('activation', act);
  }
}

/** Wᵀ for `linearBackward`, grown on demand. */
let transposedW = new Float64Array(64);

/**
 * dZ_prev = (Wᵀ·dZ) ⊙ g'(A_prev): a Dense layer's backward step fused with the activation
 * step of the layer under it. With at most four units (the planar net's output layer) Wᵀ·dZ
 * is affineFew's one pass per row instead of a zeroed GEMM output, and the slope is applied
 * to it in place: the same values as matmul then activationBackward, one buffer fewer.
 */
export function linearBackward(W: Tensor, dZ: Tensor, A_prev: Tensor, act: Activation, alpha: number, out: FloatArray): void {
  const [k, n] = W.shape;
  const m = dZ.shape[1];
  const w = W.data as FloatArray;
  if (k >= 1 && k <= 4) {
    if (transposedW.length < n * k) transposedW = new Float64Array(n * k);
    const Wt = transposedW;
    for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) Wt[r * k + c] = w[c * n + r];
    affineFew(n, m, k, Wt, dZ.data as FloatArray, undefined, out);
  } else gemm(true, false, n, m, k, 1, w, dZ.data as FloatArray, 0, out);
  applySlope(act, alpha, out, A_prev.data as FloatArray, out);
}

/** Softmax along `axis`, shifted by the maximum so exp never overflows. */
export function softmax(x: Tensor, axis: number, out: FloatArray, log = false): void {
  const n = x.shape[axis];
  let inner = 1;
  for (let i = axis + 1; i < x.rank; i++) inner *= x.shape[i];
  const outer = n * inner === 0 ? 0 : x.size / (n * inner);
  const a = x.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) max = Math.max(max, a[base + i * inner]);
      let total = 0;
      for (let i = 0; i < n; i++) total += Math.exp(a[base + i * inner] - max);
      const logTotal = Math.log(total);
      for (let i = 0; i < n; i++) {
        const k = base + i * inner;
        out[k] = log ? a[k] - max - logTotal : Math.exp(a[k] - max) / total;
      }
    }
  }
}

export function sgdUpdate(param: FloatArray, grad: FloatArray, lr: number): void {
  for (let i = 0; i < param.length; i++) param[i] -= lr * grad[i];
}

export function adamUpdate(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, s: AdamStep): void {
  const c1 = 1 - s.beta1 ** s.t;
  const c2 = 1 - s.beta2 ** s.t;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    m[i] = s.beta1 * m[i] + (1 - s.beta1) * g;
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * g * g;
    param[i] -= (s.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + s.epsilon);
  }
}
