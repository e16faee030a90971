import {
  Activation,
  type ActivationName,
  AveragePool2D,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  GlobalAveragePooling2D,
  getLayerClass,
  type Layer,
  MaxPool2D,
  Sequential,
  Unflatten,
} from '@neurite/layers';
import { abs, avgPool2d, conv2d, Generator, matmul, maxPool2d, type Tensor, tensor } from '@neurite/tensor';
import { gamma, UNIT_ROUNDOFF } from '@neurite/tensor/testing';

/*
 * A first-order running error bound for comparing two float32 evaluations of one network
 * (Neurite's and ONNX Runtime's), element by element, computed in float64 along an exact-ish
 * float64 evaluation of the same weights:
 *
 * - a sum of K products in float32 errs by at most γ_{K+1}·Σ|terms| (Higham §3.1), once per
 *   implementation; a float64 model's weights are also rounded to float32 in the file (u·|W|);
 * - an error e in a layer's input reaches its output through |W|·e (Dense, Conv2D), the
 *   activation's largest slope L (|Δg| ≤ L·|Δz|), max or mean over windows (pools), and
 *   |γ|/√(σ² + ε) (BatchNormalization); softmax moves p_i by at most p_i·(e_i + Σ_j p_j·e_j);
 * - evaluating an activation errs by EVAL_REL·u·|g(z)| + EVAL_ABS·u·s, s its scale. ONNX
 *   Runtime's float32 kernels are approximations: measured over [-20, 20] against float64,
 *   tanh and softplus within 4.5 ulp, logistic within 1.7e-7 absolute (tiny outputs), elu and
 *   selu compute e^z − 1 (6.6e-8·α absolute near 0). The constants below are twice those.
 *
 * Second-order terms (products of errors, ~u²) are left out.
 */
const u = UNIT_ROUNDOFF.float32;
const EVAL_REL = 10;
const EVAL_ABS = 6;

/** max |g'(z)| for each activation. */
function slope(act: ActivationName, alpha: number): number {
  const table: Record<ActivationName, number> = {
    linear: 1,
    sigmoid: 0.25,
    tanh: 1,
    relu: 1,
    leakyRelu: Math.max(1, alpha),
    softmax: 1,
    elu: Math.max(1, alpha),
    selu: 1.0507009873554805 * 1.6732632423543772,
    gelu: 1.1289,
    softplus: 1,
    silu: 1.0999,
    swish: 1.0999,
  };
  return table[act];
}

/** The activation's output scale, for its absolute evaluation error. */
function scale(act: ActivationName, alpha: number): number {
  if (act === 'linear' || act === 'relu' || act === 'leakyRelu') return 0;
  if (act === 'elu') return alpha;
  if (act === 'selu') return 1.0507009873554805 * 1.6732632423543772;
  return 1;
}

const map = (t: Tensor, f: (v: number, i: number) => number): Tensor => tensor(Float64Array.from(t.data, f), 'float64', t.shape);

function activationBound(act: ActivationName, alpha: number, eZ: Tensor, A: Tensor, featureAxis: number): Tensor {
  const eval_ = (a: number) => EVAL_REL * u * Math.abs(a) + EVAL_ABS * u * scale(act, alpha);
  if (act !== 'softmax') return map(eZ, (e, i) => slope(act, alpha) * e + 2 * eval_(A.data[i]));
  // p_i·(e_i + Σ_j p_j·e_j) over the feature axis: rows of (n, m), or the last axis of images.
  const shape = A.shape;
  const n = shape[featureAxis];
  const stride = featureAxis === 0 ? A.size / n : 1;
  const groups = A.size / n;
  const out = new Float64Array(A.size);
  for (let g = 0; g < groups; g++) {
    const base = featureAxis === 0 ? g : g * n;
    let s = 0;
    for (let k = 0; k < n; k++) s += A.data[base + k * stride] * eZ.data[base + k * stride];
    for (let k = 0; k < n; k++) {
      const i = base + k * stride;
      out[i] = A.data[i] * (eZ.data[i] + s) + 2 * (EVAL_REL * u * A.data[i] + EVAL_ABS * u * A.data[i]);
    }
  }
  return tensor(out, 'float64', shape);
}

/** The model with its weights in float64 (an exact copy of float32 weights), for reference values. */
export function float64Twin(model: Sequential): Sequential {
  const layers = model.layers.map((l) => {
    // As model loading rebuilds a layer: fromConfig when the class has one, its constructor otherwise.
    const cls = getLayerClass(l.className) as unknown as { fromConfig?(c: object): Layer; new (c: object): Layer };
    return cls.fromConfig ? cls.fromConfig(l.getConfig()) : new cls(l.getConfig());
  });
  const twin = new Sequential({ inputShape: model.inputShape as (number | null)[], dtype: 'float64', layers }).build();
  twin.setParams(Object.fromEntries(model.namedWeights().map(({ key, weight }) => [key, weight.value.cast('float64')])));
  return twin;
}

