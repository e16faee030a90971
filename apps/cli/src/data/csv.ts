import { loadCsv as readCsvFile, Standardizer } from '@neurite/datasets/node';
import type { FloatDType } from '@neurite/tensor';
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
  const saved = like?.input.kind === 'features' ? like.input : undefined;
  const scaler = saved?.mean && saved.std ? new Standardizer({ mean: saved.mean, std: saved.std }) : Standardizer.fit(csv.X);
  const stats = scaler.toJSON();
  const input: InputSpec = { kind: 'features', names: csv.featureNames, mean: stats.mean, std: stats.std };
  return {
    description: `csv:${path} (label '${csv.labelName}')`,
    X: scaler.transform(csv.X),
    Y: csv.Y,
    classes: csv.classes,
    input,
  };
}
