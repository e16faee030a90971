/**
 * @neurite/datasets/node: loaders that read files by path (Node and Deno). Re-exports
 * the browser-safe entry so one import serves a script.
 */
export * from '../index.ts';
export { type CatDataset, type LoadCatOptions, loadCatDataset } from './cat.ts';
export { loadCsv, readCsv } from './csv.ts';
export { Hdf5Error, listHdf5Datasets, type ReadHdf5Options, readHdf5, readHdf5Strings } from './hdf5.ts';
export { loadImage, loadImages, readImage } from './images.ts';
export { loadMnist, type MnistDataset, readIdx } from './mnist.ts';
