import { getLoss, type Loss, type LossName } from '@neurite/losses';
import type { Optimizer } from '@neurite/optimizers';
import {
  argMax,
  DTypeError,
  type FloatDType,
  formatShape,
  type Generator,
  isPlainObject,
  NeuriteError,
  ShapeError,
  Tensor,
  toGenerator,
  ValueError,
  wrongType,
} from '@neurite/tensor';
import type { History } from './callbacks.ts';
import { ModelError } from './errors.ts';
import { type EvaluateOptions, type EvaluateResult, evaluate, type FitOptions, fit } from './fit.ts';
import { type ForwardContext, Layer, type OutputActivation } from './layer.ts';
import type { MetricSpec } from './metrics.ts';
import { checkKeys } from './options.ts';
import { backwardLayer, belowOf, forwardLayer } from './propagation.ts';
import { batchAxis, checkLayerShape, fits, formatLayerShape, inputShapeOf, type LayerShape } from './shapes.ts';
import { summarize } from './summary.ts';
import { type CompileOptions, compile, trainStep } from './training.ts';
import { type NamedWeight, nameWeights } from './weight-names.ts';

export interface SequentialOptions {
  /** n_x, the number of input features, for the course's (n_x, m) layout: shorthand for inputShape [n_x, null]. */
  inputUnits?: number;
  /** The input's shape with null for the batch: [n_x, null], or [null, 28, 28, 1] for images. Otherwise taken from the first X seen. */
  inputShape?: LayerShape;
  layers?: Layer[];
  /** 'float64' reproduces numpy to the last digit; 'float32' is faster. Default float32. */
  dtype?: FloatDType;
  /** Seed (numpy's legacy stream) or Generator for the initial weights; default seed 0. */
  seed?: number | Generator;
  name?: string;
}

/** Training configuration that persists between `fit`/`trainStep` calls. */
export interface Compiled {
  loss: Loss;
  optimizer: Optimizer;
  l2: number;
  /** What fit and evaluate score besides the loss. */
  metrics: readonly MetricSpec[];
}

/**
 * A stack of layers: X → AL. Weights are drawn layer by layer in order (W before b) from
 * one generator, so a seeded model starts from the course's weights. The model works with
 * any layer through the `Layer` contract; training lives in `fit`/`trainStep` (training.ts).
 */
export class Sequential {
  readonly layers: Layer[] = [];
  readonly dtype: FloatDType;
  readonly name: string | undefined;
  /** Optimizer steps taken so far, over every fit/trainStep call. */
  iteration = 0;
  compiled: Compiled | null = null;
  /**
   * The generator the weights are drawn from, then the one layers draw from in training
   * (`ForwardContext.rng`: dropout masks); fit's `seed` replaces it.
   */
  generator: Generator;
  #inputShape: LayerShape | null;
  #named: NamedWeight[] | null = null;
  #built = false;
  /** The first layer with trainable weights: no layer under it needs a gradient. */
  #firstTrainable = 0;
  /** Each layer's declared output activation, where it also takes dZ (read once, at build). */
  #takesZ: (OutputActivation | undefined)[] = [];
  #caches: unknown[] = [];
  #output: Tensor | null = null;
  #m = 0;

  constructor(options: SequentialOptions = {}) {
    checkKeys(options, 'Sequential', ['inputUnits', 'inputShape', 'layers', 'dtype', 'seed', 'name']);
    this.dtype = options.dtype ?? 'float32';
    if (this.dtype !== 'float32' && this.dtype !== 'float64') {
      throw new ValueError(`Sequential: dtype must be 'float32' or 'float64', received ${JSON.stringify(options.dtype)}`);
    }
    if (options.inputUnits !== undefined && (!Number.isInteger(options.inputUnits) || options.inputUnits <= 0)) {
      throw new ValueError(`Sequential: inputUnits must be a positive integer, received ${String(options.inputUnits)}`);
    }
    this.#inputShape =
      options.inputShape !== undefined
        ? checkLayerShape(options.inputShape, 'Sequential: inputShape')
        : options.inputUnits !== undefined
          ? [options.inputUnits, null]
          : null;
    this.generator = toGenerator(options.seed ?? 0);
    this.name = options.name;
    for (const layer of options.layers ?? []) this.add(layer);
  }

