import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDigitsSplit } from '@neurite/datasets';
import type { CnnFiles, CnnSpec, Workload } from '../workloads.ts';
import { neuriteLenet } from './lenet.ts';

/*
 * The LeNet workloads' inputs, written once before any runner starts: the first `examples` of
 * loadDigitsSplit's 8,000 training digits (seed 0; pixels / 255, float32) and a LeNet's initial
 * weights drawn by Neurite (seed 1, its default initializers: Glorot uniform, zero biases), in
 * Neurite's layouts. Every runner, PyTorch's included, reads these files, converting layouts
 * where its own differ, so all of them train the same network on the same digits.
 */

const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export async function useDigitFiles(workloads: readonly Workload[]): Promise<Workload[]> {
  const cnn = workloads.filter((w) => w.spec.kind === 'cnn');
  if (cnn.length === 0) return [...workloads];
  const { trainX, trainY } = await loadDigitsSplit({ rng: 0 });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'neurite-bench-digits-'));
  const m = trainX.shape[0];
  // Y one-hot with one row per example, (m, 10): the layout PyTorch and TensorFlow.js take.
  const Yrows = new Float32Array(m * 10);
  for (let c = 0; c < 10; c++) for (let j = 0; j < m; j++) Yrows[j * 10 + c] = trainY.data[c * m + j];
  const X = path.join(tmp, 'digits_X.f32');
  const Y = path.join(tmp, 'digits_Y.f32');
  writeFileSync(X, bytes(trainX.data as Float32Array));
  writeFileSync(Y, bytes(Yrows));
  const byShape = new Map<string, CnnFiles['weights']>();
  const withFiles = (spec: CnnSpec): CnnSpec => {
    const key = `${spec.filters}-${spec.dense}`;
    if (!byShape.has(key)) {
      const params = neuriteLenet(spec).params();
      byShape.set(
        key,
        Object.entries(params).map(([name, t]) => {
          const file = path.join(tmp, `${key}-${name}.f32`);
          writeFileSync(file, bytes(t.data as Float32Array));
          return { name, path: file, shape: [...t.shape] };
        }),
      );
    }
    const description = `loadDigitsSplit's 8,000 training digits (the mnist package, seed 0); initial weights from Neurite's LeNet with seed 1`;
    return { ...spec, files: { X, Y, weights: byShape.get(key) as CnnFiles['weights'], description } };
  };
  return workloads.map((w) => (w.spec.kind === 'cnn' ? { ...w, spec: withFiles(w.spec) } : w));
}

/** A float32 file as written above. */
export function readF32(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The first `n` examples of the digit files: X (n, 28, 28, 1) and Y (n, 10), row-major. */
export function digitArrays(files: CnnFiles, n: number): { X: Float32Array; Y: Float32Array } {
  return { X: readF32(files.X).subarray(0, n * 784), Y: readF32(files.Y).subarray(0, n * 10) };
}
