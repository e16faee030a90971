import type { Sequential } from './sequential.ts';

/**
 * A copy of every weight of a model, trainable and not (BatchNormalization's moving
 * statistics too), kept in buffers allocated once and refilled on each `take`: restoring it
 * gives back the same bits. Used by earlyStopping's restoreBestWeights.
 */
export class WeightSnapshot {
  #copies: (Float32Array | Float64Array)[] = [];
  #taken = false;

  get taken(): boolean {
    return this.#taken;
  }

  take(model: Sequential): void {
    const weights = model.namedWeights();
    if (this.#copies.length !== weights.length) this.#copies = weights.map(({ weight }) => weight.value.data.slice() as Float32Array);
    else for (let i = 0; i < weights.length; i++) this.#copies[i].set(weights[i].weight.value.data as ArrayLike<number>);
    this.#taken = true;
  }

  /** Writes the copy back into the model's weight tensors, in place. */
  restore(model: Sequential): void {
    if (!this.#taken) return;
    model.namedWeights().forEach(({ weight }, i) => {
      weight.value.data.set(this.#copies[i]);
    });
  }
}
