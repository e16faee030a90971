import { readFileSync } from 'node:fs';
import { planarFlower } from '@neurite/datasets';
import { Generator } from '@neurite/tensor';
import type { TrainSpec } from '../workloads.ts';

/*
 * The training workloads' inputs as plain float32 arrays, identical in every JavaScript runner
 * (python/bench_train.py builds the same values with numpy's legacy RandomState, whose stream
 * Neurite's Generator reproduces), so all runners train the same model on the same data and
 * their costs can be compared.
 */

export interface TrainArrays {
  /** (n_x, m), row-major, one example per column. */
  X: Float32Array;
  /** (1, m), 0/1 labels. */
  Y: Float32Array;
}

export function trainArrays(spec: TrainSpec): TrainArrays {
  const [nx] = spec.dims;
  const { m } = spec;
  const data = spec.data;
  switch (data.source) {
    case 'random': {
      // np.random.RandomState(seed).rand(n_x, m), then m more draws whose `positives` smallest
      // mark the cats: the course's class balance without its images.
      const rng = new Generator(data.seed);
      const X = new Float32Array(nx * m);
      for (let i = 0; i < X.length; i++) X[i] = rng.random();
      const u = Float64Array.from({ length: m }, () => rng.random());
      const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => u[a] - u[b]);
      const Y = new Float32Array(m);
      for (const j of order.slice(0, data.positives)) Y[j] = 1;
      return { X, Y };
    }
    case 'planar': {
      const { X, Y } = planarFlower({ m, dtype: 'float32' });
      return { X: X.data as Float32Array, Y: Y.data as Float32Array };
    }
    case 'files':
      return { X: readFloat32(data.X, nx * m), Y: readFloat32(data.Y, m) };
  }
}

function readFloat32(file: string, size: number): Float32Array {
  const bytes = readFileSync(file);
  if (bytes.byteLength !== size * 4) throw new Error(`${file}: expected ${size} float32 values, found ${bytes.byteLength} bytes`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, size).slice();
}

export interface LayerWeights {
  W: Float32Array;
  b: Float32Array;
  /** (n[l], n[l-1]) */
  shape: [number, number];
}

/**
 * The course's initial weights, drawn layer by layer (W, then b = zeros, which draws nothing):
 * zeros (week 2), randn·0.01 (week 3), randn/√n[l-1] (week 4). Neurite's runners use the
 * library's own initializers instead; equal costs across runners check both.
 */
export function initialWeights(spec: TrainSpec): LayerWeights[] {
  const rng = new Generator(spec.weightSeed);
  return spec.dims.slice(1).map((n, l) => {
    const nPrev = spec.dims[l];
    const W = new Float32Array(n * nPrev);
    const root = Math.sqrt(nPrev);
    const draw = spec.init === 'courseDeep' ? () => rng.normal() / root : () => rng.normal() * 0.01;
    if (spec.init !== 'zeros') for (let i = 0; i < W.length; i++) W[i] = draw();
    return { W, b: new Float32Array(n), shape: [n, nPrev] };
  });
}
