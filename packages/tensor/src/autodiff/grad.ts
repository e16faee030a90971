import { ones, zeros } from '../creation.ts';
import { NeuriteError, ShapeError } from '../errors.ts';
import { add } from '../ops/elementwise.ts';
import { castData } from '../ops/util.ts';
import { formatShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { GRADIENTS } from './gradients.ts';
import { Tape, withTape } from './tape.ts';

export interface ValueAndGrad {
  value: Tensor;
  grads: Tensor[];
}

/**
 * `valueAndGrad(f)(...xs)` runs f once while recording a tape, then walks the tape
 * backwards from f's scalar output. Gradients have the shapes of the arguments; an
 * argument f does not depend on gets zeros.
 */
export function valueAndGrad<Args extends Tensor[]>(f: (...args: Args) => Tensor): (...args: Args) => ValueAndGrad {
  if (typeof f !== 'function') throw new NeuriteError(`valueAndGrad: expected a function, received ${typeof f}`);
  return (...args: Args) => {
    args.forEach((a, i) => {
      if (!(a instanceof Tensor)) throw new NeuriteError(`valueAndGrad: argument ${i} must be a Tensor, received ${typeof a}`);
    });
    const tape = new Tape();
    for (const a of args) tape.track(a);
    const value = withTape(tape, () => f(...args));
    if (!(value instanceof Tensor) || value.size !== 1) {
      const got = value instanceof Tensor ? `shape ${formatShape(value.shape)}` : typeof value;
      throw new ShapeError(`grad: f must return a tensor of size 1 (a scalar cost), received ${got}`);
    }
    const grads = withTape(null, () => backward(tape, value));
    return {
      value,
      grads: args.map((a) => {
        const g = grads.get(a.id);
        const dtype = a.dtype === 'float64' ? 'float64' : 'float32';
        return g ? castData(g, dtype) : zeros(a.shape, dtype);
      }),
    };
  };
}

export function grad<Args extends Tensor[]>(f: (...args: Args) => Tensor): (...args: Args) => Tensor[] {
  const vg = valueAndGrad(f);
  return (...args: Args) => vg(...args).grads;
}

function backward(tape: Tape, value: Tensor): Map<number, Tensor> {
  const grads = new Map<number, Tensor>([[value.id, ones(value.shape, value.dtype === 'float64' ? 'float64' : 'float32')]]);
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i];
    const dy = grads.get(node.output.id);
    if (!dy) continue;
    const rule = GRADIENTS[node.op];
    if (!rule) throw new NeuriteError(`grad: op '${node.op}' has no derivative`);
    rule(dy, node).forEach((g, j) => {
      const input = node.inputs[j];
      if (!g || !tape.isTracked(input)) return;
      const prev = grads.get(input.id);
      grads.set(input.id, prev ? add(prev, g) : g);
    });
  }
  return grads;
}
