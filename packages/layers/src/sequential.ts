import { getLoss, type Loss, type LossName } from '@neurite/losses';
import type { Optimizer } from '@neurite/optimizers';
import {
  argMax,
  type FloatDType,
  formatShape,
  type Generator,
  NeuriteError,
  ShapeError,
  Tensor,
  toGenerator,
  ValueError,
} from '@neurite/tensor';
import type { History } from './callbacks.ts';
import { Dense } from './dense.ts';
import { Dropout } from './dropout.ts';
import { ModelError } from './errors.ts';
import type { Layer, LayerCache } from './layer.ts';
import { summarize } from './summary.ts';
import { type CompileOptions, compile, type FitOptions, fit, trainStep } from './training.ts';

export interface SequentialOptions {
  /** n_x, the number of input features; otherwise taken from the first X seen. */
  inputUnits?: number;
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
}

/**
 * A stack of layers, examples as columns: X (n_x, m) → AL (n_L, m). Weights are drawn
 * layer by layer in order (W before b) from one generator, so a seeded model starts
 * from the course's weights. Training lives in `fit`/`trainStep` (see training.ts).
 */
export class Sequential {
  readonly layers: Layer[] = [];
  readonly dtype: FloatDType;
  readonly name: string | undefined;
  inputUnits: number | null;
  /** Optimizer steps taken so far, over every fit/trainStep call. */
  iteration = 0;
  compiled: Compiled | null = null;
  private readonly rng: Generator;

  constructor(options: SequentialOptions = {}) {
    this.dtype = options.dtype ?? 'float32';
    if (this.dtype !== 'float32' && this.dtype !== 'float64') {
      throw new ValueError(`Sequential: dtype must be 'float32' or 'float64', received ${JSON.stringify(options.dtype)}`);
    }
    if (options.inputUnits !== undefined && (!Number.isInteger(options.inputUnits) || options.inputUnits <= 0)) {
      throw new ValueError(`Sequential: inputUnits must be a positive integer, received ${String(options.inputUnits)}`);
    }
    this.inputUnits = options.inputUnits ?? null;
    this.rng = toGenerator(options.seed ?? 0);
    this.name = options.name;
    for (const layer of options.layers ?? []) this.add(layer);
  }

  add(layer: Layer): this {
    if (!(layer instanceof Dense) && !(layer instanceof Dropout) && typeof (layer as Layer)?.forward !== 'function') {
      throw new NeuriteError(`Sequential.add: expected a layer (Dense, Dropout, ...), received ${typeof layer}`);
    }
    if (this.built) throw new ModelError('Sequential.add: the model is already built; add every layer before training');
    this.layers.push(layer);
    return this;
  }

  get built(): boolean {
    return this.layers.length > 0 && this.layers.every((l) => l.built);
  }

  /** Draws every layer's weights, in order, from the model's generator. */
  build(inputUnits = this.inputUnits ?? undefined): this {
    if (inputUnits === undefined)
      throw new ModelError('Sequential.build: the input size is unknown; pass inputUnits to the constructor or to build()');
    if (this.layers.length === 0) throw new ModelError('Sequential.build: the model has no layers; add at least one Dense layer');
    this.inputUnits = inputUnits;
    let units = inputUnits;
    for (const layer of this.layers) {
      if (!layer.built) layer.build(units, this.rng, this.dtype);
      units = layer.outputUnits(units);
    }
    return this;
  }

  get outputUnits(): number {
    return this.layers.reduce((u, l) => l.outputUnits(u), this.inputUnits ?? 0);
  }

  /** The Dense layers, whose parameters are named W1, b1, W2, ... as in the course. */
  get denseLayers(): Dense[] {
    return this.layers.filter((l): l is Dense => l instanceof Dense);
  }

  /** The course's parameters dict: {W1, b1, ..., WL, bL} (the tensors themselves, not copies). */
  params(): Record<string, Tensor> {
    this.ensureBuilt();
    const out: Record<string, Tensor> = {};
    this.denseLayers.forEach((layer, i) => {
      for (const [k, t] of Object.entries(layer.params())) out[`${k}${i + 1}`] = t;
    });
    return out;
  }

