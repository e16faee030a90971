import type { FloatDType, Generator, Tensor } from '@neurite/tensor';
import type { InitializerConfig } from './initializers.ts';

export type ActivationName = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softmax';
export const ACTIVATIONS: readonly ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'];

export type LayerConfig =
  | {
      type: 'Dense';
      units: number;
      activation: ActivationName;
      alpha: number;
      useBias: boolean;
      kernelInitializer: InitializerConfig;
      biasInitializer: InitializerConfig;
      name?: string;
    }
  | { type: 'Dropout'; rate: number; seed?: number; name?: string };

/** What a layer keeps from its forward pass for the backward pass (the course's cache). */
export interface LayerCache {
  A_prev: Tensor;
  A: Tensor;
  W?: Tensor;
  b?: Tensor | null;
}

/**
 * A layer of a Sequential model. Examples are columns: forward maps (n[l-1], m) to
 * (n[l], m). With `reuse`, outputs and gradients go into buffers the layer keeps between
 * calls (the training fast path); without it every call returns fresh tensors.
 */
export interface Layer {
  readonly type: LayerConfig['type'];
  readonly name: string | undefined;
  readonly built: boolean;
  outputUnits(inputUnits: number): number;
  /** Draws the weights (W before b, nothing for zeros) from `rng`. */
  build(inputUnits: number, rng: Generator, dtype: FloatDType): void;
  /** Parameters by local name ('W', 'b'), empty for parameterless layers. */
  params(): Record<string, Tensor>;
  /** Gradients of the last backward pass, by the same local names. */
  grads(): Record<string, Tensor>;
  forward(A_prev: Tensor, training: boolean, reuse: boolean): Tensor;
  /** dA of the output in, dA of the input out (null when `needInput` is false). */
  backward(dA: Tensor, needInput: boolean, reuse: boolean, l2: number): Tensor | null;
  cache(): LayerCache | null;
  getConfig(): LayerConfig;
  countParams(inputUnits: number): number;
}
