export * from './activations.ts';
export { type Conv2dGradOptions, type Conv2dOptions, conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.ts';
export * from './elementwise.ts';
export * from './layout.ts';
export * from './linalg.ts';
export { type PadWidth, pad } from './pad.ts';
export { type AvgPool2dOptions, avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward, type Pool2dOptions } from './pool.ts';
export * from './reduce.ts';
export type { Padding, Pair } from './window.ts';
