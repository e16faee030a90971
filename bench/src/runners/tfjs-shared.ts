import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { tfjsCnn } from '../cnn/tfjs.ts';
import { tfjsTrainer } from '../train/tfjs.ts';
import { randomData, type Workload } from '../workloads.ts';
import { type InProcessRunner, inProcess, type Prepared, type Runner } from './types.ts';

/*
 * TensorFlow.js backends share one global engine: each prepare() switches to its backend before
 * creating tensors. Every timed step reads the result back with dataSync(), otherwise an async
 * backend would be timed enqueueing work, and disposes it so memory stays flat.
 */

const require = createRequire(import.meta.url);

export async function use(backend: string): Promise<string | undefined> {
  if (backend === 'wasm') {
    // Under Node the wasm binaries are read from disk: point at the installed package's dist/.
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    setWasmPaths(`${dist}${path.sep}`);
  }
  const ok = await tf.setBackend(backend);
  if (!ok || tf.getBackend() !== backend) return `tf.setBackend('${backend}') failed (active backend: ${tf.getBackend()})`;
  return undefined;
}

function prepare(backend: string, w: Workload): Prepared {
  const s = w.spec;
  if (s.dtype !== 'float32') return 'n/a: TensorFlow.js has no float64';
  if (tf.getBackend() !== backend) return `n/a: active backend is ${tf.getBackend()}, not ${backend}`;
  if (s.kind === 'train') return tfjsTrainer(s);
  if (s.kind === 'cnn') return tfjsCnn(s);
  const make = (size: number, seed: number, shape: number[]): tf.Tensor =>
    tf.tensor(Float32Array.from(randomData(size, seed)), shape, 'float32');
  const inputs: tf.Tensor[] = [];
  let op: () => tf.Tensor | tf.Tensor[];
  switch (s.kind) {
    case 'gemm': {
      const a = make(s.M * s.K, 1, s.transA ? [s.K, s.M] : [s.M, s.K]);
      const b = make(s.K * s.N, 2, s.transB ? [s.N, s.K] : [s.K, s.N]);
      inputs.push(a, b);
      op = () => tf.matMul(a, b, s.transA, s.transB);
      break;
    }
    case 'elementwise': {
      const x = make(s.size, 3, [s.size]);
      const y = make(s.size, 4, [s.size]);
      inputs.push(x, y);
      const positive = tf.abs(x);
      inputs.push(positive);
      const ops = {
        sigmoid: () => tf.sigmoid(x),
        tanh: () => tf.tanh(x),
        exp: () => tf.exp(x),
        log: () => tf.log(positive),
        // Three kernels, as tfjs's own sigmoid gradient is written.
        sigmoidBackward: () => tf.tidy(() => tf.mul(tf.mul(x, y), tf.sub(1, y))),
        add: () => tf.add(x, y),
        mul: () => tf.mul(x, y),
        sum: () => tf.sum(x),
        copy: () => tf.clone(x),
      };
      op = ops[s.op];
      break;
    }
    case 'conv': {
      if (s.pass === 'backward' && !tf.getKernel('Conv2DBackpropFilter', backend)) {
        return `n/a: TensorFlow.js ${tf.version_core} registers no Conv2DBackpropFilter kernel for its ${backend} backend`;
      }
      // NHWC and HWIO, the course's layout and TensorFlow's default.
      const xShape: [number, number, number, number] = [s.m, s.H, s.W, s.C];
      const wShape: [number, number, number, number] = [s.f, s.f, s.C, s.F];
      const x = make(s.m * s.H * s.W * s.C, 5, xShape) as tf.Tensor4D;
      const W = make(s.f * s.f * s.C * s.F, 6, wShape) as tf.Tensor4D;
      const dZ = make(s.m * s.H * s.W * s.F, 7, [s.m, s.H, s.W, s.F]) as tf.Tensor4D;
      inputs.push(x, W, dZ);
      // The kernels tfjs's own conv2d gradient runs (tfjs-core registers no gradients by itself).
      const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, 1] };
      const run = (name: string, ins: Record<string, tf.Tensor>, extra: object) =>
        tf.engine().runKernel(name, ins as unknown as tf.NamedTensorMap, { ...attrs, ...extra } as unknown as tf.NamedAttrMap) as tf.Tensor;
      op =
        s.pass === 'forward'
          ? () => tf.conv2d(x, W, 1, 'same')
          : () => [
              run('Conv2DBackpropInput', { dy: dZ, filter: W }, { inputShape: xShape }),
              run('Conv2DBackpropFilter', { x, dy: dZ }, { filterShape: wShape }),
            ];
      break;
    }
  }
  return {
    step: () => {
      const result = op();
      for (const out of Array.isArray(result) ? result : [result]) {
        out.dataSync();
        out.dispose();
      }
    },
    dispose: () => tf.dispose(inputs),
  };
}

export function tfjsRunner(backend: 'cpu' | 'wasm', description: string, environment: () => Promise<string[]>): Runner {
  const r: InProcessRunner = {
    name: `tfjs-${backend}`,
    description,
    neurite: false,
    init: () => use(backend),
    describeEnvironment: environment,
    async prepare(w) {
      const failure = await use(backend);
      return failure ? `n/a: ${failure}` : prepare(backend, w);
    },
  };
  return inProcess(r);
}
