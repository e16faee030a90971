import { Tensor } from '@neurite/tensor';
import { oneHot } from '../transforms.ts';
import { allocate, floatDType } from '../util.ts';
import { type ColumnRef, type CsvDataset, CsvError, type CsvOptions } from './options.ts';

/**
 * Builds a dataset record by record, so a streaming reader never holds the text:
 * feature values go into a growing Float64Array (example-major), labels are kept as
 * strings until the end decides how to encode them. Every failure throws; nothing is
 * returned half-loaded.
 */
export class CsvAccumulator {
  private readonly where: string;
  private readonly dtype;
  private names: string[] | null = null;
  private width = -1;
  private featureCols: number[] = [];
  private labelCol: number | null = null;
  private values = new Float64Array(1024);
  private labels: string[] = [];
  private m = 0;

  constructor(private readonly options: CsvOptions) {
    this.where = options.source ? `CSV '${options.source}'` : 'CSV';
    this.dtype = floatDType(options.dtype, 'CSV');
    if (options.oneHot && options.labelType === 'number')
      throw new CsvError(`${this.where}: oneHot needs labelType 'class', received 'number'`);
  }

  /** One parsed record; `line` is its 1-based line number in the text. */
  push(record: string[], line: number): void {
    if (this.width < 0) {
      this.width = record.length;
      if ((this.options.header ?? true) === true) {
        this.names = record;
        this.resolveColumns();
        return;
      }
      this.resolveColumns();
    }
    const row = this.m + 1;
    if (record.length !== this.width) {
      throw new CsvError(
        `${this.where}: row ${row} (line ${line}) has ${record.length} fields, expected ${this.width} like the ${this.names ? 'header' : 'first row'}`,
      );
    }
    const nx = this.featureCols.length;
    if ((this.m + 1) * nx > this.values.length) {
      const grown = new Float64Array(Math.max(this.values.length * 2, (this.m + 1) * nx));
      grown.set(this.values);
      this.values = grown;
    }
    const base = this.m * nx;
    for (let f = 0; f < nx; f++) {
      const c = this.featureCols[f];
      this.values[base + f] = this.number(record[c], row, line, c);
    }
    if (this.labelCol !== null) this.labels.push(record[this.labelCol]);
    this.m++;
  }

  finish(): CsvDataset {
    if (this.width < 0) throw new CsvError(`${this.where}: the file is empty (no rows)`);
    if (this.m === 0) throw new CsvError(`${this.where}: there are no data rows after the header`);
    const nx = this.featureCols.length;
    const m = this.m;
    const X = allocate(this.dtype, nx * m);
    for (let j = 0; j < m; j++) for (let f = 0; f < nx; f++) X[f * m + j] = this.values[j * nx + f];
    const featureNames = this.featureCols.map((c) => this.columnName(c));
    const labelName = this.labelCol === null ? null : this.columnName(this.labelCol);
    const { Y, classes } = this.labelCol === null ? { Y: null, classes: null } : this.encodeLabels();
    return { X: new Tensor(X, [nx, m]), Y, classes, featureNames, labelName };
  }

  private encodeLabels(): { Y: Tensor; classes: string[] | null } {
    const { labelType = 'auto', oneHot: wantOneHot = false } = this.options;
    const numeric = this.labels.map((s) => (s === '' ? Number.NaN : Number(s)));
    const allNumeric = numeric.every(Number.isFinite);
    if (labelType === 'number' || (labelType === 'auto' && allNumeric && !wantOneHot && !this.options.classes)) {
      const bad = numeric.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw this.cellError(this.labels[bad], bad + 1, null, this.labelCol!);
      const Y = allocate(this.dtype, this.m);
      Y.set(numeric);
      return { Y: new Tensor(Y, [1, this.m]), classes: null };
    }
    const classes = this.options.classes ? [...this.options.classes] : sortClasses([...new Set(this.labels)]);
    const index = new Map(classes.map((c, i) => [c, i]));
    const ids = this.labels.map((s, j) => {
      const id = index.get(s);
      if (id === undefined) {
        throw new CsvError(
          `${this.where}: row ${j + 1}, column '${this.columnName(this.labelCol!)}': label '${s}' is not one of the classes [${classes.join(', ')}]`,
        );
      }
      return id;
    });
    if (wantOneHot) return { Y: oneHot(ids, classes.length, this.dtype), classes };
    const Y = allocate(this.dtype, this.m);
    Y.set(ids);
    return { Y: new Tensor(Y, [1, this.m]), classes };
  }

  private resolveColumns(): void {
    const { label = this.width - 1, features } = this.options;
    this.labelCol = label === null ? null : this.resolve(label, 'label');
    if (features) {
      if (!Array.isArray(features) || features.length === 0)
        throw new CsvError(`${this.where}: features must be a non-empty array of column names or indices`);
      this.featureCols = features.map((f) => this.resolve(f, 'feature'));
    } else {
      this.featureCols = [...Array(this.width).keys()].filter((c) => c !== this.labelCol);
    }
    if (this.labelCol !== null && this.featureCols.includes(this.labelCol)) {
      throw new CsvError(`${this.where}: column '${this.columnName(this.labelCol)}' is both a feature and the label`);
    }
    if (this.featureCols.length === 0) throw new CsvError(`${this.where}: no feature columns (the file has ${this.width} column(s))`);
  }

  private resolve(ref: ColumnRef, role: string): number {
    const available = this.names ? `columns: ${this.names.join(', ')}` : `${this.width} columns, no header`;
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref < 0 || ref >= this.width) {
        throw new CsvError(`${this.where}: ${role} column index ${ref} is out of range (${available})`);
      }
      return ref;
    }
    if (typeof ref !== 'string') throw new CsvError(`${this.where}: ${role} column must be a name or an index, received ${typeof ref}`);
    if (!this.names)
      throw new CsvError(`${this.where}: ${role} column '${ref}' is given by name but the file has no header (use an index)`);
    const c = this.names.indexOf(ref);
    if (c < 0) throw new CsvError(`${this.where}: ${role} column '${ref}' not found (${available})`);
    return c;
  }

  private number(cell: string, row: number, line: number, col: number): number {
    const v = cell === '' ? Number.NaN : Number(cell);
    if (!Number.isFinite(v)) throw this.cellError(cell, row, line, col);
    return v;
  }

  private cellError(cell: string, row: number, line: number | null, col: number): CsvError {
    const at = line === null ? `row ${row}` : `row ${row} (line ${line})`;
    const what = cell === '' ? 'is empty' : `'${cell}' is not a number`;
    return new CsvError(`${this.where}: ${at}, column '${this.columnName(col)}' (index ${col}): ${what}`);
  }

  private columnName(c: number): string {
    return this.names ? this.names[c] : `column ${c}`;
  }
}

function sortClasses(names: string[]): string[] {
  const numeric = names.every((n) => n !== '' && Number.isFinite(Number(n)));
  return numeric ? names.sort((a, b) => Number(a) - Number(b)) : names.sort();
}
