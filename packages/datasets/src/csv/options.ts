import { type FloatDType, NeuriteError, type Tensor } from '@neurite/tensor';

/** A CSV that cannot become a dataset: a bad cell, a ragged row, no rows, a missing column. */
export class CsvError extends NeuriteError {
  override name = 'CsvError';
}

/** A column by header name or by 0-based index. */
export type ColumnRef = string | number;

export interface CsvOptions {
  /** The first non-empty line names the columns (default true). */
  header?: boolean;
  /** The label column; `null` for features only. Default: the last column. */
  label?: ColumnRef | null;
  /** The feature columns, in the order they become rows of X. Default: every column but the label. */
  features?: ColumnRef[];
  /**
   * How labels become Y: 'number' keeps numeric values (0/1 labels, regression
   * targets); 'class' maps each distinct label to an index into `classes`; 'auto'
   * (default) is 'number' when every label is numeric and 'class' otherwise.
   */
  labelType?: 'auto' | 'number' | 'class';
  /** Y as one-hot (classes, m) instead of (1, m) class indices; implies labelType 'class'. */
  oneHot?: boolean;
  /** A fixed class list (index = class id); default the distinct labels sorted. */
  classes?: string[];
  /** Field delimiter (default ','). */
  delimiter?: string;
  dtype?: FloatDType;
  /** The file's name or other description, for error messages. */
  source?: string;
}

export interface CsvDataset {
  /** (n_x, m), one column per CSV row. */
  X: Tensor;
  /** (1, m) labels or (classes, m) one-hot; null when `label: null`. */
  Y: Tensor | null;
  /** The class names when labels were encoded as classes (index = class id), else null. */
  classes: string[] | null;
  /** Names of the rows of X (header names, or "column <i>" without a header). */
  featureNames: string[];
  labelName: string | null;
}

/** The delimiter, checked: papaparse would otherwise guess it. */
export function delimiterOf(options: CsvOptions): string {
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length === 0 || /["\r\n]/.test(delimiter)) {
    throw new CsvError(`CSV: delimiter must be a non-empty string without quotes or newlines, received ${JSON.stringify(delimiter)}`);
  }
  return delimiter;
}
