import { type FloatDType, type Generator, NeuriteError, ShapeError, Tensor, ValueError } from '@neurite/tensor';
import type { ActivationName } from './activations.ts';
import { ModelError } from './errors.ts';
import { getInitializer, type Initializer, type InitializerConfig, type InitializerName } from './initializers.ts';
import { registeredName } from './names.ts';
import { checkLayerShape, formatLayerShape, type LayerShape, sameLayerShape } from './shapes.ts';
import { Weight, type WeightOptions } from './weight.ts';

/** What `build` gets besides the input shape: the generator weights are drawn from, in order, and the model's dtype. */
export interface BuildContext {
  rng: Generator;
  dtype: FloatDType;
}

export interface ForwardContext {
  /**
   * true in `fit`/`trainStep` (and `forward(X, { training: true })`): Dropout drops units,
   * BatchNormalization normalizes with the batch's statistics and updates its moving ones.
   * false for predict and evaluate.
   */
  training: boolean;
  /**
   * The training fast path: the layer may write its output (and cache) into buffers it keeps
   * between calls, valid until its next forward. Without it every call returns fresh tensors.
   */
  reuse: boolean;
  /**
   * The model's training generator, for layers that draw random numbers (Dropout's masks):
   * the stream that drew the initial weights, continued, or the one made from fit's `seed`
   * (which also shuffles the mini-batches). A layer with a seed of its own may ignore it.
   */
  rng: Generator;
}

/** A forward pass's output and what the layer's backward needs from it (the course's cache). */
export interface ForwardResult<Cache> {
  A: Tensor;
  cache: Cache;
}

/** An output that is an activation applied to Z, as a layer declares it (see `Layer.outputActivation`). */
export interface OutputActivation {
  activation: ActivationName;
  /** leakyRelu's slope, elu's α; ignored by the others. */
  alpha: number;
}

export interface BackwardContext {
  /** false when no layer below needs the gradient (the first layer): skip dA_prev = Wᵀ·dZ. */
  needInput: boolean;
  /** Write gradients into buffers kept between calls (the training fast path). */
  reuse: boolean;
  /** m, the examples in the batch. Parameter gradients are means over them: dW = (1/m)·dZ·A_prevᵀ. */
  m: number;
  /**
   * Set (on the training path) when the layer below declares `outputActivation` and accepts
   * dZ (`backwardFromZ`). A layer that can apply that activation's slope in its own backward
   * step (Dense does, with the backend's fused linearBackward) returns the layer below's dZ
   * as `dZ_prev` instead of `dA_prev`; any other layer ignores it.
   */
  below?: OutputActivation;
}

/**
 * What backward returns. The gradient for the layer below is dA_prev (its output's gradient)
 * or, when the layer took up `ctx.below`, dZ_prev; null when `ctx.needInput` is false.
 * `grads` holds one gradient per trainable weight, by the weight's local name ('W', 'b').
 */
export interface BackwardResult {
  dA_prev?: Tensor | null;
  dZ_prev?: Tensor;
  grads?: Record<string, Tensor>;
}

export interface LayerOptions {
  /** Shown in summary and errors; names the layer's weights in model files when it holds no W. Unique in a model. */
  name?: string;
}

/** A layer's config as `getConfig` returns it: plain JSON, what its constructor (or static `fromConfig`) takes back. */
export type LayerConfig = { name?: string } & Record<string, unknown>;

/**
 * The layer contract, the same for the built-in layers and for a user's own. A layer:
 *
 * - declares its weights in `build(inputShape, ctx)` with `addWeight` (trainable parameters,
 *   and non-trainable state such as BatchNormalization's moving statistics);
 * - maps shapes in `computeOutputShape`, with the batch dimension open (null): (n, null) in the
 *   course's layout, (null, n_H, n_W, n_C) for images;
 * - computes `forward(A_prev, ctx)`, returning A, or `{ A, cache }` when it has a backward;
 * - optionally computes `backward(dA, cache, ctx)`, the course's way. Without one, the model
 *   derives it with autodiff (`vjp` of forward, which must then be made of @neurite/tensor ops);
 * - describes itself with `getConfig()` for model files, and is registered with `registerLayer`
 *   so that `loadModel` can rebuild it.
 *
 * Gradients follow the course's convention: the dA a layer receives is each example's own
 * gradient (the sum over the batch, not the mean), so dA_prev is too, and the gradients of
 * weights are means over the m examples (dW = (1/m)·dZ·A_prevᵀ).
 */
export abstract class Layer<Cache = unknown> {
  readonly name: string | undefined;
  #inputShape: LayerShape | null = null;
  #outputShape: LayerShape | null = null;
  #dtype: FloatDType | null = null;
  #weights: Weight[] = [];
  #building: BuildContext | null = null;

  /**
   * Optional fast path: "my output is `activation` of Z, applied elementwise (softmax: over
   * axis 0, the classes), and `backwardFromZ` takes dZ directly". The model then uses
   * dZ = A − Y for sigmoid + binary cross-entropy and softmax + categorical cross-entropy, and
   * the layer above may hand down dZ instead of dA (see `BackwardContext.below`). predict and
   * evaluate read it too: 0/1 predictions for sigmoid, class indices for softmax.
   */
  declare readonly outputActivation?: OutputActivation;

