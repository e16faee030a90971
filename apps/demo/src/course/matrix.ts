import type { Tensor } from '@neurite/tensor';

const fmt = (x: number, digits: number): string => {
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  // Small gradients would print as 0.000: show their magnitude instead.
  if (Math.abs(x) < 10 ** -digits) return x.toExponential(1).replace('e-', 'e−');
  const s = x.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : s;
};

/** A 2-D tensor as a bracketed matrix; long sides are elided in the middle, as numpy prints them. */
export function matrixHtml(t: Tensor, digits = 3, maxSide = 6): string {
  const [rows, cols] = t.rank === 2 ? t.shape : [1, t.size];
  const pick = (n: number): (number | null)[] => (n <= maxSide ? Array.from({ length: n }, (_, i) => i) : [0, 1, 2, null, n - 2, n - 1]);
  const body = pick(rows)
    .map((r) => {
      const cells = pick(cols)
        .map((c) => {
          if (r === null) return c === null ? '<td>⋱</td>' : '<td>⋮</td>';
          if (c === null) return '<td>…</td>';
          const v = t.data[r * cols + c];
          return `<td class="${v < 0 ? 'neg' : ''}">${fmt(v, digits)}</td>`;
        })
        .join('');
      return `<tr>${cells}</tr>`;
    })
    .join('');
  return `<table class="matrix" aria-label="${rows} by ${cols} matrix"><tbody>${body}</tbody></table>`;
}

export const shapeText = (t: Tensor): string => `(${t.shape.join(', ')})`;
