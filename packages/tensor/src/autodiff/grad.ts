import { ones, zeros } from '../creation.ts';
import { NeuriteError, ShapeError } from '../errors.ts';
import { add } from '../ops/elementwise.ts';
import { castData } from '../ops/util.ts';
import { formatShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkFunction, checkTensor, wrongType } from '../validate.ts';
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
  checkFunction(f, 'valueAndGrad', 'f');
  return (...args: Args) => {
    for (let i = 0; i < args.length; i++) checkTensor(args[i], 'valueAndGrad', `argument ${i}`);
    const tape = new Tape();
    for (const a of args) tape.track(a);
    const value = withTape(tape, () => f(...args));
    if (!(value instanceof Tensor)) wrongType('grad', "f's result", 'a Tensor of size 1 (a scalar cost)', value);
    if (value.size !== 1)
      throw new ShapeError(`grad: f must return a tensor of size 1 (a scalar cost), received shape ${formatShape(value.shape)}`);
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

export interface Vjp {
  /** f's output. */
  value: Tensor;
  /**
   * The vector-Jacobian product: given dy (the shape of `value`), the gradient of
   * sum(dy ⊙ f(args)) with respect to each argument. Walks the tape recorded when f ran,
   * without running f again; it may be called more than once.
   */
  backward(dy: Tensor): Tensor[];
  /** Whether `value` depends on any argument through recorded ops (false: every gradient is zero). */
  readonly connected: boolean;
}

/**
 * `vjp(f, ...xs)` runs f once while recording a tape and returns its output with a
 * `backward(dy)` that pulls an output gradient of any shape back to the arguments (JAX's
 * vjp). This is what backpropagation through one layer needs: the layer above hands down
 * dA, and the tape turns it into dA_prev and the weights' gradients, with f's intermediate
 * values as the cache.
 */
export function vjp<Args extends Tensor[]>(f: (...args: Args) => Tensor, ...args: Args): Vjp {
  checkFunction(f, 'vjp', 'f');
  for (let i = 0; i < args.length; i++) checkTensor(args[i], 'vjp', `argument ${i}`);
  const tape = new Tape();
  for (const a of args) tape.track(a);
  const value = withTape(tape, () => f(...args));
  if (!(value instanceof Tensor)) wrongType('vjp', "f's result", 'a Tensor', value);
  return {
    value,
    connected: tape.isTracked(value),
    backward: (dy: Tensor) => {
      checkTensor(dy, 'vjp.backward', 'dy');
      if (dy.shape.length !== value.shape.length || dy.shape.some((d, i) => d !== value.shape[i])) {
        throw new ShapeError(
          `vjp.backward: dy must have the output's shape ${formatShape(value.shape)}, received ${formatShape(dy.shape)}`,
        );
      }
      const grads = withTape(null, () => backward(tape, value, dy));
      return args.map((a) => {
        const g = grads.get(a.id);
        const dtype = a.dtype === 'float64' ? 'float64' : 'float32';
        return g ? castData(g, dtype) : zeros(a.shape, dtype);
      });
    },
  };
}

export function grad<Args extends Tensor[]>(f: (...args: Args) => Tensor): (...args: Args) => Tensor[] {
  checkFunction(f, 'grad', 'f');
  const vg = valueAndGrad(f);
  return (...args: Args) => vg(...args).grads;
}

function backward(tape: Tape, value: Tensor, seed?: Tensor): Map<number, Tensor> {
  const grads = new Map<number, Tensor>([[value.id, seed ?? ones(value.shape, value.dtype === 'float64' ? 'float64' : 'float32')]]);
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i];
    const dy = grads.get(node.output.id);
    if (!dy) continue;
    const rule = GRADIENTS[node.op];
    if (!rule) throw new NeuriteError(`grad: op '${node.op}' has no derivative`);
    rule(
      dy,
      node,
      node.inputs.map((t) => tape.isTracked(t)),
    ).forEach((g, j) => {
      const input = node.inputs[j];
      if (!g || !tape.isTracked(input)) return;
      const prev = grads.get(input.id);
      grads.set(input.id, prev ? add(prev, g) : g);
    });
  }
  return grads;
}
