import { loadCsv as readCsvFile } from '@neurite/datasets/node';
import { type FloatDType, Tensor } from '@neurite/tensor';
import { UsageError } from '../errors.ts';
import type { Dataset, InputSpec } from './load.ts';

/**
 * A CSV table for classification: one row per example, a label column (--label, default the
 * last), every other column a feature. Features are standardized with the training set's
 * mean and std, which are saved with the model so `predict` scales new rows the same way.
 */
export async function loadCsv(
  path: string,
  options: { label?: string; dtype: FloatDType; like?: Pick<Dataset, 'input' | 'classes'> },
): Promise<Dataset> {
  const label = options.label === undefined ? undefined : /^\d+$/.test(options.label) ? Number(options.label) : options.label;
  const like = options.like;
  const csv = await readCsvFile(path, {
    label,
    labelType: 'class',
    dtype: options.dtype,
    classes: like?.classes,
    features: like?.input.kind === 'features' ? like.input.names : undefined,
  });
  if (!csv.Y || !csv.classes) throw new UsageError(`--label: no label column found in '${path}'`);
  if (csv.classes.length < 2 && !like) {
    throw new UsageError(
      `--label: column '${csv.labelName}' of '${path}' has a single class '${csv.classes[0]}'; a classifier needs two or more`,
    );
  }
  const stats =
    like?.input.kind === 'features' && like.input.mean ? { mean: like.input.mean, std: like.input.std ?? [] } : columnStats(csv.X);
  const input: InputSpec = { kind: 'features', names: csv.featureNames, mean: stats.mean, std: stats.std };
  return {
    description: `csv:${path} (label '${csv.labelName}')`,
    X: standardize(csv.X, stats.mean, stats.std),
    Y: csv.Y,
    classes: csv.classes,
    input,
  };
}

/** Mean and std of each feature (row of X); a constant feature gets std 1 so it maps to 0, not NaN. */
export function columnStats(X: Tensor): { mean: number[]; std: number[] } {
  const [n, m] = X.shape;
  const mean: number[] = [];
  const std: number[] = [];
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += X.data[r * m + j];
    const mu = s / m;
    let v = 0;
    for (let j = 0; j < m; j++) v += (X.data[r * m + j] - mu) ** 2;
    const sd = Math.sqrt(v / m);
    mean.push(mu);
    std.push(sd > 0 ? sd : 1);
  }
  return { mean, std };
}

export function standardize(X: Tensor, mean: number[], std: number[]): Tensor {
  const [n, m] = X.shape;
  const out = new Tensor(X.dtype === 'float64' ? new Float64Array(n * m) : new Float32Array(n * m), [n, m]);
  for (let r = 0; r < n; r++) for (let j = 0; j < m; j++) out.data[r * m + j] = (X.data[r * m + j] - mean[r]) / std[r];
  return out;
}
