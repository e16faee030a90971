import { didYouMean, ValueError } from '@neurite/tensor';

/**
 * Options objects are checked at run time, for plain-JavaScript callers whom TypeScript does
 * not protect: a misspelt key (`batchsize`) would otherwise be ignored without a word and the
 * run would silently do something else. `aliases` maps names users bring from other libraries
 * (`lr`, `validation_split`) to ours, so the hint is right even when the spelling is far off.
 */
export function checkKeys(
  options: unknown,
  fn: string,
  keys: readonly string[],
  arg = 'options',
  aliases: Readonly<Record<string, string>> = COMMON_ALIASES,
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(
      `${fn}: ${arg} must be an object, received ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (keys.includes(key)) continue;
    const alias = aliases[key];
    const hint = alias && keys.includes(alias) ? ` (did you mean '${alias}'?)` : didYouMean(key, keys);
    throw new ValueError(`${fn}: ${arg} has an unknown key '${key}'${hint}; expected keys among ${keys.join(', ')}`);
  }
}

/** Names from Keras, PyTorch and the course that mean one of our options. */
const COMMON_ALIASES: Readonly<Record<string, string>> = {
  lr: 'learningRate',
  learning_rate: 'learningRate',
  alpha: 'learningRate',
  batch_size: 'batchSize',
  num_epochs: 'epochs',
  num_iterations: 'iterations',
  print_cost: 'verbose',
  lambd: 'l2',
  validation_data: 'validationData',
  validation_split: 'validationSplit',
  min_delta: 'minDelta',
  restore_best_weights: 'restoreBestWeights',
  save_best_only: 'saveBestOnly',
  min_lr: 'minLearningRate',
  minLr: 'minLearningRate',
  kernel_initializer: 'kernelInitializer',
  bias_initializer: 'biasInitializer',
  use_bias: 'useBias',
};
