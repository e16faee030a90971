/**
 * @neurite/datasets: the course's data in the course's layout, X (n_x, m) with one
 * column per example and Y (1, m) or one-hot (classes, m). This entry is browser-safe:
 * generators, transforms, one-hot, CSV from a string, image decoding from bytes, IDX
 * from bytes. File-path loaders live in `@neurite/datasets/node`.
 */

export { CsvAccumulator } from './csv/accumulate.ts';
export { type ColumnRef, type CsvDataset, CsvError, type CsvOptions } from './csv/options.ts';
export { parseCsv } from './csv/parse.ts';
export {
  type Digits,
  DigitsError,
  type DigitsOptions,
  type DigitsSplit,
  type DigitsSplitOptions,
  loadDigits,
  loadDigitsSplit,
} from './digits.ts';
export { type SpiralOptions, spiral, type XorOptions, xor } from './generators/playground.ts';
export type { Labeled } from './generators/points.ts';
export {
  type BlobsOptions,
  blobs,
  type CirclesOptions,
  type GaussianQuantilesOptions,
  type GeneratorOptions,
  gaussianQuantiles,
  type MoonsOptions,
  moons,
  noisyCircles,
} from './generators/sklearn.ts';
export { gunzip, type IdxArray, IdxError, isGzip, type MnistOptions, mnistFromIdx, parseIdx } from './idx.ts';
export { decodeImage, type ImageFormat, sniffFormat } from './images/decode.ts';
export { flattenImages } from './images/flatten.ts';
export { DEFAULT_MAX_PIXELS, type ImageLimitOptions } from './images/header.ts';
export { ImageError, type RgbImage } from './images/image.ts';
export { type ImageToColumnOptions, imagesToMatrix, imageToColumn, type PrepareImageOptions, prepareImage } from './images/prepare.ts';
export { type ResizeMethod, resizeImage } from './images/resize.ts';
export { MissingDependencyError } from './optional.ts';
export { type PlanarFlowerOptions, planarFlower } from './planar.ts';
export { type IndexSplit, type StratifiedSplitOptions, stratifiedSplit, takeExamples } from './stratified.ts';
export {
  encodeLabels,
  type MiniBatch,
  oneHot,
  randomMiniBatches,
  type Split,
  type SplitOptions,
  Standardizer,
  type StandardizerState,
  scale,
  shuffleColumns,
  standardize,
  trainTestSplit,
} from './transforms.ts';
export type { RngOption } from './util.ts';