  constructor(options: LayerOptions = {}) {
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new ValueError(`${new.target.name}: name must be a non-empty string, received ${JSON.stringify(options.name)}`);
    }
    this.name = options.name;
  }

  /** Declares the weights for this input shape with `addWeight`. The default declares none. */
  build(_inputShape: LayerShape, _ctx: BuildContext): void {}

  /** The output shape for an input shape, batch dimension null. */
  abstract computeOutputShape(inputShape: LayerShape): LayerShape;

  abstract forward(A_prev: Tensor, ctx: ForwardContext): Tensor | ForwardResult<Cache>;

  /**
   * Optional: the backward pass from the output's gradient dA and this forward's cache.
   * Leave it out and the model differentiates `forward` with autodiff instead.
   */
  backward?(dA: Tensor, cache: Cache, ctx: BackwardContext): BackwardResult;

  /** Optional, with `outputActivation`: the backward pass from dZ, skipping the activation's derivative. */
  backwardFromZ?(dZ: Tensor, cache: Cache, ctx: BackwardContext): BackwardResult;

  /** The constructor's options as plain JSON. Subclasses add theirs to `super.getConfig()`. */
  getConfig(): LayerConfig {
    return this.name === undefined ? {} : { name: this.name };
  }

  /** How summary() and errors name the layer: the class, and what tells layers of a class apart. */
  describe(): string {
    return this.className;
  }

  /** The name model files store: the registered one (registerLayer), else the class's name. */
  get className(): string {
    return registeredName(this.constructor) ?? this.constructor.name;
  }

  /**
   * Builds the layer once for `inputShape` (the model calls this; call it yourself to use a
   * layer on its own). Building again for the same shape does nothing; for another, it throws.
   */
  ensureBuilt(inputShape: LayerShape, ctx: BuildContext): this {
    const shape = checkLayerShape(inputShape, `${this.describe()}: the input shape`);
    if (this.#inputShape) {
      if (!sameLayerShape(this.#inputShape, shape)) {
        throw new ShapeError(
          `${this.describe()}: the layer was built for input ${formatLayerShape(this.#inputShape)}, received ${formatLayerShape(shape)}`,
        );
      }
      return this;
    }
    this.#building = ctx;
    try {
      this.build(shape, ctx);
      this.#outputShape = checkLayerShape(this.computeOutputShape(shape), `${this.describe()}.computeOutputShape`);
    } catch (error) {
      this.#weights = [];
      throw error;
    } finally {
      this.#building = null;
    }
    this.#dtype = ctx.dtype;
    this.#inputShape = shape;
    return this;
  }

  get built(): boolean {
    return this.#inputShape !== null;
  }

  get inputShape(): LayerShape {
    return this.#inputShape ?? this.#notBuilt();
  }

  get outputShape(): LayerShape {
    return this.#outputShape ?? this.#notBuilt();
  }

  /** The dtype the layer was built in. */
  get dtype(): FloatDType {
    return this.#dtype ?? this.#notBuilt();
  }

  /**
   * Declares a weight while building: drawn now from the build's generator (in declaration
   * order, so W before b reproduces the course's weights), in the model's dtype.
   */
  protected addWeight(
    name: string,
    shape: readonly number[],
    initializer: Initializer | InitializerName | InitializerConfig,
    options: WeightOptions = {},
  ): Weight {
    const ctx = this.#building;
    if (!ctx) throw new ModelError(`${this.describe()}.addWeight('${name}'): declare weights in build(), which ensureBuilt calls`);
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ValueError(
        `${this.describe()}.addWeight: name must be an identifier such as 'W' or 'gamma', received ${JSON.stringify(name)}`,
      );
    }
    if (this.#weights.some((w) => w.name === name))
      throw new ModelError(`${this.describe()}.addWeight: the layer already has a weight '${name}'`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new ShapeError(`${this.describe()}.addWeight('${name}'): shape must be positive integers, received ${JSON.stringify(shape)}`);
    }
    const init = getInitializer(initializer, `${this.describe()}.addWeight('${name}')`);
    if (budget) budget.take(this.describe(), name, shape, ctx.dtype);
    const value = init.init(shape, ctx.rng, ctx.dtype);
    const weight = new Weight(name, value, options, this.describe());
    this.#weights.push(weight);
    return weight;
  }

  /** Every weight, in declaration order. */
  get weights(): readonly Weight[] {
    return this.#weights;
  }

  getWeight(name: string): Weight {
    const w = this.#weights.find((x) => x.name === name);
    if (!w) {
      const have = this.#weights.map((x) => `'${x.name}'`).join(', ') || 'none';
      throw new NeuriteError(`${this.describe()}: no weight '${name}' (the layer has ${have})`);
    }
    return w;
  }

  /** Weights' sizes summed, trainable and not. */
  countParams(): number {
    return this.#weights.reduce((n, w) => n + w.value.size, 0);
  }

  #notBuilt(): never {
    throw new ModelError(`${this.describe()}: the layer is not built; add it to a model with an input shape, or call ensureBuilt()`);
  }
}

/**
 * While a saved model is rebuilt, the weights its layers declare must fit in what the weights
 * file really holds: a model.json declaring a (10000, 20000) W beside a 1 KiB file is refused
 * before the initializer would allocate 1.5 GiB, whatever the layer (built-in or a user's).
 */
export interface WeightBudget {
  take(layer: string, weight: string, shape: readonly number[], dtype: FloatDType): void;
}

let budget: WeightBudget | null = null;

/** Runs `body` (a model's build) with every addWeight checked against `within`. */
export function buildWithin<T>(within: WeightBudget, body: () => T): T {
  const before = budget;
  budget = within;
  try {
    return body();
  } finally {
    budget = before;
  }
}

/** A forward's return value as `{ A, cache }`. */
export function forwardResult<C>(out: Tensor | ForwardResult<C>, layer: Layer<C>): ForwardResult<C | undefined> {
  if (out instanceof Tensor) return { A: out, cache: undefined };
  if (out !== null && typeof out === 'object' && out.A instanceof Tensor) return out;
  throw new ModelError(`${layer.describe()}.forward must return a Tensor or { A, cache }, received ${typeof out}`);
}
