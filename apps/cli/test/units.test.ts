import { describe, expect, it } from 'vitest';
import { parseDataSpec } from '../src/data/spec.ts';
import { classificationMetrics, predictClasses } from '../src/metrics.ts';
import { integer, layerSizes, list, number, ValueProblem } from '../src/parse.ts';
import { niceTicks, renderSvg } from '../src/plot.ts';
import { resolveSettings } from '../src/resolve.ts';

describe('metrics', () => {
  it('confusion matrix, precision, recall and F1 by hand', () => {
    // true:      1 1 1 1 0 0 0 0 0 0
    // predicted: 1 1 1 0 1 0 0 0 0 0   -> TP 3, FN 1, FP 1, TN 5
    const m = classificationMetrics([1, 1, 1, 0, 1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], 2);
    expect(m.confusion).toEqual([
      [5, 1],
      [1, 3],
    ]);
    expect(m.accuracy).toBe(0.8);
    expect(m.precision).toBe(0.75);
    expect(m.recall).toBe(0.75);
    expect(m.f1).toBe(0.75);
    expect(m.perClass[0]).toEqual({ precision: 5 / 6, recall: 5 / 6, f1: 5 / 6, support: 6 });
  });

  it('a class never predicted scores 0, not NaN; several classes average per class', () => {
    const m = classificationMetrics([0, 0, 1, 1], [0, 2, 1, 2], 3);
    expect(m.confusion).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
    ]);
    expect(m.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(m.precision).toBeCloseTo((0.5 + 0.5 + 0) / 3, 15);
    expect(m.recall).toBeCloseTo((1 + 1 + 0) / 3, 15);
  });

  it('predictClasses: A > 0.5 for one unit (0.5 itself is 0, as the course), argmax for several', () => {
    expect([...predictClasses({ data: [0.2, 0.5, 0.51], shape: [1, 3] })]).toEqual([0, 0, 1]);
    expect([...predictClasses({ data: [0.1, 0.7, 0.6, 0.2, 0.3, 0.2], shape: [2, 3] })]).toEqual([1, 0, 0]);
  });
});

describe('plot', () => {
  it('ticks are 1, 2, 2.5 or 5 times a power of ten and cover the range', () => {
    expect(niceTicks(0, 0.69)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 10000)).toEqual([0, 2000, 4000, 6000, 8000, 10000]);
    expect(niceTicks(0, 2499)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
  });

  it('maps points into the frame and breaks the line at NaN', () => {
    const svg = renderSvg(
      [
        {
          name: 'train',
          points: [
            [0, 1],
            [5, Number.NaN],
            [10, 0],
          ],
        },
      ],
      { title: 't', xLabel: 'x', yLabel: 'y', width: 296, height: 300 },
    );
    // x ticks 0..10 and y ticks 0..1 span the plot area, x in [72, 272] and y in [44, 244] (margins 72/24/44/56).
    expect(svg).toContain('d="M72.0,44.0M272.0,244.0"');
  });
});

describe('option parsing', () => {
  it('numbers, integers and lists name what was expected', () => {
    expect(number({ min: 0, exclusiveMin: true })('1e-3')).toBe(0.001);
    expect(() => number({ min: 0, exclusiveMin: true })('0')).toThrow(new ValueProblem("expected a number > 0, received '0'"));
    expect(() => integer(1)('2.5')).toThrow("expected an integer >= 1, received '2.5'");
    expect(list(number())('0.01, 0.001')).toEqual([0.01, 0.001]);
    expect(() => list(integer(1))('1,x')).toThrow("item 2: expected an integer >= 1, received 'x'");
    expect(layerSizes()('20,7,5')).toEqual([20, 7, 5]);
  });

  it('data specs', () => {
    expect(parseDataSpec('planar')).toEqual({ kind: 'generated', name: 'planar', params: {} });
    expect(parseDataSpec('moons:m=100,noise=0.1')).toEqual({ kind: 'generated', name: 'moons', params: { m: 100, noise: 0.1 } });
    expect(parseDataSpec('cats:a.h5,b.h5')).toEqual({ kind: 'cats', train: 'a.h5', test: 'b.h5' });
    expect(parseDataSpec('cats:/data')).toEqual({ kind: 'cats', train: '/data/train_catvnoncat.h5', test: '/data/test_catvnoncat.h5' });
    expect(() => parseDataSpec('iris.csv')).toThrow("--data: unknown data 'iris.csv'");
  });

  it("presets are the course's models", () => {
    const shallow = resolveSettings({});
    expect([
      shallow.model,
      shallow.layers,
      shallow.activation,
      shallow.init,
      shallow.seed,
      shallow.lr,
      shallow.total,
      shallow.printEvery,
    ]).toEqual(['shallow', [4], 'tanh', 'small', 2, 1.2, 10000, 1000]);
    const deep = resolveSettings({ data: 'cats:a.h5,b.h5' });
    expect([deep.model, deep.layers, deep.activation, deep.init, deep.seed, deep.lr, deep.total]).toEqual([
      'deep',
      [20, 7, 5],
      'relu',
      'scaled',
      1,
      0.0075,
      2500,
    ]);
    const logistic = resolveSettings({ model: 'logistic' });
    expect([logistic.layers, logistic.init, logistic.lr, logistic.total, logistic.printEvery]).toEqual([[], 'zeros', 0.005, 2000, 100]);
  });
});
