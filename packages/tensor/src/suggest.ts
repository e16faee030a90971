/**
 * "Did you mean …?" for misspelt names: option keys, flags, metric and layer names. One
 * helper for every package and the CLI, so a typo is answered the same way everywhere.
 *
 * The distance is Damerau–Levenshtein (an adjacent swap counts as one edit, as in
 * `batchSzie`), compared without case, so `batchsize` finds `batchSize` at distance 0. A
 * candidate is suggested when it is within a third of the name's length (at least one edit,
 * at most three): close enough to be a typo (`learnignRate`, `validationSpilt`), not a guess.
 * Failing that, a name of four letters or more that starts a candidate (`saveBest`), or that a
 * candidate of four letters or more starts (`countIncludePadding`), finds it.
 */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // Three rows of the dynamic-programming table: two back for the transposition.
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let row = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row[j] = d;
    }
    [prev2, prev, row] = [prev, row, prev2];
  }
  return prev[n];
}

/**
 * Names users bring from Keras, PyTorch and the course for one of ours: the hint is right even
 * when the spelling is far off (`lr` is two edits from `l2` but means `learningRate`).
 */
export const KNOWN_ALIASES: Readonly<Record<string, string>> = {
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
  keep_dims: 'keepDims',
  keepdims: 'keepDims',
};

/** The candidate closest to `name`, or undefined when none is close enough to be a likely typo. */
export function closestName(
  name: string,
  candidates: Iterable<string>,
  aliases: Readonly<Record<string, string>> = KNOWN_ALIASES,
): string | undefined {
  if (typeof name !== 'string' || name === '') return undefined;
  const list = [...candidates];
  const alias = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
  if (alias !== undefined && list.includes(alias)) return alias;
  candidates = list;
  const lower = name.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance && d <= limit) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined || name.length < 4) return best;
  // A truncated name (`saveBest` for `saveBestOnly`) is a likely slip too: the shortest completion;
  // so is one with a word too many (`countIncludePadding` for `countIncludePad`): the longest stem.
  for (const candidate of candidates) {
    if (candidate.toLowerCase().startsWith(lower) && (best === undefined || candidate.length < best.length)) best = candidate;
  }
  if (best !== undefined) return best;
  for (const candidate of candidates) {
    if (candidate.length >= 4 && lower.startsWith(candidate.toLowerCase()) && (best === undefined || candidate.length > best.length))
      best = candidate;
  }
  return best;
}

/** " (did you mean 'batchSize'?)", or '' when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const near = closestName(name, candidates);
  return near === undefined ? '' : ` (did you mean '${near}'?)`;
}
