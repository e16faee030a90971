import { checkOptions } from '@neurite/tensor';

/**
 * Options objects are checked at run time, for plain-JavaScript callers whom TypeScript does
 * not protect: a misspelt key (`batchsize`) would otherwise be ignored without a word and the
 * run would silently do something else. The check is @neurite/tensor's `checkOptions`, the one
 * every package uses: the message names the key and the closest valid one (`batchSize`), also
 * for names from Keras and PyTorch (`lr` → `learningRate`).
 */
export function checkKeys(options: unknown, fn: string, keys: readonly string[], arg = 'options'): void {
  checkOptions(options as object | undefined, fn, keys, arg);
}

/** The entries of a saved config that a constructor's options take: model loading names any other key itself. */
export function pickKeys(config: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in config).map((k) => [k, config[k]]));
}
