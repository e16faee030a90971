import { formatShape, ShapeError, Tensor, ValueError } from '@neurite/tensor';

export interface WeightOptions {
  /**
   * Trained by the optimizer (default true). Non-trainable weights are the layer's state,
   * which it updates itself (BatchNormalization's moving mean and variance): saved in model
   * files, never handed to the optimizer, never given a gradient.
   */
  trainable?: boolean;
  /** Penalized by the model's L2 factor: (λ/2m)·‖W‖² in the cost, (λ/m)·W in the gradient. Default false (biases are not). */
  regularized?: boolean;
}

/**
 * One tensor a layer declares with `addWeight`: its local name ('W', 'b', 'gamma'), its
 * value, whether the optimizer trains it, and the gradient of the last backward pass.
 */
export class Weight {
  readonly name: string;
  readonly trainable: boolean;
  readonly regularized: boolean;
  /** dJ/d(value) from the last backward pass, the course's dW; null before one has run. */
  grad: Tensor | null = null;
  #value: Tensor;
  readonly #owner: string;

  constructor(name: string, value: Tensor, options: WeightOptions, owner: string) {
    this.name = name;
    this.#value = value;
    this.trainable = options.trainable ?? true;
    this.regularized = options.regularized ?? false;
    this.#owner = owner;
  }

  get value(): Tensor {
    return this.#value;
  }

  get shape(): readonly number[] {
    return this.#value.shape;
  }

  /** Replaces the value with a tensor of the same shape and dtype (loading a model, the course's parameters). */
  set value(t: Tensor) {
    if (!(t instanceof Tensor)) throw new ValueError(`${this.#owner}: weight '${this.name}' must be a Tensor, received ${typeof t}`);
    const old = this.#value;
    if (t.shape.length !== old.shape.length || t.shape.some((d, i) => d !== old.shape[i])) {
      throw new ShapeError(
        `${this.#owner}: weight '${this.name}' must have shape ${formatShape(old.shape)}, received ${formatShape(t.shape)}`,
      );
    }
    if (t.dtype !== old.dtype) throw new ValueError(`${this.#owner}: weight '${this.name}' is ${old.dtype}, received ${t.dtype}`);
    this.#value = t;
  }
}