  add(layer: Layer): this {
    if (!(layer instanceof Layer)) {
      throw new NeuriteError(
        `Sequential.add: expected a Layer (Dense, Dropout, ... or a subclass of Layer), received ${describeValue(layer)}`,
      );
    }
    if (this.built) throw new ModelError('Sequential.add: the model is already built; add every layer before training');
    if (this.layers.includes(layer)) throw new ModelError(`Sequential.add: this ${layer.describe()} layer is already in the model`);
    if (layer.name !== undefined && this.layers.some((l) => l.name === layer.name)) {
      throw new ModelError(`Sequential.add: two layers named '${layer.name}'; layer names must be unique in a model`);
    }
    this.layers.push(layer);
    return this;
  }

  get built(): boolean {
    // Layers cannot be added once every one is built, so the answer cannot change back.
    this.#built ||= this.#inputShape !== null && this.layers.length > 0 && this.layers.every((l) => l.built);
    return this.#built;
  }

  /** The input shape, batch null; null until given or seen. */
  get inputShape(): LayerShape | null {
    return this.#inputShape;
  }

  /** n_x for the course's (n_x, m) inputs; null for image inputs or before the shape is known. */
  get inputUnits(): number | null {
    const s = this.#inputShape;
    return s && s.length === 2 && s[1] === null ? s[0] : null;
  }

  /** Builds every layer, in order, drawing weights from the model's generator. */
  build(input: LayerShape | number | undefined = this.#inputShape ?? undefined): this {
    if (input === undefined) {
      throw new ModelError('Sequential.build: the input shape is unknown; pass inputUnits or inputShape to the constructor, or to build()');
    }
    if (this.layers.length === 0) throw new ModelError('Sequential.build: the model has no layers; add at least one');
    const shape =
      typeof input === 'number'
        ? checkLayerShape([input, null], 'Sequential.build: inputUnits')
        : checkLayerShape(input, 'Sequential.build');
    this.#inputShape = shape;
    let s = shape;
    for (const layer of this.layers) s = layer.ensureBuilt(s, { rng: this.generator, dtype: this.dtype }).outputShape;
    this.#named = null;
    this.#firstTrainable = this.layers.findIndex((l) => l.weights.some((w) => w.trainable));
    this.#takesZ = this.layers.map(belowOf);
    return this;
  }

  /** The output shape, batch null: (n_L, null) for the course's networks. */
  get outputShape(): LayerShape {
    this.#ensureBuilt();
    return this.layers[this.layers.length - 1].outputShape;
  }

  /** n_L for an output of shape (n_L, m). */
  get outputUnits(): number {
    const s = this.outputShape;
    if (s.length !== 2 || s[1] !== null) throw new ModelError(`Sequential.outputUnits: the output is ${formatLayerShape(s)}, not (n, m)`);
    return s[0] as number;
  }

  /**
   * Every weight with the name it has in the course's dictionaries and in model files:
   * W1, b1, ... numbered over the layers that hold a W, and `<layer>.<weight>` for the
   * others (batchNormalization1.gamma); see weight-names.ts.
   */
  namedWeights(): readonly NamedWeight[] {
    this.#ensureBuilt();
    this.#named ??= nameWeights(this.layers);
    return this.#named;
  }

