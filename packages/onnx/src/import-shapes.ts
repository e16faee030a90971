import { intAttr, intsAttr } from './import-graph.ts';
import { fileDims, type Walker } from './import-walk.ts';

/*
 * A Reshape's target shape when the exporter computes it from the data's own shape, as
 * torch.onnx.export's TorchScript exporter writes x.view(x.size(0), -1) with a dynamic batch:
 * Shape(x) → Gather(0) → Unsqueeze → Concat([batch], [-1]). The walk knows every size but the
 * batch, so the subgraph is evaluated here, with the batch as BATCH; Reshape then reads BATCH
 * as "keep the batch" (0).
 */

export const BATCH = Number.NEGATIVE_INFINITY;

/** The integer vector `name` holds: a constant, or computed from the shape of the walk's current value. */
export function shapeInput(w: Walker, index: number, name: string | undefined): number[] {
  const seen = new Set<number>();
  const evaluate = (value: string): number[] => {
    const c = w.graph.constants.get(value);
    if (c) {
      if (c.kind !== 'int') w.fail(index, `its target shape '${value}' must be INT64, received ${c.kind}`);
      return Array.from(c.data);
    }
    const at = w.graph.producers.get(value);
    if (at === undefined) w.unsupported(index, `its target shape '${value}' is neither a constant nor computed from shapes`);
    const node = w.graph.nodes[at];
    seen.add(at);
    const inputs = node.input ?? [];
    switch (node.opType) {
      case 'Shape': {
        if (inputs[0] !== w.cursor.value)
          w.unsupported(index, `its target shape takes the shape of '${inputs[0]}', not of the data it reshapes`);
        const dims = fileDims(w.cursor).map((d) => d ?? BATCH);
        const rank = dims.length;
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
        return dims.slice(clamp(intAttr(node, 'start', 0)), clamp(intAttr(node, 'end', rank)));
      }
      case 'Identity':
      case 'Cast':
        return evaluate(inputs[0]);
      case 'Gather': {
        const data = evaluate(inputs[0]);
        if (intAttr(node, 'axis', 0) !== 0) break;
        return evaluate(inputs[1]).map((i) => data[i < 0 ? i + data.length : i]);
      }
      case 'Unsqueeze':
      case 'Squeeze':
        // A vector of sizes stays one: [b] and b are the same list here.
        return evaluate(inputs[0]);
      case 'Concat':
        return inputs.flatMap(evaluate);
      case 'Slice': {
        const data = evaluate(inputs[0]);
        const starts = intsAttr(node, 'starts') ?? evaluate(inputs[1]);
        const ends = intsAttr(node, 'ends') ?? evaluate(inputs[2]);
        const steps = inputs[4] ? evaluate(inputs[4]) : [1];
        if (starts.length !== 1 || steps[0] !== 1) break;
        const n = data.length;
        const at = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
        return data.slice(at(starts[0]), at(ends[0]));
      }
    }
    return w.unsupported(
      index,
      `its target shape is computed by ${node.opType}, which fromOnnx does not evaluate (a constant shape, or Shape, Gather, Slice, Unsqueeze, Concat of one, are)`,
    );
  };
  if (!name) w.fail(index, 'has no target shape');
  const shape = evaluate(name);
  for (const i of seen) w.graph.used.add(i);
  return shape;
}
