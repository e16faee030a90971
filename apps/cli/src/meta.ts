import type { CliMeta } from './model.ts';
import { SETTINGS } from './options.ts';
import { choice, integer, ValueProblem } from './parse.ts';

/**
 * A checkpoint's neurite-cli.json, checked key by key before a run resumes from it: a value
 * the flags would refuse is refused here too, naming the file and the key, so a tampered or
 * truncated file cannot turn into "Trained 0 iterations" and exit 0. Throws an Error naming the
 * key; the caller names the file.
 */
export function checkMeta(raw: unknown): CliMeta {
  const fail = (key: string, problem: string): never => {
    throw new Error(`${key}: ${problem}`);
  };
  const check = (key: string, value: unknown, parse: (v: unknown) => unknown) => {
    try {
      parse(value);
    } catch (error) {
      if (error instanceof ValueProblem) fail(key, error.message);
      throw error;
    }
  };
  if (!isObject(raw)) return fail('the file', `expected a JSON object, received ${describe(raw)}`);
  if (raw.format !== 'neurite-cli') fail('format', `expected "neurite-cli", received ${describe(raw.format)}`);
  if (raw.version !== 1) fail('version', `expected 1, received ${describe(raw.version)}`);
  const settings = raw.settings;
  if (!isObject(settings)) return fail('settings', `expected an object, received ${describe(settings)}`);
  for (const spec of SETTINGS) {
    const value = settings[spec.key];
    if (value === undefined || value === null) continue;
    check(`settings.${spec.key}`, value, spec.parse);
    // The parsers also read flags, which are strings: here '0.1' must not pass for 0.1.
    const parsed = spec.parse(value);
    if (JSON.stringify(parsed) !== JSON.stringify(value))
      fail(`settings.${spec.key}`, `expected ${describe(parsed)} (a ${typeof parsed}), received ${describe(value)}`);
  }
  for (const key of ['model', 'activation', 'init', 'lr', 'seed', 'printEvery', 'layers']) {
    if (settings[key] === undefined) fail(`settings.${key}`, 'missing');
  }
  check('settings.total', settings.total, integer(1));
  check('settings.unit', settings.unit, choice(['iteration', 'epoch']));
  check('done', raw.done, integer(0, settings.total as number));
  if (typeof raw.finished !== 'boolean') fail('finished', `expected true or false, received ${describe(raw.finished)}`);
  if (!(typeof raw.seconds === 'number' && raw.seconds >= 0 && Number.isFinite(raw.seconds)))
    fail('seconds', `expected a number >= 0, received ${describe(raw.seconds)}`);
  if (typeof raw.data !== 'string') fail('data', `expected a string, received ${describe(raw.data)}`);
  const classes = raw.classes;
  if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === 'string'))
    fail('classes', `expected a list of at least 2 class names, received ${describe(classes)}`);
  const history = raw.history;
  if (!isObject(history)) return fail('history', `expected an object, received ${describe(history)}`);
  const lists = ['iterations', 'costs', 'testCosts'].map((key) => {
    const list = history[key];
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'number'))
      fail(`history.${key}`, `expected a list of numbers, received ${describe(list)}`);
    return list as number[];
  });
  const [iterations, costs, testCosts] = lists as [number[], number[], number[]];
  if (costs.length !== iterations.length || (testCosts.length !== 0 && testCosts.length !== iterations.length))
    fail('history', `iterations, costs and testCosts must have the same length, received ${lists.map((l) => l.length).join(', ')}`);
  for (const key of ['accuracies', 'testAccuracies']) {
    const list = history[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'number' && v >= 0 && v <= 1))
      return fail(`history.${key}`, `expected a list of fractions in [0, 1], received ${describe(list)}`);
    if (list.length !== 0 && list.length !== iterations.length)
      fail('history', `${key} must have one value per recorded iteration (${iterations.length}), received ${list.length}`);
  }
  const files = raw.dataFiles;
  if (files !== undefined) {
    const ok = (f: unknown) => {
      const e = f as Record<string, unknown>;
      return (
        isObject(f) &&
        typeof e.path === 'string' &&
        Number.isSafeInteger(e.bytes) &&
        (e.bytes as number) >= 0 &&
        typeof e.sha256 === 'string' &&
        /^[0-9a-f]{64}$/.test(e.sha256)
      );
    };
    if (!Array.isArray(files) || !files.every(ok))
      fail('dataFiles', `expected a list of { path, bytes, sha256 }, received ${describe(files)}`);
  }
  return raw as unknown as CliMeta;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
