import { UsageError } from '../errors.ts';

/**
 * The --data mini-language:
 *   planar | circles | moons | blobs | xor | spiral | gaussian      built-in generators
 *   moons:m=1000,noise=0.1,seed=3                                   ... with parameters
 *   cats:<train.h5>,<test.h5>   or   cats:<folder with both files>   the course's cat images
 *   csv:<file>                                                      a table with a label column
 *   mnist:<dir>                                                     MNIST IDX files
 *   digits   or   digits:seed=3,test=2000,train=500                  the mnist package's 10,000 digits, split by class
 */
export const GENERATORS = ['planar', 'circles', 'moons', 'blobs', 'xor', 'spiral', 'gaussian'] as const;
export type GeneratorName = (typeof GENERATORS)[number];

export type DataSpec =
  | { kind: 'generated'; name: GeneratorName; params: Record<string, number> }
  | { kind: 'cats'; train: string; test: string }
  | { kind: 'csv'; path: string }
  | { kind: 'mnist'; dir: string }
  | { kind: 'digits'; seed: number; test: number; train?: number };

/** Parameters each generator takes in a spec, beyond m and seed. */
const GENERATOR_PARAMS: Record<GeneratorName, string[]> = {
  planar: ['a'],
  circles: ['noise', 'factor'],
  moons: ['noise'],
  blobs: ['centers', 'std'],
  xor: ['noise'],
  spiral: ['noise', 'classes', 'turns'],
  gaussian: ['classes', 'cov'],
};

export function parseDataSpec(spec: string, flag = '--data'): DataSpec {
  const colon = spec.indexOf(':');
  const head = (colon < 0 ? spec : spec.slice(0, colon)).trim().toLowerCase();
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  const usage = `expected one of ${GENERATORS.join(', ')}, cats:<train.h5>,<test.h5>, csv:<file>, mnist:<dir>, digits`;
  if ((GENERATORS as readonly string[]).includes(head)) {
    return { kind: 'generated', name: head as GeneratorName, params: parseParams(head as GeneratorName, rest, flag) };
  }
  if (head === 'cats') {
    if (!rest) throw new UsageError(`${flag} cats: expected cats:<train.h5>,<test.h5> or cats:<folder>, received '${spec}'`);
    const parts = rest.split(',').map((p) => p.trim());
    if (parts.length === 1)
      return { kind: 'cats', train: joinPath(parts[0], 'train_catvnoncat.h5'), test: joinPath(parts[0], 'test_catvnoncat.h5') };
    if (parts.length !== 2 || parts.some((p) => p === '')) {
      throw new UsageError(`${flag} cats: expected two files cats:<train.h5>,<test.h5>, received '${spec}'`);
    }
    return { kind: 'cats', train: parts[0], test: parts[1] };
  }
  if (head === 'csv') {
    if (!rest) throw new UsageError(`${flag} csv: expected csv:<file>, received '${spec}'`);
    return { kind: 'csv', path: rest };
  }
  if (head === 'mnist') {
    if (!rest) throw new UsageError(`${flag} mnist: expected mnist:<folder with the IDX files>, received '${spec}'`);
    return { kind: 'mnist', dir: rest };
  }
  if (head === 'digits') {
    const params = parseKeyValues('digits', rest, ['seed', 'test', 'train'], flag);
    const test = params.test ?? 2000;
    if (!(test >= 10 && test <= 9990))
      throw new UsageError(`${flag} digits: parameter 'test' must be an integer in [10, 9990], received '${test}'`);
    const train = params.train;
    if (train !== undefined && !(train >= 10 && train <= 10000 - test)) {
      throw new UsageError(
        `${flag} digits: parameter 'train' must be an integer in [10, ${10000 - test}] (the digits not in the test set), received '${train}'`,
      );
    }
    return { kind: 'digits', seed: params.seed ?? 0, test, ...(train !== undefined ? { train } : {}) };
  }
  // A bare file name is a common slip; say what would have worked.
  const hint = /\.csv$/i.test(spec)
    ? `did you mean csv:${spec}?`
    : /\.h5$/i.test(spec)
      ? 'the cat data takes both files: cats:<train.h5>,<test.h5>'
      : undefined;
  throw new UsageError(`${flag}: unknown data '${spec}': ${usage}`, hint);
}

function parseParams(name: GeneratorName, rest: string, flag: string): Record<string, number> {
  return parseKeyValues(name, rest, ['m', 'seed', ...GENERATOR_PARAMS[name]], flag);
}

function parseKeyValues(name: string, rest: string, allowed: string[], flag: string): Record<string, number> {
  const params: Record<string, number> = {};
  if (!rest.trim()) return params;
  for (const pair of rest.split(',')) {
    const [key, value, extra] = pair.split('=').map((s) => s.trim());
    if (!key || value === undefined || extra !== undefined)
      throw new UsageError(`${flag} ${name}: expected key=value pairs, received '${pair}'`);
    if (!allowed.includes(key)) throw new UsageError(`${flag} ${name}: unknown parameter '${key}', expected one of ${allowed.join(', ')}`);
    const n = Number(value);
    if (value === '' || !Number.isFinite(n))
      throw new UsageError(`${flag} ${name}: parameter '${key}' must be a number, received '${value}'`);
    if (['m', 'seed', 'centers', 'classes', 'test', 'train'].includes(key) && !(Number.isInteger(n) && n >= 0)) {
      throw new UsageError(`${flag} ${name}: parameter '${key}' must be a non-negative integer, received '${value}'`);
    }
    params[key] = n;
  }
  return params;
}

function joinPath(dir: string, file: string): string {
  return dir.endsWith('/') ? `${dir}${file}` : `${dir}/${file}`;
}

export function describeSpec(spec: DataSpec): string {
  switch (spec.kind) {
    case 'generated': {
      const params = Object.entries(spec.params).map(([k, v]) => `${k}=${v}`);
      return params.length ? `${spec.name}:${params.join(',')}` : spec.name;
    }
    case 'cats':
      return `cats:${spec.train},${spec.test}`;
    case 'csv':
      return `csv:${spec.path}`;
    case 'mnist':
      return `mnist:${spec.dir}`;
    case 'digits': {
      const params = [
        spec.seed !== 0 ? `seed=${spec.seed}` : '',
        spec.test !== 2000 ? `test=${spec.test}` : '',
        spec.train !== undefined ? `train=${spec.train}` : '',
      ].filter(Boolean);
      return params.length ? `digits:${params.join(',')}` : 'digits';
    }
  }
}
