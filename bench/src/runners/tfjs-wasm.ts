import * as tf from '@tensorflow/tfjs-core';
import { tfjsRunner, use } from './tfjs-shared.ts';

export const tfjsWasmRunner = tfjsRunner(
  'wasm',
  `TensorFlow.js ${tf.version_core} 'wasm' backend (XNNPACK compiled to WebAssembly)`,
  async () => {
    await use('wasm');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return [`tfjs-wasm: SIMD ${simd ? 'on' : 'off'}, multithreading ${threads ? 'on' : 'off'}`];
  },
);
