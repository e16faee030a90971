import type { Sequential } from './sequential.ts';
import { formatLayerShape } from './shapes.ts';

/** Keras-style table: one row per layer, its output shape ((n, m) or (m, n_H, n_W, n_C)) and parameter count. */
export function summarize(model: Sequential): string {
  if (!model.built && model.inputShape) model.build();
  const rows: [string, string, string][] = model.layers.map((layer, i) => {
    const kind = layer.describe();
    const label = layer.name ? `${layer.name} ${kind}` : kind;
    return [`${i + 1}  ${label}`, layer.built ? formatLayerShape(layer.outputShape) : '?', layer.built ? String(layer.countParams()) : '?'];
  });
  const header: [string, string, string] = ['Layer', 'Output shape', 'Params'];
  const widths = [0, 1, 2].map((c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  const line = (r: [string, string, string]) => `${r[0].padEnd(widths[0])}   ${r[1].padEnd(widths[1])}   ${r[2].padStart(widths[2])}`;
  const rule = '-'.repeat(widths[0] + widths[1] + widths[2] + 6);
  const input = model.inputShape ? formatLayerShape(model.inputShape) : '(?)';
  const totals: string[] = [];
  if (model.built) {
    let trainable = 0;
    let state = 0;
    for (const { weight } of model.namedWeights()) {
      if (weight.trainable) trainable += weight.value.size;
      else state += weight.value.size;
    }
    totals.push(`Total params: ${(trainable + state).toLocaleString('en-US')}`);
    if (state > 0)
      totals.push(`Trainable params: ${trainable.toLocaleString('en-US')}`, `Non-trainable params: ${state.toLocaleString('en-US')}`);
  } else totals.push('Total params: ? (the input shape is not known yet)');
  return [
    `Model: ${model.name ?? 'sequential'} (input ${input}, ${model.dtype})`,
    rule,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    ...totals,
  ].join('\n');
}
