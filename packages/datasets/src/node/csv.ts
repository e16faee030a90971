import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { openInputFile } from '@neurite/tensor/node';
import Papa from 'papaparse';
import { CsvAccumulator } from '../csv/accumulate.ts';
import { type CsvDataset, CsvError, type CsvOptions, delimiterOf } from '../csv/options.ts';
import { recordFeeder, type StepResult } from '../csv/parse.ts';

/**
 * A CSV file to (X, Y), streamed: papaparse reads the file chunk by chunk and each
 * record's values go straight into the growing feature buffer, so the file's text is
 * never held whole.
 */
export async function loadCsv(path: string, options: CsvOptions = {}): Promise<CsvDataset> {
  if (typeof path !== 'string' || path.length === 0)
    throw new CsvError(`loadCsv: path must be a non-empty string, received ${String(path)}`);
  // A regular file only (a FIFO would block, /dev/zero never end), read up to its size at open.
  const { fd, size } = openInputFile(path, { fn: 'loadCsv', expected: 'a CSV file', error: CsvError });
  const stream = createReadStream(path, { fd, encoding: 'utf8', start: 0, end: Math.max(size - 1, 0) });
  return readCsv(stream, { source: path, ...options });
}

/** A CSV from a Node stream or any async iterable of text chunks (e.g. a decoded fetch body). */
export function readCsv(input: NodeJS.ReadableStream | AsyncIterable<string>, options: CsvOptions = {}): Promise<CsvDataset> {
  const acc = new CsvAccumulator(options);
  const feed = recordFeeder(acc, options.source);
  const delimiter = delimiterOf(options);
  const source = input instanceof Readable ? input : Readable.from(input as AsyncIterable<string>);
  // Text, not bytes: a multi-byte character split across chunks must be decoded whole.
  if (typeof (source as Readable).setEncoding === 'function' && !(source as Readable).readableObjectMode)
    (source as Readable).setEncoding('utf8');
  const where = options.source ? `CSV '${options.source}'` : 'CSV';
  return new Promise((resolve, reject) => {
    let failure: unknown = null;
    Papa.parse<string[]>(source as unknown as File, {
      delimiter,
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
      complete: () => {
        if (failure) {
          (source as Readable).destroy?.();
          reject(failure);
          return;
        }
        try {
          resolve(acc.finish());
        } catch (err) {
          reject(err);
        }
      },
      error: (err: Error) => reject(new CsvError(`${where}: ${err.message}`)),
    });
  });
}
