import {
  activationBackward,
  type FloatArray,
  type FloatDType,
  formatShape,
  type Generator,
  getBackend,
  linear,
  matmul,
  ShapeError,
  softmax,
  sum,
  type Tensor,
  ValueError,
  zeros,
} from '@neurite/tensor';
import { floatDTypeOf, reuseBuffer } from './buffers.ts';
import { ModelError } from './errors.ts';
import { getInitializer, type Initializer, type InitializerConfig, type InitializerName } from './initializers.ts';
import { ACTIVATIONS, type ActivationName, type Layer, type LayerCache, type LayerConfig } from './layer.ts';

/** The activation of the Dense layer under this one, for the fused backward step. */
export interface BelowActivation {
  activation: Exclude<ActivationName, 'softmax'>;
  alpha: number;
}

export interface DenseOptions {
  activation?: ActivationName;
  /** leakyRelu's slope for z < 0. */
  alpha?: number;
  /** Default glorotUniform; use 'randomNormal' (×0.01) or 'courseDeep' for the course's inits. */
  kernelInitializer?: Initializer | InitializerName | InitializerConfig;
  biasInitializer?: Initializer | InitializerName | InitializerConfig;
  useBias?: boolean;
  name?: string;
}

/**
 * A fully connected layer: A = g(W·A_prev + b), W (units, n_prev), b (units, 1).
 * Forward is one fused `linear` kernel (GEMM, bias and activation in one pass); backward
 * computes dW = (1/m)·dZ·A_prevᵀ and dA_prev = Wᵀ·dZ with GEMM transpose flags.
 */
export class Dense implements Layer {
  readonly type = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly alpha: number;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly name: string | undefined;
  W: Tensor | null = null;
  b: Tensor | null = null;
  dW: Tensor | null = null;
  db: Tensor | null = null;
  private A_prev: Tensor | null = null;
  private A: Tensor | null = null;
  private Z: Tensor | null = null;
  private dZ: Tensor | null = null;
  private dA_prev: Tensor | null = null;

  constructor(units: number, options: DenseOptions = {}) {
    if (!Number.isInteger(units) || units <= 0) throw new ValueError(`Dense: units must be a positive integer, received ${String(units)}`);
    const activation = options.activation ?? 'linear';
    if (!ACTIVATIONS.includes(activation)) {
      throw new ValueError(`Dense: activation must be one of ${ACTIVATIONS.join(', ')}, received ${JSON.stringify(activation)}`);
    }
    this.units = units;
    this.activation = activation;
    this.alpha = options.alpha ?? 0.01;
    if (!(this.alpha > 0)) throw new ValueError(`Dense: alpha must be positive, received ${String(options.alpha)}`);
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorotUniform', 'Dense: kernelInitializer');
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', 'Dense: biasInitializer');
    this.name = options.name;
  }

  get built(): boolean {
    return this.W !== null;
  }

  outputUnits(): number {
    return this.units;
  }

  countParams(inputUnits: number): number {
    return this.units * inputUnits + (this.useBias ? this.units : 0);
  }

  build(inputUnits: number, rng: Generator, dtype: FloatDType): void {
    this.W = this.kernelInitializer.init([this.units, inputUnits], rng, dtype);
    this.b = this.useBias ? this.biasInitializer.init([this.units, 1], rng, dtype) : null;
  }

  /** Replaces the weights (loading a model, or the course's parameters). */
  setWeights(W: Tensor, b: Tensor | null): void {
    if (W.rank !== 2 || W.shape[0] !== this.units)
      throw new ShapeError(`Dense.setWeights: W must have shape (${this.units}, n_prev), received ${formatShape(W.shape)}`);
    if (this.useBias && (b?.rank !== 2 || b.shape[0] !== this.units || b.shape[1] !== 1)) {
      throw new ShapeError(`Dense.setWeights: b must have shape (${this.units}, 1), received ${b ? formatShape(b.shape) : 'null'}`);
    }
    this.W = W;
    this.b = this.useBias ? b : null;
  }

  params(): Record<string, Tensor> {
    const W = this.weights();
    return this.b ? { W, b: this.b } : { W };
  }

  grads(): Record<string, Tensor> {
    if (!this.dW) throw new ModelError('Dense.grads: no backward pass has run yet');
    return this.db ? { W: this.dW, b: this.db } : { W: this.dW };
  }

  cache(): LayerCache | null {
    return this.A_prev && this.A ? { A_prev: this.A_prev, A: this.A, W: this.weights(), b: this.b } : null;
  }

  private weights(): Tensor {
    if (!this.W)
      throw new ModelError(`Dense(${this.units}): the layer is not built; add it to a model with an input size, or call build()`);
    return this.W;
  }

  forward(A_prev: Tensor, _training: boolean, reuse: boolean): Tensor {
    const W = this.weights();
    if (A_prev.rank !== 2 || A_prev.shape[0] !== W.shape[1]) {
      throw new ShapeError(`Dense(${this.units}): input must have shape (${W.shape[1]}, m), received ${formatShape(A_prev.shape)}`);
    }
    const fused = this.activation === 'softmax' ? 'linear' : this.activation;
    let A: Tensor;
    if (!reuse) {
      A = linear(W, A_prev, this.b, fused, this.alpha);
      if (this.activation === 'softmax') A = softmax(A, 0);
    } else {
      const shape = [this.units, A_prev.shape[1]] as const;
      const dtype = floatDTypeOf(W);
      const backend = getBackend();
      if (this.activation === 'softmax') {
        this.Z = reuseBuffer(this.Z, shape, dtype);
        backend.linear(W, A_prev, this.b, 'linear', this.alpha, this.Z.data as FloatArray);
        A = reuseBuffer(this.A, shape, dtype);
        backend.softmax(this.Z, 0, A.data as FloatArray);
      } else {
        A = reuseBuffer(this.A, shape, dtype);
        backend.linear(W, A_prev, this.b, fused, this.alpha, A.data as FloatArray);
      }
    }
    this.A_prev = A_prev;
    this.A = A;
    return A;
  }

