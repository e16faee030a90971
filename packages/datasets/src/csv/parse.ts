import Papa from 'papaparse';
import { CsvAccumulator } from './accumulate.ts';
import { type CsvDataset, CsvError, type CsvOptions, delimiterOf } from './options.ts';

/** One papaparse step result: a single record and the errors found in it. */
export interface StepResult {
  data: string[];
  errors: { code: string; message: string }[];
}

/**
 * Feeds papaparse's records to an accumulator, one call per record. Blank lines are
 * skipped here (not by papaparse) so `line` counts every line of the file; a record
 * spanning lines inside quotes counts as one.
 */
export function recordFeeder(acc: CsvAccumulator, source: string | undefined): (result: StepResult) => void {
  let line = 0;
  const where = source ? `CSV '${source}'` : 'CSV';
  return ({ data, errors }) => {
    line++;
    const quoteError = errors.find((e) => e.code === 'MissingQuotes' || e.code === 'InvalidQuotes');
    if (quoteError) throw new CsvError(`${where}: line ${line}: ${quoteError.message}`);
    const cells = data.map((c) => c.trim());
    if (cells.length === 1 && cells[0] === '') return;
    if (line === 1 && cells.length > 0) cells[0] = cells[0].replace(/^\ufeff/, '');
    acc.push(cells, line);
  };
}

/**
 * A CSV held in a string to (X, Y) in the course's layout: each row an example (a
 * column of X), the label column to Y. Browser-safe; for files too large to hold as
 * text, use `loadCsv` from `@neurite/datasets/node`, which streams.
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  if (typeof text !== 'string') throw new CsvError(`parseCsv: text must be a string, received ${typeof text}`);
  const acc = new CsvAccumulator(options);
  const feed = recordFeeder(acc, options.source);
  let failure: unknown = null;
  Papa.parse<string[]>(text, {
    delimiter: delimiterOf(options),
    skipEmptyLines: false,
    step: (result, parser) => {
      if (failure) return;
      try {
        feed(result as unknown as StepResult);
      } catch (err) {
        failure = err;
        parser.abort();
      }
    },
  });
  if (failure) throw failure;
  return acc.finish();
}
