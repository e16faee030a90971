import { ValueError } from '@neurite/tensor';
import type { Callback } from './callbacks.ts';
import { checkKeys } from './options.ts';

export interface CsvLoggerOptions {
  /** Between fields; default ','. */
  separator?: string;
  /** Leave out the header line (appending to a file that has one); default false. */
  noHeader?: boolean;
}

/**
 * Writes History as CSV, one line per record as it is taken: a header `epoch,loss,accuracy,
 * val_loss,...` (`iteration,...` when training by iterations), then the values, printed in
 * full (JavaScript's shortest round-trip form, so a reader gets the same doubles back). `write`
 * receives each line with its newline. To write a file on Node, use `csvLogger(path)` from
 * `@neurite/layers/node`.
 */
export function csvLogger(write: (text: string) => void, options: CsvLoggerOptions = {}): Callback {
  if (typeof write !== 'function') {
    throw new ValueError(
      `csvLogger: expected a function that receives each line, received ${typeof write}; for a file use csvLogger(path) from '@neurite/layers/node'`,
    );
  }
  checkKeys(options, 'csvLogger', ['separator', 'noHeader']);
  const sep = options.separator ?? ',';
  if (typeof sep !== 'string' || sep === '' || /[\n\r"]/.test(sep)) {
    throw new ValueError(`csvLogger: separator must be a non-empty string without newlines or quotes, received ${JSON.stringify(sep)}`);
  }
  let keys: readonly string[] = [];
  return {
    onTrainBegin(info) {
      keys = info.keys;
      if (!options.noHeader) write(`${[info.unit, ...keys].join(sep)}\n`);
    },
    onRecord(e) {
      write(`${[e.at, ...keys.map((k) => (e.logs[k] === undefined ? '' : String(e.logs[k])))].join(sep)}\n`);
    },
  };
}