  /**
   * With `below` (the training fast path, `reuse`), the gradient returned is the layer below's
   * dZ rather than its dA: backend.linearBackward applies below's activation slope in the same
   * step, and Sequential hands it to below's backwardFromZ.
   */
  backward(dA: Tensor, needInput: boolean, reuse: boolean, l2: number, below?: BelowActivation): Tensor | null {
    const A = this.requireCache();
    if (dA.shape[0] !== A.shape[0] || dA.shape[1] !== A.shape[1]) {
      throw new ShapeError(
        `Dense(${this.units}).backward: dA must have the output's shape ${formatShape(A.shape)}, received ${formatShape(dA.shape)}`,
      );
    }
    let dZ: Tensor;
    if (this.activation === 'softmax')
      dZ = softmaxBackward(dA, A, reuse ? reuseBuffer(this.dZ, [A.shape[0], A.shape[1]], floatDTypeOf(A)) : null);
    else if (!reuse) dZ = activationBackward(this.activation, dA, A, this.alpha);
    else {
      dZ = reuseBuffer(this.dZ, [A.shape[0], A.shape[1]], floatDTypeOf(A));
      getBackend().activationBackward(this.activation, dA, A, dZ.data as FloatArray, this.alpha);
    }
    if (reuse) this.dZ = dZ;
    return this.backwardFromZ(dZ, needInput, reuse, l2, below);
  }

  /**
   * The backward pass from dZ, for an output activation fused with its loss
   * (sigmoid + cross-entropy: dZ = A − Y).
   */
  backwardFromZ(dZ: Tensor, needInput: boolean, reuse: boolean, l2: number, below?: BelowActivation): Tensor | null {
    this.requireCache();
    const W = this.weights();
    const A_prev = this.A_prev as Tensor;
    const m = dZ.shape[1];
    const dtype = floatDTypeOf(W);
    if (!reuse) {
      this.dW = matmul(dZ, A_prev, { transB: true }).mul(1 / m);
      this.db = this.useBias ? sum(dZ, 1, true).mul(1 / m) : null;
      if (l2 > 0) this.dW = this.dW.add(W.mul(l2 / m));
      return needInput ? matmul(W, dZ, { transA: true }) : null;
    }
    const backend = getBackend();
    this.dW = reuseBuffer(this.dW, [W.shape[0], W.shape[1]], dtype);
    backend.matmul(dZ, A_prev, this.dW.data as FloatArray, { transA: false, transB: true, alpha: 1 / m, beta: 0 });
    if (l2 > 0) {
      const dw = this.dW.data;
      const w = W.data;
      const k = l2 / m;
      for (let i = 0; i < dw.length; i++) dw[i] += k * w[i];
    }
    if (this.useBias) {
      this.db = reuseBuffer(this.db, [W.shape[0], 1], dtype);
      rowMeans(dZ, this.db.data as FloatArray);
    }
    if (!needInput) return null;
    this.dA_prev = reuseBuffer(this.dA_prev, [W.shape[1], m], dtype);
    if (below) backend.linearBackward(W, dZ, A_prev, below.activation, below.alpha, this.dA_prev.data as FloatArray);
    else backend.matmul(W, dZ, this.dA_prev.data as FloatArray, { transA: true, transB: false, alpha: 1, beta: 0 });
    return this.dA_prev;
  }

  private requireCache(): Tensor {
    if (!this.A || !this.A_prev) throw new ModelError(`Dense(${this.units}).backward: run forward first`);
    return this.A;
  }

  getConfig(): LayerConfig {
    return {
      type: 'Dense',
      units: this.units,
      activation: this.activation,
      alpha: this.alpha,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.config,
      biasInitializer: this.biasInitializer.config,
      ...(this.name ? { name: this.name } : {}),
    };
  }
}

/** db = (1/m)·Σ_axis1 dZ, as the course's np.sum(dZ, axis=1, keepdims=True) / m. */
function rowMeans(dZ: Tensor, out: FloatArray): void {
  const [n, m] = dZ.shape;
  const d = dZ.data;
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = r * m; j < (r + 1) * m; j++) s += d[j];
    out[r] = (1 / m) * s;
  }
}

/** dZ = A ⊙ (dA − Σ_classes dA ⊙ A), column by column (the softmax Jacobian-vector product). */
function softmaxBackward(dA: Tensor, A: Tensor, out: Tensor | null): Tensor {
  const [n, m] = A.shape;
  const dZ = out ?? zeros(A.shape, floatDTypeOf(A));
  const a = A.data;
  const d = dA.data;
  const z = dZ.data;
  for (let j = 0; j < m; j++) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += d[i * m + j] * a[i * m + j];
    for (let i = 0; i < n; i++) z[i * m + j] = a[i * m + j] * (d[i * m + j] - dot);
  }
  return dZ;
}
