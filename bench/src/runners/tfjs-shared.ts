import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
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
  const make = (size: number, seed: number, shape: number[]): tf.Tensor =>
    tf.tensor(Float32Array.from(randomData(size, seed)), shape, 'float32');
  const inputs: tf.Tensor[] = [];
  let op: () => tf.Tensor;
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
      op = s.op === 'sigmoid' ? () => tf.sigmoid(x) : () => tf.add(x, y);
      break;
    }
  }
  return {
    step: () => {
      const out = op();
      out.dataSync();
      out.dispose();
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
