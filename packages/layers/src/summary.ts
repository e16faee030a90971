import { Dense } from './dense.ts';
import type { Sequential } from './sequential.ts';

/** Keras-style table: one row per layer, output shape (units, m) and parameter count. */
export function summarize(model: Sequential): string {
  const rows: [string, string, string][] = [];
  let units = model.inputUnits ?? 0;
  model.layers.forEach((layer, i) => {
    const out = layer.outputUnits(units);
    const kind = layer instanceof Dense ? `Dense (${layer.activation})` : layer.type;
    const label = layer.name ? `${layer.name} ${kind}` : `${kind}`;
    rows.push([`${i + 1}  ${label}`, `(${out}, m)`, String(layer.countParams(units))]);
    units = out;
  });
  const header: [string, string, string] = ['Layer', 'Output shape', 'Params'];
  const widths = [0, 1, 2].map((c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  const line = (r: [string, string, string]) => `${r[0].padEnd(widths[0])}   ${r[1].padEnd(widths[1])}   ${r[2].padStart(widths[2])}`;
  const rule = '-'.repeat(widths[0] + widths[1] + widths[2] + 6);
  const total = model.countParams();
  return [
    `Model: ${model.name ?? 'sequential'} (input (${model.inputUnits ?? '?'}, m), ${model.dtype})`,
    rule,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${total.toLocaleString('en-US')}`,
  ].join('\n');
}
