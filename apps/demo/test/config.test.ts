import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig, sameData, serializeConfig } from '../src/playground/config.ts';

describe('playground URL state', () => {
  it('round-trips every field through the query string', () => {
    const c = {
      ...DEFAULT_CONFIG,
      data: 'spiral' as const,
      noise: 25,
      trainPct: 70,
      seed: 42,
      layers: [3, 7, 2],
      activation: 'relu' as const,
      lr: 0.003,
      optimizer: 'momentum' as const,
      l2: 0.01,
      batch: 0,
    };
    expect(parseConfig(serializeConfig(c))).toEqual(c);
  });

  it('reads zero hidden layers from an empty list', () => {
    expect(parseConfig('?layers=').layers).toEqual([]);
  });

  it('falls back to the default for each invalid value, keeping the valid ones', () => {
    const c = parseConfig('?data=banana&noise=90&train=95&layers=4,99&act=swish&lr=0.02&opt=adam&batch=7&l2=0.1&seed=-3');
    expect(c.data).toBe(DEFAULT_CONFIG.data);
    expect(c.noise).toBe(DEFAULT_CONFIG.noise);
    expect(c.trainPct).toBe(DEFAULT_CONFIG.trainPct);
    expect(c.layers).toEqual(DEFAULT_CONFIG.layers);
    expect(c.activation).toBe(DEFAULT_CONFIG.activation);
    expect(c.lr).toBe(DEFAULT_CONFIG.lr);
    expect(c.batch).toBe(DEFAULT_CONFIG.batch);
    expect(c.seed).toBe(DEFAULT_CONFIG.seed);
    expect(c.optimizer).toBe('adam');
    expect(c.l2).toBe(0.1);
  });

  it('tells a data change from a network change', () => {
    expect(sameData(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, lr: 0.3, layers: [1] })).toBe(true);
    expect(sameData(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, seed: 2 })).toBe(false);
  });
});
