import * as tf from '@tensorflow/tfjs-core';
import { tfjsRunner } from './tfjs-shared.ts';

export const tfjsCpuRunner = tfjsRunner('cpu', `TensorFlow.js ${tf.version_core} 'cpu' backend (plain JavaScript kernels)`, async () => [
  `TensorFlow.js ${tf.version_core}`,
]);
