/** Parses "12288, 20, 7, 5, 1" into layer sizes; throws with a message naming what is wrong. */
export function parseSizes(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length < 2) throw new Error(`give at least two sizes, n[0] (the input) and n[L] (the output); received ${parts.length}`);
  if (parts.length > 12) throw new Error(`at most 12 layers here; received ${parts.length}`);
  return parts.map((p, l) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
      throw new Error(`n[${l}] must be a whole number from 1 to 1,000,000; received "${p}"`);
    return n;
  });
}

const sh = (...d: (number | string)[]): string => `(${d.join(', ')})`;
const sup = (l: number | string): string => `<sup>[${l}]</sup>`;

export function renderDims(table: HTMLTableElement, sizes: number[], m: number): void {
  let params = 0;
  const rows = sizes.map((n, l) => {
    if (l === 0) {
      return `<tr class="input-row"><th scope="row">0</th><td class="num">${n.toLocaleString('en-US')}</td><td colspan="2" class="muted">input</td><td><span class="m">A${sup(0)} = X</span> ${sh(n, m)}</td><td class="num">–</td></tr>`;
    }
    const count = n * sizes[l - 1] + n;
    params += count;
    return `<tr><th scope="row">${l}</th><td class="num">${n.toLocaleString('en-US')}</td>
      <td><span class="m">W${sup(l)}</span>, dW${sup(l)} <code>${sh(n, sizes[l - 1])}</code></td>
      <td><span class="m">b${sup(l)}</span>, db${sup(l)} <code>${sh(n, 1)}</code></td>
      <td><span class="m">Z${sup(l)}</span>, A${sup(l)}, dZ${sup(l)} <code>${sh(n, m)}</code></td>
      <td class="num">${count.toLocaleString('en-US')}</td></tr>`;
  });
  table.innerHTML = `<caption class="sr-only">Shapes of the parameters and activations of each layer</caption>
    <thead><tr><th scope="col">l</th><th scope="col">n${sup('l')}</th><th scope="col">W${sup('l')} is (n${sup('l')}, n${sup('l−1')})</th><th scope="col">b${sup('l')} is (n${sup('l')}, 1)</th><th scope="col">Z${sup('l')}, A${sup('l')} are (n${sup('l')}, m)</th><th scope="col">parameters</th></tr></thead>
    <tbody>${rows.join('')}</tbody>
    <tfoot><tr><td colspan="5">Total trainable parameters, L = ${sizes.length - 1}</td><td class="num"><strong>${params.toLocaleString('en-US')}</strong></td></tr></tfoot>`;
}