  /** Gradients of the last backward pass under the parameters' names (W1 → dW1 values). */
  gradsByParam(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    this.denseLayers.forEach((layer, i) => {
      for (const [k, t] of Object.entries(layer.grads())) out[`${k}${i + 1}`] = t;
    });
    return out;
  }

  /** Sets weights from a {W1, b1, ...} record (for example the course's initializeParametersDeep). */
  setParams(params: Record<string, Tensor>): this {
    if (!this.built) this.build(params.W1?.shape[1]);
    this.denseLayers.forEach((layer, i) => {
      const W = params[`W${i + 1}`];
      const b = params[`b${i + 1}`] ?? null;
      if (!(W instanceof Tensor)) throw new ValueError(`Sequential.setParams: missing W${i + 1}`);
      if (W.dtype !== this.dtype) throw new ValueError(`Sequential.setParams: W${i + 1} is ${W.dtype}, the model is ${this.dtype}`);
      layer.setWeights(W, b);
    });
    return this;
  }

  countParams(): number {
    let units = this.inputUnits ?? 0;
    let total = 0;
    for (const l of this.layers) {
      total += l.countParams(units);
      units = l.outputUnits(units);
    }
    return total;
  }

  /** A table of layers, output shapes and parameter counts. */
  summary(): string {
    return summarize(this);
  }

  /** Checks X and builds the model on first use. */
  prepareInput(X: Tensor, arg = 'X'): Tensor {
    if (!(X instanceof Tensor)) throw new NeuriteError(`${arg} must be a Tensor, received ${typeof X}`);
    if (X.rank !== 2) throw new ShapeError(`${arg} must be 2-D (n_x, m) with one example per column, received ${formatShape(X.shape)}`);
    if (!this.built) this.build(this.inputUnits ?? X.shape[0]);
    if (X.shape[0] !== this.inputUnits) {
      throw new ShapeError(
        `${arg} must have ${this.inputUnits} rows (features) and one column per example, received ${formatShape(X.shape)}`,
      );
    }
    return X.dtype === this.dtype ? X : X.cast(this.dtype);
  }

  /** Forward pass; returns AL and each layer's cache ({A_prev, W, b, A}). Fresh tensors. */
  forward(X: Tensor, options: { training?: boolean } = {}): { AL: Tensor; caches: LayerCache[] } {
    let A = this.prepareInput(X);
    for (const layer of this.layers) A = layer.forward(A, options.training ?? false, false);
    return { AL: A, caches: this.layers.map((l) => l.cache() as LayerCache) };
  }

