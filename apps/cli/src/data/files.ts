import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readInputFile } from '@neurite/tensor/node';
import { UsageError } from '../errors.ts';
import { type DataSpec, parseDataSpec } from './spec.ts';

/**
 * A model folder is input like any other file: a neurite-cli.json edited to say
 * `"data": "csv:/etc/passwd"` must not make `neurite evaluate` (or `train --resume`) read that
 * file and quote its first line in an error. So training records the size and SHA-256 of each
 * data file it read, and a later command reads a data file named by the folder, not by the
 * user, only when it is one of those, unchanged (the size is compared before any byte is read).
 */
export interface DataFile {
  /** The absolute path, as resolved when training read it. */
  path: string;
  bytes: number;
  sha256: string;
}

/** The files a data spec reads (none for generated data), as absolute paths. */
export function specFiles(spec: DataSpec): string[] {
  switch (spec.kind) {
    case 'generated':
    case 'digits':
      // The digits come from the installed mnist package, not from a file the user named.
      return [];
    case 'cats':
      return [resolve(spec.train), resolve(spec.test)];
    case 'csv':
      return [resolve(spec.path)];
    case 'mnist': {
      let names: string[] = [];
      try {
        names = readdirSync(spec.dir).filter((f) => /-ubyte(\.gz)?$/.test(f));
      } catch {
        // A missing folder records nothing; loading it reports the folder.
      }
      return names.sort().map((f) => resolve(join(spec.dir, f)));
    }
  }
}

function sha256(path: string): string {
  return createHash('sha256')
    .update(readInputFile(path, { fn: 'neurite', expected: 'a data file' }))
    .digest('hex');
}

/** Size and digest of the files the specs read, recorded in neurite-cli.json. */
export function fingerprint(specs: (string | undefined)[]): DataFile[] {
  const paths = new Set(specs.flatMap((s) => (s ? specFiles(parseDataSpec(s)) : [])));
  return [...paths].map((path) => ({ path, bytes: statSync(path).size, sha256: sha256(path) }));
}

/**
 * Refuses a data spec that came from a model folder (not from the user) when it would read a
 * file training did not record, or one that changed since. `what` says where the spec came
 * from, `flag` how the user names data instead.
 */
export function checkRecordedData(spec: string, recorded: DataFile[] | undefined, what: string, flag: string): void {
  const files = specFiles(parseDataSpec(spec));
  for (const path of files) {
    const entry = recorded?.find((f) => f.path === path);
    let why: string | null = null;
    if (!recorded) why = 'the folder records no fingerprint of its data files (written by an older neurite, or edited)';
    else if (!entry) why = `'${path}' is not among the files it records`;
    else {
      let size = -1;
      try {
        size = statSync(path).size;
      } catch {
        why = `'${path}' no longer exists`;
      }
      if (!why && (size !== entry.bytes || sha256(path) !== entry.sha256)) why = `'${path}' changed since training`;
    }
    if (why) {
      throw new UsageError(
        `${what} says the model was trained on '${spec}', but ${why}; a model folder does not choose which of your files neurite reads`,
        `give ${flag} to name the data`,
      );
    }
  }
}
