import {
  type Activation,
  type FloatArray,
  formatShape,
  getBackend,
  linear,
  matmul,
  ShapeError,
  sum,
  type Tensor,
  ValueError,
} from '@neurite/tensor';
import { type ActivationName, activate, activateInto, activationGrad, checkActivation, isFused } from './activations.ts';
import { floatDTypeOf, reuseBuffer } from './buffers.ts';
import { ModelError } from './errors.ts';
import { getInitializer, type Initializer, type InitializerConfig, type InitializerName } from './initializers.ts';
import {
  type BackwardContext,
  type BackwardResult,
  type BuildContext,
  type ForwardContext,
  type ForwardResult,
  Layer,
  type LayerConfig,
  type OutputActivation,
} from './layer.ts';
import { checkKeys } from './options.ts';
import { formatLayerShape, type LayerShape } from './shapes.ts';
import type { Weight } from './weight.ts';

export interface DenseOptions {
  /** Default 'linear'; also sigmoid, tanh, relu, leakyRelu, softmax, elu, selu, gelu, softplus, silu (swish). */
  activation?: ActivationName;
  /** leakyRelu's slope for z < 0 (default 0.01), or elu's α (default 1). */
  alpha?: number;
  /** Default glorotUniform; use 'randomNormal' (×0.01) or 'courseDeep' for the course's inits. */
  kernelInitializer?: Initializer | InitializerName | InitializerConfig;
  biasInitializer?: Initializer | InitializerName | InitializerConfig;
  useBias?: boolean;
  name?: string;
}

const DENSE_KEYS = ['activation', 'alpha', 'kernelInitializer', 'biasInitializer', 'useBias', 'name'];

/** Dense's cache: the course's ((A_prev, W, b), Z), with the output A; Z only where the backward needs it. */
export interface DenseCache {
  A_prev: Tensor;
  W: Tensor;
  b: Tensor | null;
  Z: Tensor | null;
  A: Tensor;
}

/**
 * A fully connected layer: A = g(W·A_prev + b), W (units, n_prev), b (units, 1), examples as
 * columns. Forward is one fused `linear` kernel (GEMM, bias and activation in one pass);
 * backward computes dW = (1/m)·dZ·A_prevᵀ and dA_prev = Wᵀ·dZ with GEMM transpose flags.
 * It declares its output activation, so the model can fuse dZ = A − Y into the loss, and it
 * takes up the layer below's activation (`ctx.below`) with the backend's fused linearBackward.
 */
export class Dense extends Layer<DenseCache> {
  static readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly alpha: number;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  override readonly outputActivation: OutputActivation;
  /** Whether the backend's fused linear computes the activation (all but softmax). */
  readonly #fused: boolean;
  #W: Weight | null = null;
  #b: Weight | null = null;
  // Training buffers, kept between steps.
  #Z: Tensor | null = null;
  #A: Tensor | null = null;
  #dZ: Tensor | null = null;
  #dW: Tensor | null = null;
  #db: Tensor | null = null;
  #dA_prev: Tensor | null = null;

  constructor(units: number, options: DenseOptions = {}) {
    checkKeys(options, 'Dense', DENSE_KEYS);
    super(options);
    if (!Number.isInteger(units) || units <= 0) throw new ValueError(`Dense: units must be a positive integer, received ${String(units)}`);
    this.units = units;
    this.activation = options.activation ?? 'linear';
    this.alpha = checkActivation(this.activation, options.alpha, 'Dense');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorotUniform', 'Dense: kernelInitializer');
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', 'Dense: biasInitializer');
    this.outputActivation = { activation: this.activation, alpha: this.alpha };
    this.#fused = isFused(this.activation);
  }

  static fromConfig(config: LayerConfig): Dense {
    // Only the keys Dense takes: model loading names any other key in its own message.
    const options = Object.fromEntries(DENSE_KEYS.filter((k) => k in config).map((k) => [k, config[k]]));
    return new Dense(config.units as number, options as DenseOptions);
  }

  override build(inputShape: LayerShape, _ctx: BuildContext): void {
    if (inputShape.length !== 2 || inputShape[1] !== null) {
      throw new ShapeError(
        `Dense(${this.units}): input must be (n_prev, m) with one example per column, received ${formatLayerShape(inputShape)}; put a Flatten layer before it`,
      );
    }
    this.#W = this.addWeight('W', [this.units, inputShape[0] as number], this.kernelInitializer, { regularized: true });
    if (this.useBias) this.#b = this.addWeight('b', [this.units, 1], this.biasInitializer);
  }

  computeOutputShape(): LayerShape {
    return [this.units, null];
  }

  /** W (units, n_prev), null before the layer is built. */
  get W(): Tensor | null {
    return this.#W?.value ?? null;
  }

  get b(): Tensor | null {
    return this.#b?.value ?? null;
  }

  /** dW of the last backward pass. */
  get dW(): Tensor | null {
    return this.#W?.grad ?? null;
  }

