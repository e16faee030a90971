import type { Tensor } from './tensor.ts';

/**
 * numpy's repr, closely enough that output can be compared by eye with a notebook:
 * `tensor([[ 1.5, -2. ], [ 3. , 4. ]], dtype=float32)`, eight significant decimals at most,
 * scientific notation when magnitudes span too much, and '...' past 1000 elements.
 */
const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE = 3;

export function formatTensor(t: Tensor): string {
  const summarize = t.size > THRESHOLD;
  const values = collect(t, summarize);
  const cell = makeCellFormatter(values, t.dtype === 'int32', t.dtype === 'float32');
  const prefix = 'tensor(';
  const body = t.rank === 0 ? cell(t.data[0]) : formatDim(t, 0, 0, cell, prefix.length + 1, summarize);
  return `${prefix}${body}, dtype=${t.dtype})`;
}

function collect(t: Tensor, summarize: boolean): number[] {
  if (!summarize) return Array.from(t.data);
  // Only the printed corners decide the format, as in numpy.
  return [...Array.from(t.data.subarray(0, EDGE)), ...Array.from(t.data.subarray(t.size - EDGE))];
}

function makeCellFormatter(values: number[], integer: boolean, f32: boolean): (v: number) => string {
  const finite = values.filter(Number.isFinite);
  const abs = finite.map(Math.abs).filter((v) => v !== 0);
  const max = abs.length ? Math.max(...abs) : 0;
  const min = abs.length ? Math.min(...abs) : 0;
  const scientific = !integer && abs.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
  const allIntegral = finite.every(Number.isInteger);
  let text: (v: number) => string;
  if (integer) text = (v) => String(v);
  else if (scientific) {
    const digits = Math.max(0, ...finite.map((v) => mantissaDigits(shortest(v, f32))));
    text = (v) => {
      const [m, e] = v.toExponential(digits).split('e');
      const exp = Number(e);
      return `${m.includes('.') ? m : `${m}.`}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    };
  } else if (allIntegral) text = (v) => `${v}.`;
  else text = (v) => fixed(v, f32);
  // Widths come from the finite values only; nan and inf are then right-aligned in that width, as numpy does.
  const strings = finite.map(text);
  const intWidth = Math.max(...strings.map((s) => s.split('.')[0].length), 0);
  const fracWidth = Math.max(...strings.map((s) => (s.includes('.') ? s.split('.')[1].length : 0)), 0);
  const dotted = strings.some((s) => s.includes('.'));
  return (v) => {
    const s = special(v) ?? text(v);
    const [whole, frac] = s.split('.');
    if (frac === undefined) return s.padStart(intWidth + (dotted ? fracWidth + 1 : 0));
    return `${whole.padStart(intWidth)}.${frac.padEnd(fracWidth)}`;
  };
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'nan';
  if (v === Number.POSITIVE_INFINITY) return 'inf';
  if (v === Number.NEGATIVE_INFINITY) return '-inf';
  return undefined;
}

/**
 * The shortest decimal that reads back as the same value in the tensor's dtype (so a
 * float32 0.3 prints as 0.3, not 0.30000001), capped at eight decimals: numpy's default.
 */
function fixed(v: number, f32: boolean): string {
  const short = shortest(v, f32);
  const text = String(short);
  const decimals = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
  if (decimals > PRECISION || text.includes('e')) return trimZeros(short.toFixed(PRECISION));
  return text.includes('.') ? text : `${text}.`;
}

function shortest(v: number, f32: boolean): number {
  if (!f32) return v;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

/** Digits after the point in the mantissa of v's shortest scientific form, capped at eight. */
function mantissaDigits(v: number): number {
  const m = v.toExponential().split('e')[0];
  return Math.min(PRECISION, m.includes('.') ? m.length - m.indexOf('.') - 1 : 0);
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '') : s;
}

function formatDim(t: Tensor, dim: number, offset: number, cell: (v: number) => string, indent: number, summarize: boolean): string {
  const n = t.shape[dim];
  let stride = 1;
  for (let i = dim + 1; i < t.rank; i++) stride *= t.shape[i];
  const shown = summarize && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
  const last = dim === t.rank - 1;
  const parts = shown.map((i) =>
    i < 0 ? '...' : last ? cell(t.data[offset + i]) : formatDim(t, dim + 1, offset + i * stride, cell, indent + 1, summarize),
  );
  const sep = last ? ', ' : `,${'\n'.repeat(t.rank - dim - 1)}${' '.repeat(indent)}`;
  return `[${parts.join(sep)}]`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
}
