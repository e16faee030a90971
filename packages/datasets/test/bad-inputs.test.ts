import { ArgumentTypeError, DTypeError, NeuriteError, ShapeError, tensor, ValueError } from '@neurite/tensor';
import { expectRefusal, NOT_TENSORS, numberRefusal, sample, show } from '@neurite/tensor/testing';
import { describe, it } from 'vitest';
import {
  blobs,
  encodeLabels,
  gaussianQuantiles,
  moons,
  noisyCircles,
  oneHot,
  planarFlower,
  randomMiniBatches,
  Standardizer,
  scale,
  shuffleColumns,
  spiral,
  standardize,
  trainTestSplit,
  xor,
} from '../src/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: the probe passes what TypeScript would refuse, as JavaScript callers can.
const any = (v: unknown): any => v;

const GENERATORS: [string, (o: unknown) => unknown][] = [
  ['planarFlower', (o) => planarFlower(any(o))],
  ['noisyCircles', (o) => noisyCircles(any(o))],
  ['moons', (o) => moons(any(o))],
  ['blobs', (o) => blobs(any(o))],
  ['gaussianQuantiles', (o) => gaussianQuantiles(any(o))],
  ['xor', (o) => xor(any(o))],
  ['spiral', (o) => spiral(any(o))],
];

describe('@neurite/datasets (in-memory functions) refuses bad input by name', () => {
  for (const [fn, make] of GENERATORS) {
    // 1e12 examples would not fit in memory; 1e9 would take minutes to draw: both are refused at once.
    for (const m of [0, -1, 2.5, Number.NaN, 1e9, 1e12, '400', null])
      it(`${fn}({ m: ${show(m)} })`, () => expectRefusal(() => make({ m }), numberRefusal(m), fn, 'm'));
    for (const d of ['float16', 'int32', 5])
      it(`${fn}({ dtype: ${show(d)} })`, () => expectRefusal(() => make({ dtype: d }), DTypeError, fn, 'dtype'));
    for (const r of [-1, 1.5, '1', {}])
      it(`${fn}({ rng: ${show(r)} })`, () => expectRefusal(() => make({ rng: r }), numberRefusal(r), fn, 'rng'));
  }
  for (const dtype of ['float32', 'float64'] as const) {
    const X = () => sample(dtype, [3, 8]);
    const Y = () => sample(dtype, [1, 8]);
    for (const v of NOT_TENSORS) {
      it(`shuffleColumns(${show(v)}, Y) (${dtype})`, () =>
        expectRefusal(() => shuffleColumns(any(v), Y()), NeuriteError, 'shuffleColumns', 'X'));
      it(`trainTestSplit(X, ${show(v)}) (${dtype})`, () =>
        expectRefusal(() => trainTestSplit(X(), any(v)), NeuriteError, 'trainTestSplit', 'Y'));
      it(`randomMiniBatches(${show(v)}, Y) (${dtype})`, () =>
        expectRefusal(() => randomMiniBatches(any(v), Y()), NeuriteError, 'randomMiniBatches', 'X'));
      it(`Standardizer.fit(${show(v)})`, () => expectRefusal(() => Standardizer.fit(any(v)), NeuriteError, 'Standardizer.fit', 'X'));
    }
    it(`shuffleColumns: 8 and 7 examples (${dtype})`, () =>
      expectRefusal(() => shuffleColumns(X(), sample(dtype, [1, 7])), ShapeError, 'shuffleColumns', 'X', 'Y'));
    for (const t of [0, 8, -0.5, 1.5, Number.NaN])
      it(`trainTestSplit(X, Y, { testSize: ${show(t)} }) (${dtype})`, () =>
        expectRefusal(() => trainTestSplit(X(), Y(), { testSize: t }), ValueError, 'trainTestSplit', 'testSize'));
    for (const b of [0, -1, 2.5, Number.NaN])
      it(`randomMiniBatches(X, Y, ${show(b)}) (${dtype})`, () =>
        expectRefusal(() => randomMiniBatches(X(), Y(), b), ValueError, 'randomMiniBatches', 'miniBatchSize'));
    for (const by of [0, Number.NaN, Number.POSITIVE_INFINITY])
      it(`scale(X, ${show(by)}) (${dtype})`, () => expectRefusal(() => scale(X(), by), ValueError, 'scale', 'by'));
    it(`Standardizer.transform: 2 features for 3 (${dtype})`, () =>
      expectRefusal(
        () => standardize(X()).standardizer.transform(sample(dtype, [2, 4])),
        ValueError,
        'Standardizer.transform',
        'features',
      ));
  }
  for (const labels of [[0, 1.5], [-1, 0], [Number.NaN]])
    it(`oneHot(${show(labels)})`, () => expectRefusal(() => oneHot(labels), ValueError, 'oneHot', 'label'));
  it('oneHot([0, 3], 2)', () => expectRefusal(() => oneHot([0, 3], 2), ValueError, 'oneHot', '3', '2 classes'));
  it('oneHot((2, 3) labels)', () =>
    expectRefusal(
      () =>
        oneHot(
          tensor([
            [0, 1, 0],
            [1, 0, 1],
          ]),
        ),
      ValueError,
      'oneHot',
      'labels',
    ));
  for (const l of ['abc', null, 5]) it(`oneHot(${show(l)})`, () => expectRefusal(() => oneHot(any(l)), NeuriteError, 'oneHot', 'labels'));
  for (const c of [0, 1.5, -1]) it(`oneHot([0], ${show(c)})`, () => expectRefusal(() => oneHot([0], c), ValueError, 'oneHot', 'classes'));
  it("encodeLabels('ab')", () => expectRefusal(() => encodeLabels(any('ab')), ValueError, 'encodeLabels', 'labels'));
  it("encodeLabels(['cat'], ['dog'])", () => expectRefusal(() => encodeLabels(['cat'], ['dog']), ValueError, 'encodeLabels', "'cat'"));
  it('new Standardizer({ mean: [0], std: [0] })', () =>
    expectRefusal(() => new Standardizer({ mean: [0], std: [0] }), ValueError, 'Standardizer', 'std'));
  it('new Standardizer(null)', () => expectRefusal(() => new Standardizer(any(null)), ValueError, 'Standardizer'));
  it('ArgumentTypeError is a ValueError', () =>
    expectRefusal(() => planarFlower(any({ m: '400' })), ArgumentTypeError, 'planarFlower', 'm'));
});
