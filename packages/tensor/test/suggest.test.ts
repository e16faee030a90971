import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from '../src/index.ts';

describe('closestName: the "did you mean" of every options check', () => {
  it('counts edits as Damerau–Levenshtein: a swap of neighbours is one edit', () => {
    expect(editDistance('batchSzie', 'batchSize')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  const keys = ['iterations', 'epochs', 'batchSize', 'learningRate', 'l2', 'validationSplit', 'validationData', 'saveBestOnly'];
  it.each([
    ['batchsize', 'batchSize'], // case only
    ['batch_size', 'batchSize'], // Keras's name
    ['batchSzie', 'batchSize'], // a swap
    ['epoch', 'epochs'],
    ['learnignRate', 'learningRate'],
    ['validationSpilt', 'validationSplit'],
    ['lr', 'learningRate'], // an alias: two edits from 'l2', but it means the learning rate
    ['saveBest', 'saveBestOnly'], // a truncated name
  ])('%s -> %s', (typo, want) => {
    expect(closestName(typo, keys)).toBe(want);
  });

  it('suggests nothing for a name that is not a likely slip', () => {
    expect(closestName('momentum', keys)).toBeUndefined();
    expect(closestName('x', keys)).toBeUndefined();
    expect(didYouMean('momentum', keys)).toBe('');
    expect(didYouMean('epoch', keys)).toBe(" (did you mean 'epochs'?)");
  });
});