  /** The course's parameters dict: {W1, b1, ..., WL, bL}, the trainable weights (the tensors themselves, not copies). */
  params(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const { key, weight } of this.namedWeights()) if (weight.trainable) out[key] = weight.value;
    return out;
  }

  /** The non-trainable weights (BatchNormalization's moving statistics), by the same naming. */
  state(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const { key, weight } of this.namedWeights()) if (!weight.trainable) out[key] = weight.value;
    return out;
  }

  /** Gradients of the last backward pass under the parameters' names (W1 → dW1 values). */
  gradsByParam(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const { key, layer, weight } of this.namedWeights()) {
      if (!weight.trainable) continue;
      if (!weight.grad) throw new ModelError(`${layer.describe()}: no backward pass has run yet (no gradient for ${key})`);
      out[key] = weight.grad;
    }
    return out;
  }

  /** Sets weights from a {W1, b1, ...} record (for example the course's initializeParametersDeep); state entries are optional. */
  setParams(params: Record<string, Tensor>): this {
    const fn = 'Sequential.setParams';
    if (!isPlainObject(params)) wrongType(fn, 'params', 'an object of Tensors by name ({ W1, b1, ... })', params);
    if (!this.built) {
      const W1 = params.W1;
      this.build(this.#inputShape ?? (W1 instanceof Tensor && W1.rank === 2 ? [W1.shape[1], null] : undefined));
    }
    // Every tensor is checked before any weight changes, so a bad one leaves the model as it was.
    const named = this.namedWeights();
    const known = new Set(named.map((n) => n.key));
    for (const key of Object.keys(params)) {
      if (!known.has(key))
        throw new ValueError(
          `${fn}: params has '${key}', which is not a weight of this model; expected keys among ${[...known].join(', ')}`,
        );
    }
    for (const { key, weight } of named) {
      const t = params[key];
      if (t === undefined && !weight.trainable) continue;
      if (!(t instanceof Tensor)) {
        if (t === undefined)
          throw new ValueError(`${fn}: params.${key} is missing (expected a Tensor of shape ${formatShape(weight.shape)})`);
        wrongType(fn, `params.${key}`, `a Tensor of shape ${formatShape(weight.shape)}`, t);
      }
      if (t.dtype !== this.dtype) throw new DTypeError(`${fn}: params.${key} is ${t.dtype}, the model is ${this.dtype}`);
      if (t.rank !== weight.shape.length || t.shape.some((d, i) => d !== weight.shape[i])) {
        const hint = key === 'W1' && t.rank === 2 ? ` (its n_prev, ${t.shape[1]}, must be the model's input size)` : '';
        throw new ShapeError(`${fn}: params.${key} must have shape ${formatShape(weight.shape)}, received ${formatShape(t.shape)}${hint}`);
      }
    }
    for (const { key, weight } of named) {
      const t = params[key];
      if (t !== undefined) weight.value = t;
    }
    return this;
  }

  countParams(): number {
    this.#ensureBuilt();
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /** A table of layers, output shapes and parameter counts. */
  summary(): string {
    return summarize(this);
  }

  /** Checks X against the input shape (building the model on first use) and casts it to the model's dtype. */
  prepareInput(X: Tensor, arg = 'X'): Tensor {
    if (!(X instanceof Tensor)) throw new NeuriteError(`${arg} must be a Tensor, received ${describeValue(X)}`);
    const expected = this.#inputShape ?? inputShapeOf(X.shape);
    if (!fits(X.shape, expected)) {
      if (expected.length === 2 && expected[1] === null) {
        if (X.rank !== 2) throw new ShapeError(`${arg} must be 2-D (n_x, m) with one example per column, received ${formatShape(X.shape)}`);
        throw new ShapeError(
          `${arg} must have ${expected[0]} rows (features) and one column per example, received ${formatShape(X.shape)}`,
        );
      }
      throw new ShapeError(`${arg} must have shape ${formatLayerShape(expected)} (m examples), received ${formatShape(X.shape)}`);
    }
    if (!this.built) this.build(expected);
    return X.dtype === this.dtype ? X : X.cast(this.dtype);
  }

  /** m: the examples in X, along the input's batch axis. */
  examplesOf(X: Tensor): number {
    const s = this.#inputShape ?? inputShapeOf(X.shape);
    return X.shape[batchAxis(s)];
  }

  /**
   * Forward pass; returns AL and each layer's cache. `training` switches Dropout and
   * BatchNormalization to training mode; `reuse` (the training fast path) lets layers write
   * into buffers they keep, valid until the next forward. Keeps the caches for `backward`.
   */
  forward(X: Tensor, options: { training?: boolean; reuse?: boolean } = {}): { AL: Tensor; caches: unknown[] } {
    checkKeys(options, 'forward', ['training', 'reuse']);
    const ctx: ForwardContext = { training: options.training ?? false, reuse: options.reuse ?? false, rng: this.generator };
    let A = this.prepareInput(X);
    this.#m = this.examplesOf(A);
    const layers = this.layers;
    const caches: unknown[] = new Array(layers.length);
    for (let l = 0; l < layers.length; l++) {
      const out = forwardLayer(layers[l], A, ctx, true);
      caches[l] = out.cache;
      A = out.A;
    }
    this.#caches = caches;
    this.#output = A;
    return { AL: A, caches };
  }

  /**
   * Backward pass after `forward`: the course's grads dict {dW1, db1, ...}. With a sigmoid
   * (softmax) output and binary (categorical) cross-entropy, dZ_L = AL − Y directly.
   */
  backward(Y: Tensor, options: { loss?: Loss | LossName; l2?: number } = {}): Record<string, Tensor> {
    checkKeys(options, 'backward', ['loss', 'l2']);
    const loss = getLoss(options.loss ?? this.compiled?.loss ?? 'binaryCrossEntropy');
    this.backpropagate(Y, loss, options.l2 ?? 0, false);
    const grads: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(this.gradsByParam())) grads[`d${k}`] = t;
    return grads;
  }

  /**
   * The backward pass after `forward`, shared by `backward` and the training path (`reuse`
   * keeps buffers). Leaves each trainable weight's gradient in `weight.grad`, with the L2
   * term (λ/m)·W added to the regularized ones.
   */
  backpropagate(Y: Tensor, loss: Loss, l2: number, reuse: boolean, dZBuffer?: Tensor): void {
    const AL = this.#output;
    if (!AL) throw new ModelError('backward: run forward first');
    if (!(Y instanceof Tensor) || Y.shape.length !== AL.shape.length || Y.shape.some((d, i) => d !== AL.shape[i])) {
      throw new ShapeError(
        `backward: Y must have the output's shape ${formatShape(AL.shape)}, received ${Y instanceof Tensor ? formatShape(Y.shape) : typeof Y}`,
      );
    }
    const layers = this.layers;
    const m = this.#m;
    let grad: Tensor | null;
    // Whether `grad` is the current layer's dZ (the fused loss, or a dZ handed down) or its dA.
    let isZ = false;
    const takesZ = this.#takesZ;
    const act = takesZ[layers.length - 1];
    if (act && loss.fusedActivation !== null && loss.fusedActivation === act.activation) {
      const dZ = dZBuffer && dZBuffer.size === AL.size ? dZBuffer : new Tensor(newData(AL), AL.shape);
      const [dz, a, y] = [dZ.data, AL.data, Y.data];
      for (let i = 0; i < a.length; i++) dz[i] = a[i] - y[i];
      grad = dZ;
      isZ = true;
    } else grad = loss.gradient(AL, Y.dtype === AL.dtype ? Y : Y.cast(AL.dtype), dZBuffer);
    // Layers under the first one with trainable weights need no gradient at all.
    const first = this.#firstTrainable;
    for (let l = layers.length - 1; l >= 0 && grad; l--) {
      const below = reuse && l > 0 ? takesZ[l - 1] : undefined;
      const result = backwardLayer(layers[l], grad, isZ, this.#caches[l], { needInput: l > first, reuse, m, below });
      if (result.dZ_prev) {
        if (!below) throw new ModelError(`${layers[l].describe()}.backward returned dZ_prev, but the layer below takes no dZ`);
        grad = result.dZ_prev;
        isZ = true;
      } else {
        grad = result.dA_prev ?? null;
        isZ = false;
      }
    }
    if (l2 > 0) addL2(this.namedWeights(), l2, m, reuse);
  }

  /** AL, the output probabilities (or values for a linear output), in inference mode. */
  predictProba(X: Tensor): Tensor {
    const ctx: ForwardContext = { training: false, reuse: false, rng: this.generator };
    let A = this.prepareInput(X);
    for (const layer of this.layers) A = forwardLayer(layer, A, ctx, false).A;
    return A;
  }

  /**
   * Predictions: 0/1 where AL > threshold for a sigmoid output (the course's predict),
   * class indices (int32, shape (m,)) for a softmax output, AL itself otherwise.
   */
  predict(X: Tensor, options: { threshold?: number } = {}): Tensor {
    checkKeys(options, 'predict', ['threshold']);
    const AL = this.predictProba(X);
    const activation = this.#outputActivation();
    if (activation === 'softmax') return argMax(AL, 0);
    if (activation !== 'sigmoid') return AL;
    const t = options.threshold ?? 0.5;
    const out = new Tensor(newData(AL), AL.shape);
    for (let i = 0; i < AL.size; i++) out.data[i] = AL.data[i] > t ? 1 : 0;
    return out;
  }

  /**
   * Scores (X, Y) in inference mode: `cost` (= `loss`, without the L2 term), `accuracy` for
   * sigmoid and softmax outputs (null otherwise), and every metric compiled or given in
   * `options.metrics`, under the keys fit's History uses.
   */
  evaluate(X: Tensor, Y: Tensor, options: EvaluateOptions = {}): EvaluateResult {
    return evaluate(this, X, Y, options);
  }

  /** Chooses loss, optimizer and L2 for `fit`/`trainStep`; keeps the current ones where not given. */
  compile(options: CompileOptions = {}): this {
    compile(this, options);
    return this;
  }

  /** Trains on (X, Y); see FitOptions. Repeated calls continue training (optimizer state kept). */
  fit(X: Tensor, Y: Tensor, options: FitOptions): History {
    // biome-ignore lint/suspicious/noFocusedTests: this is Sequential's training function, not jasmine's fit()
    return fit(this, X, Y, options);
  }

  /** One full-batch optimizer step with the compiled loss and optimizer; returns the cost before it. */
  trainStep(X: Tensor, Y: Tensor, options: { computeCost?: boolean } = {}): { iteration: number; cost: number | undefined } {
    checkKeys(options, 'trainStep', ['computeCost']);
    return trainStep(this, X, Y, options);
  }

  #outputActivation(): string {
    return this.layers[this.layers.length - 1]?.outputActivation?.activation ?? 'linear';
  }

  #ensureBuilt(): void {
    if (this.built) return;
    if (this.#inputShape === null)
      throw new ModelError('Sequential: the model is not built; pass inputUnits or inputShape, or call build() or fit first');
    this.build();
  }
}

function newData(t: Tensor): Float32Array | Float64Array {
  return t.dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size);
}

/** dW += (λ/m)·W for every regularized weight: the gradient of the course's (λ/2m)·Σ‖W‖². */
function addL2(named: readonly NamedWeight[], l2: number, m: number, reuse: boolean): void {
  const k = l2 / m;
  for (const { weight } of named) {
    if (!weight.trainable || !weight.regularized || !weight.grad) continue;
    if (!reuse) {
      weight.grad = weight.grad.add(weight.value.mul(k));
      continue;
    }
    const dw = weight.grad.data;
    const w = weight.value.data;
    for (let i = 0; i < dw.length; i++) dw[i] += k * w[i];
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
