import * as tf from '@tensorflow/tfjs-core';
import { tfjsRewritesFilterGrad } from '../cnn/tfjs.ts';
import { tfjsRunner, use } from './tfjs-shared.ts';

export const tfjsWasmRunner = tfjsRunner(
  'wasm',
  `TensorFlow.js ${tf.version_core} 'wasm' backend (XNNPACK compiled to WebAssembly)`,
  async () => {
    await use('wasm');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return [
      `tfjs-wasm: SIMD ${simd ? 'on' : 'off'}, multithreading ${threads ? 'on' : 'off'}`,
      ...(tfjsRewritesFilterGrad()
        ? [
            `tfjs-wasm ${tf.version_core} has no Conv2DBackpropFilter kernel: its LeNet rows compute each conv's dW as a forward tf.conv2d of transposed x and dZ (bench/src/cnn/tfjs.ts), a rewriting tfjs's own gradient does not do`,
          ]
        : []),
    ];
  },
);
