/**
 * Value parsers shared by command-line flags and config files. Each takes the raw value
 * (a string from the command line, or any JSON/YAML value from a config file) and returns
 * the typed value or throws a ValueProblem saying what was expected; the caller adds which
 * flag or config key it was, so the message always names it.
 */
export class ValueProblem extends Error {
  override name = 'ValueProblem';
}

export type Parser<T> = (raw: unknown) => T;

function show(raw: unknown): string {
  return typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw);
}

function toNumber(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '') return Number(raw);
  return Number.NaN;
}

export function number(options: { min?: number; max?: number; exclusiveMin?: boolean } = {}): Parser<number> {
  return (raw) => {
    const value = toNumber(raw);
    const { min, max, exclusiveMin } = options;
    const range =
      min === undefined
        ? ''
        : max === undefined
          ? ` ${exclusiveMin ? '>' : '>='} ${min}`
          : ` in ${exclusiveMin ? '(' : '['}${min}, ${max}]`;
    if (!Number.isFinite(value)) throw new ValueProblem(`expected a number${range}, received ${show(raw)}`);
    if (min !== undefined && (exclusiveMin ? value <= min : value < min))
      throw new ValueProblem(`expected a number${range}, received ${show(raw)}`);
    if (max !== undefined && value > max) throw new ValueProblem(`expected a number${range}, received ${show(raw)}`);
    return value;
  };
}

export function integer(min = 0, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  return (raw) => {
    const value = toNumber(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
      throw new ValueProblem(`expected an integer ${range}, received ${show(raw)}`);
    }
    return value;
  };
}

export function choice<T extends string>(values: readonly T[]): Parser<T> {
  return (raw) => {
    if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as T;
    throw new ValueProblem(`expected one of ${values.join(', ')}, received ${show(raw)}`);
  };
}

export function text(what = 'a non-empty string'): Parser<string> {
  return (raw) => {
    if (typeof raw === 'number') return String(raw);
    if (typeof raw === 'string' && raw.trim() !== '') return raw;
    throw new ValueProblem(`expected ${what}, received ${show(raw)}`);
  };
}

export function boolean(): Parser<boolean> {
  return (raw) => {
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    throw new ValueProblem(`expected true or false, received ${show(raw)}`);
  };
}

/** "1,2,3" or [1, 2, 3]: each item through `item`. */
export function list<T>(item: Parser<T>, options: { min?: number } = {}): Parser<T[]> {
  return (raw) => {
    const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : [raw];
    if (items.length < (options.min ?? 1) || items.some((s) => s === '')) {
      throw new ValueProblem(`expected a comma-separated list, received ${show(raw)}`);
    }
    return items.map((value, i) => {
      try {
        return item(value);
      } catch (error) {
        if (error instanceof ValueProblem) throw new ValueProblem(`item ${i + 1}: ${error.message}`);
        throw error;
      }
    });
  };
}

/** Hidden-layer sizes: "20,7,5", or "" / [] for none (logistic regression). */
export function layerSizes(): Parser<number[]> {
  const sizes = list(integer(1, 100_000));
  return (raw) => (raw === '' || raw === 'none' || (Array.isArray(raw) && raw.length === 0) ? [] : sizes(raw));
}