  get db(): Tensor | null {
    return this.#b?.grad ?? null;
  }

  forward(A_prev: Tensor, ctx: ForwardContext): ForwardResult<DenseCache> {
    const W = this.#weightW();
    const b = this.#b?.value ?? null;
    if (A_prev.rank !== 2 || A_prev.shape[0] !== W.shape[1]) {
      throw new ShapeError(`Dense(${this.units}): input must have shape (${W.shape[1]}, m), received ${formatShape(A_prev.shape)}`);
    }
    const act = this.activation;
    let Z: Tensor | null = null;
    let A: Tensor;
    if (!ctx.reuse) {
      if (this.#fused) A = linear(W, A_prev, b, act as Activation, this.alpha);
      else {
        Z = linear(W, A_prev, b, 'linear');
        A = activate(act, Z, this.alpha);
      }
    } else {
      const shape = [this.units, A_prev.shape[1]];
      const dtype = floatDTypeOf(W);
      const backend = getBackend();
      A = reuseBuffer(this.#A, shape, dtype);
      this.#A = A;
      if (this.#fused) backend.linear(W, A_prev, b, act as Activation, this.alpha, A.data as FloatArray);
      else {
        Z = reuseBuffer(this.#Z, shape, dtype);
        this.#Z = Z;
        backend.linear(W, A_prev, b, 'linear', this.alpha, Z.data as FloatArray);
        activateInto(act, Z, this.alpha, A);
      }
    }
    return { A, cache: { A_prev, W, b, Z, A } };
  }

  override backward(dA: Tensor, cache: DenseCache, ctx: BackwardContext): BackwardResult {
    const { A } = cache;
    if (dA.rank !== 2 || dA.shape[0] !== A.shape[0] || dA.shape[1] !== A.shape[1]) {
      throw new ShapeError(
        `Dense(${this.units}).backward: dA must have the output's shape ${formatShape(A.shape)}, received ${formatShape(dA.shape)}`,
      );
    }
    let out: Tensor | null = null;
    if (ctx.reuse) {
      out = reuseBuffer(this.#dZ, A.shape, floatDTypeOf(A));
      this.#dZ = out;
    }
    return this.backwardFromZ(activationGrad(this.activation, dA, A, cache.Z, this.alpha, out), cache, ctx);
  }

  /** The backward pass from dZ: for an output activation fused with its loss (sigmoid + cross-entropy: dZ = A − Y). */
  override backwardFromZ(dZ: Tensor, cache: DenseCache, ctx: BackwardContext): BackwardResult {
    const { A_prev, W } = cache;
    const m = dZ.shape[1];
    if (!ctx.reuse) {
      const dW = matmul(dZ, A_prev, { transB: true }).mul(1 / m);
      const grads: Record<string, Tensor> = { W: dW };
      if (this.useBias) grads.b = sum(dZ, 1, true).mul(1 / m);
      return { dA_prev: ctx.needInput ? matmul(W, dZ, { transA: true }) : null, grads };
    }
    const backend = getBackend();
    const dtype = floatDTypeOf(W);
    const dW = reuseBuffer(this.#dW, W.shape, dtype);
    this.#dW = dW;
    backend.matmul(dZ, A_prev, dW.data as FloatArray, { transA: false, transB: true, alpha: 1 / m, beta: 0 });
    const grads: Record<string, Tensor> = { W: dW };
    if (this.useBias) {
      const db = reuseBuffer(this.#db, [W.shape[0], 1], dtype);
      this.#db = db;
      rowMeans(dZ, db.data as FloatArray);
      grads.b = db;
    }
    if (!ctx.needInput) return { dA_prev: null, grads };
    const dA_prev = reuseBuffer(this.#dA_prev, [W.shape[1], m], dtype);
    this.#dA_prev = dA_prev;
    const below = ctx.below;
    if (below && isFused(below.activation)) {
      // The layer below's dZ in one step: (Wᵀ·dZ) ⊙ g'(A_prev), g' from its output A_prev.
      backend.linearBackward(W, dZ, A_prev, below.activation, below.alpha, dA_prev.data as FloatArray);
      return { dZ_prev: dA_prev, grads };
    }
    backend.matmul(W, dZ, dA_prev.data as FloatArray, { transA: true, transB: false, alpha: 1, beta: 0 });
    return { dA_prev, grads };
  }

  override getConfig(): LayerConfig {
    return {
      units: this.units,
      activation: this.activation,
      alpha: this.alpha,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.config,
      biasInitializer: this.biasInitializer.config,
      ...super.getConfig(),
    };
  }

  override describe(): string {
    return `Dense (${this.activation})`;
  }

  #weightW(): Tensor {
    if (!this.#W)
      throw new ModelError(`Dense(${this.units}): the layer is not built; add it to a model with an input size, or call ensureBuilt()`);
    return this.#W.value;
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