/**
 * Per element of the output, the bound on |Neurite − ONNX Runtime| for input X (exactly
 * representable in float32), and the float64 reference output.
 */
export function outputBound(model: Sequential, X: Tensor): { bound: Tensor; reference: Tensor } {
  const twin = float64Twin(model);
  const ctx = { training: false, reuse: false, rng: new Generator(0) };
  let A = X.cast('float64');
  let e = map(A, () => 0);
  for (const layer of twin.layers) {
    const out = layer.forward(A, ctx);
    const next = out instanceof Object && 'A' in out ? out.A : (out as Tensor);
    e = propagate(layer, A, next, e);
    A = next;
  }
  return { bound: e, reference: A };
}

function propagate(layer: Layer, A: Tensor, next: Tensor, e: Tensor): Tensor {
  if (layer instanceof Dense) {
    const W = abs(layer.W as Tensor);
    const n = W.shape[1];
    const b = layer.b ? abs(layer.b) : null;
    const terms = matmul(W, abs(A));
    const g = 2 * gamma(n + 1, 'float32') + u;
    const eZ = map(matmul(W, e), (v, i) => v + g * (terms.data[i] + (b ? b.data[Math.floor(i / A.shape[1])] : 0)));
    return activationBound(layer.activation, layer.alpha, eZ, next, 0);
  }
  if (layer instanceof Conv2D) {
    const W = abs(layer.W as Tensor);
    const K = W.shape[0] * W.shape[1] * W.shape[2];
    const options = { stride: layer.strides, padding: layer.padding, dilation: layer.dilation };
    const terms = conv2d(abs(A), W, options);
    const through = conv2d(e, W, options);
    const C = W.shape[3];
    const b = layer.b ? abs(layer.b) : null;
    const g = 2 * gamma(K + 1, 'float32') + u;
    const eZ = map(through, (v, i) => v + g * (terms.data[i] + (b ? b.data[i % C] : 0)));
    return activationBound(layer.activation, layer.alpha, eZ, next, -1 + next.rank);
  }
  if (layer instanceof MaxPool2D) return maxPool2d(e, { poolSize: layer.poolSize, stride: layer.strides, padding: layer.padding });
  if (layer instanceof AveragePool2D) {
    const o = { poolSize: layer.poolSize, stride: layer.strides, padding: layer.padding, countIncludePad: layer.countIncludePad };
    const k = layer.poolSize[0] * layer.poolSize[1];
    const terms = avgPool2d(abs(A), o);
    return map(avgPool2d(e, o), (v, i) => v + 2 * gamma(k + 1, 'float32') * terms.data[i]);
  }
  if (layer instanceof GlobalAveragePooling2D) {
    const [m, h, w, c] = A.shape;
    const out = new Float64Array(next.size);
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        let t = 0;
        for (let p = 0; p < h * w; p++) {
          s += e.data[(i * h * w + p) * c + k];
          t += Math.abs(A.data[(i * h * w + p) * c + k]);
        }
        out[layer.keepDims ? i * c + k : k * m + i] = (s + 2 * gamma(h * w + 1, 'float32') * t) / (h * w);
      }
    }
    return tensor(out, 'float64', next.shape);
  }
  if (layer instanceof BatchNormalization) {
    const F = layer.getWeight('movingMean').value.size;
    const features = (i: number) => (A.rank === 2 ? Math.floor(i / A.shape[1]) : i % F);
    const get = (name: string, f: number, fallback: number) =>
      layer.weights.some((w) => w.name === name) ? layer.getWeight(name).value.data[f] : fallback;
    // γ·(x − μ)/√(σ² + ε) + β in a handful of rounded operations, each side.
    return map(e, (v, i) => {
      const f = features(i);
      const k = Math.abs(get('gamma', f, 1)) / Math.sqrt(get('movingVariance', f, 1) + layer.epsilon);
      return k * v + 2 * 6 * u * (k * Math.abs(A.data[i] - get('movingMean', f, 0)) + Math.abs(get('beta', f, 0)));
    });
  }
  if (layer instanceof Flatten) {
    if (A.rank === 2) return e;
    const [m] = A.shape;
    const n = A.size / m;
    return tensor(
      Float64Array.from({ length: A.size }, (_, k) => e.data[(k % m) * n + Math.floor(k / m)]),
      'float64',
      next.shape,
    );
  }
  if (layer instanceof Unflatten) {
    const [n, m] = A.shape;
    return tensor(
      Float64Array.from({ length: A.size }, (_, k) => e.data[(k % n) * m + Math.floor(k / n)]),
      'float64',
      next.shape,
    );
  }
  if (layer instanceof Dropout) return e;
  if (layer instanceof Activation) return activationBound(layer.activation, layer.alpha, e, next, A.rank === 2 ? 0 : A.rank - 1);
  throw new Error(`outputBound: no bound for ${layer.describe()}`);
}
