import { formatShape, ShapeError, type Tensor, type Vjp, vjp } from '@neurite/tensor';
import { ModelError } from './errors.ts';
import {
  type BackwardContext,
  type BackwardResult,
  type ForwardContext,
  forwardResult,
  type Layer,
  type OutputActivation,
} from './layer.ts';

/**
 * Forward and backward passes over a stack of layers, through the layer contract only:
 * a layer's own backward where it has one, autodiff of its forward where it does not, and
 * the fast paths it declares (outputActivation + backwardFromZ).
 */

/** The cache of a layer without a backward: the tape its forward recorded, pulled back by `vjp`. */
export class AutodiffCache {
  constructor(readonly tape: Vjp) {}
}

/** One layer's forward; `differentiable` records a tape for layers that leave backward to autodiff. */
export function forwardLayer(layer: Layer, A_prev: Tensor, ctx: ForwardContext, differentiable: boolean): { A: Tensor; cache: unknown } {
  if (!differentiable || typeof layer.backward === 'function') return forwardResult(layer.forward(A_prev, ctx), layer);
  // Only the trainable weights (and A_prev) are tracked: the layer's ops on them are recorded.
  const weights = layer.weights.filter((w) => w.trainable).map((w) => w.value);
  const tape = vjp((x: Tensor, ..._w: Tensor[]) => forwardResult(layer.forward(x, ctx), layer).A, A_prev, ...weights);
  return { A: tape.value, cache: new AutodiffCache(tape) };
}

/** The layer above wants dZ from `below` when it declares its output activation and accepts dZ. */
export function belowOf(layer: Layer | undefined): OutputActivation | undefined {
  return layer?.outputActivation && typeof layer.backwardFromZ === 'function' ? layer.outputActivation : undefined;
}

/**
 * One layer's backward from `grad`, which is its dA, or its dZ when `isZ` (the fused loss
 * gradient, or a dZ handed down by the layer above). Sets each trainable weight's `grad`.
 */
export function backwardLayer(layer: Layer, grad: Tensor, isZ: boolean, cache: unknown, ctx: BackwardContext): BackwardResult {
  let result: BackwardResult;
  if (isZ) result = (layer.backwardFromZ as NonNullable<Layer['backwardFromZ']>).call(layer, grad, cache, ctx);
  else if (cache instanceof AutodiffCache) result = autodiffBackward(layer, grad, cache, ctx);
  else if (typeof layer.backward === 'function') result = layer.backward(grad, cache, ctx);
  else throw new ModelError(`${layer.describe()}: no cache from a differentiable forward; run the model's forward first`);
  const grads = result?.grads ?? {};
  const weights = layer.weights;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!w.trainable) continue;
    const g = grads[w.name];
    if (!g) throw new ModelError(`${layer.describe()}.backward returned no gradient for its trainable weight '${w.name}'`);
    if (g !== w.grad && !sameShape(g.shape, w.shape)) {
      throw new ShapeError(
        `${layer.describe()}.backward: the gradient of '${w.name}' has shape ${formatShape(g.shape)}, the weight ${formatShape(w.shape)}`,
      );
    }
    w.grad = g;
  }
  return result;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function autodiffBackward(layer: Layer, dA: Tensor, cache: AutodiffCache, ctx: BackwardContext): BackwardResult {
  const trainable = layer.weights.filter((w) => w.trainable);
  if (!cache.tape.connected && (ctx.needInput || trainable.length > 0)) {
    throw new ModelError(
      `${layer.describe()} has no backward(), and its forward's output does not come from its input or weights through @neurite/tensor ops, so autodiff cannot differentiate it: write forward with ops, or implement backward(dA, cache, ctx)`,
    );
  }
  const [dA_prev, ...dW] = cache.tape.backward(dA);
  // Autodiff gives Σ over the batch (dA is per example); weights get the mean, as in the course.
  const grads: Record<string, Tensor> = {};
  trainable.forEach((w, i) => {
    grads[w.name] = dW[i].mul(1 / ctx.m);
  });
  return { dA_prev: ctx.needInput ? dA_prev : null, grads };
}