  /**
   * Backward pass after `forward`: the course's grads dict {dW1, db1, ...}. With a sigmoid
   * (softmax) output and binary (categorical) cross-entropy, dZ_L = AL − Y directly.
   */
  backward(Y: Tensor, options: { loss?: Loss | LossName; l2?: number } = {}): Record<string, Tensor> {
    const loss = getLoss(options.loss ?? this.compiled?.loss ?? 'binaryCrossEntropy');
    this.backpropagate(Y, loss, options.l2 ?? 0, false);
    const grads: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(this.gradsByParam())) grads[`d${k}`] = t;
    return grads;
  }

  /** Shared by `backward` and the training fast path (`reuse` keeps buffers). */
  backpropagate(Y: Tensor, loss: Loss, l2: number, reuse: boolean, dZBuffer?: Tensor): void {
    const last = this.layers[this.layers.length - 1];
    const AL = last.cache()?.A;
    if (!AL) throw new ModelError('backward: run forward first');
    if (!(Y instanceof Tensor) || Y.shape[0] !== AL.shape[0] || Y.shape[1] !== AL.shape[1]) {
      throw new ShapeError(
        `backward: Y must have the output's shape ${formatShape(AL.shape)}, received ${Y instanceof Tensor ? formatShape(Y.shape) : typeof Y}`,
      );
    }
    let grad: Tensor | null;
    // Whether `grad` is the current layer's dZ (fused loss, or the fused step above) or its dA.
    let isZ = false;
    if (last instanceof Dense && loss.fusedActivation !== null && loss.fusedActivation === last.activation) {
      const dZ = dZBuffer ?? new Tensor(AL.dtype === 'float64' ? new Float64Array(AL.size) : new Float32Array(AL.size), AL.shape);
      const [dz, a, y] = [dZ.data, AL.data, Y.data];
      for (let i = 0; i < a.length; i++) dz[i] = a[i] - y[i];
      grad = dZ;
      isZ = true;
    } else grad = loss.gradient(AL, Y.dtype === AL.dtype ? Y : Y.cast(AL.dtype), dZBuffer);
    for (let l = this.layers.length - 1; l >= 0 && grad; l--) {
      const layer = this.layers[l];
      if (!(layer instanceof Dense)) {
        grad = layer.backward(grad, l > 0, reuse, l2);
        isZ = false;
        continue;
      }
      // Training fast path: a Dense layer over another one hands it dZ directly.
      const under = reuse && l > 0 ? this.layers[l - 1] : undefined;
      const below =
        under instanceof Dense && under.activation !== 'softmax' ? { activation: under.activation, alpha: under.alpha } : undefined;
      grad = isZ ? layer.backwardFromZ(grad, l > 0, reuse, l2, below) : layer.backward(grad, l > 0, reuse, l2, below);
      isZ = below !== undefined;
    }
  }

  /** AL, the output probabilities (or values for a linear output). */
  predictProba(X: Tensor): Tensor {
    return this.forward(X).AL;
  }

  /**
   * Predictions: 0/1 where AL > threshold for one sigmoid unit (the course's predict),
   * class indices (int32, shape (m,)) for a softmax output, AL itself otherwise.
   */
  predict(X: Tensor, options: { threshold?: number } = {}): Tensor {
    const AL = this.predictProba(X);
    const last = this.layers[this.layers.length - 1];
    const activation = last instanceof Dense ? last.activation : 'linear';
    if (activation === 'softmax') return argMax(AL, 0);
    if (activation !== 'sigmoid') return AL;
    const t = options.threshold ?? 0.5;
    const out = new Tensor(AL.dtype === 'float64' ? new Float64Array(AL.size) : new Float32Array(AL.size), AL.shape);
    for (let i = 0; i < AL.size; i++) out.data[i] = AL.data[i] > t ? 1 : 0;
    return out;
  }

  /** Cost (without the L2 term) and accuracy (for sigmoid and softmax outputs) on (X, Y). */
  evaluate(X: Tensor, Y: Tensor, options: { loss?: Loss | LossName } = {}): { cost: number; accuracy: number | null } {
    const loss = getLoss(options.loss ?? this.compiled?.loss ?? 'binaryCrossEntropy');
    const AL = this.predictProba(X);
    const Yc = Y.dtype === AL.dtype ? Y : Y.cast(AL.dtype);
    const cost = loss.value(AL, Yc);
    const last = this.layers[this.layers.length - 1];
    const activation = last instanceof Dense ? last.activation : 'linear';
    let accuracy: number | null = null;
    const m = AL.shape[1];
    if (activation === 'sigmoid') {
      let right = 0;
      for (let i = 0; i < AL.size; i++) if ((AL.data[i] > 0.5 ? 1 : 0) === Yc.data[i]) right++;
      accuracy = right / AL.size;
    } else if (activation === 'softmax') {
      const p = argMax(AL, 0).data;
      const y = argMax(Yc, 0).data;
      let right = 0;
      for (let j = 0; j < m; j++) if (p[j] === y[j]) right++;
      accuracy = right / m;
    }
    return { cost, accuracy };
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
    return trainStep(this, X, Y, options);
  }

  private ensureBuilt(): void {
    if (!this.built) {
      if (this.inputUnits === null)
        throw new ModelError('Sequential: the model is not built; pass inputUnits or call build(n_x) or fit first');
      this.build();
    }
  }
}
