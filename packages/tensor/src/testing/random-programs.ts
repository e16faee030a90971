import * as op from '../ops/index.ts';
import { Generator } from '../random/generator.ts';
import { broadcastShapes } from '../shape.ts';
import type { Tensor } from '../tensor.ts';

/**
 * Seeded random programs for gradient checks: 3 to 8 ops over leaves of shapes
 * (m, n), (1, n), (m, 1) and (), mixing broadcasting, reductions with keepDims,
 * matmul and softmax, then a weighted sum to a scalar. Domains are kept safe by
 * construction (log and sqrt of positive expressions, division by 1 + b²).
 */
interface Node {
  shape: number[];
  text: string;
  eval: (xs: Tensor[]) => Tensor;
}

export interface RandomProgram {
  f: (...xs: Tensor[]) => Tensor;
  args: Tensor[];
  text: string;
}

const UNARY: [string, (x: Tensor) => Tensor][] = [
  ['tanh', op.tanh],
  ['sigmoid', op.sigmoid],
  ['expTanh', (x) => op.exp(op.tanh(x))],
  ['square', op.square],
  ['neg', op.neg],
  ['relu', op.relu],
  ['leakyRelu', (x) => op.leakyRelu(x, 0.1)],
  ['safeLog', (x) => op.log(op.add(op.sigmoid(x), 0.5))],
  ['safeSqrt', (x) => op.sqrt(op.add(op.square(x), 1))],
  ['abs', op.abs],
  ['scale', (x) => op.mul(x, -1.7)],
];

const BINARY: [string, (a: Tensor, b: Tensor) => Tensor][] = [
  ['add', op.add],
  ['sub', op.sub],
  ['mul', op.mul],
  ['safeDiv', (a, b) => op.div(a, op.add(op.square(b), 1))],
  ['maximum', op.maximum],
  ['minimum', op.minimum],
  ['where', (a, b) => op.where(op.greater(a, 0), a, b)],
];

export function randomProgram(seed: number): RandomProgram {
  const g = new Generator(seed);
  const pick = <T>(xs: readonly T[]): T => xs[g.randint(0, xs.length)[0]];
  const m = g.randint(2, 4)[0];
  const n = g.randint(2, 4)[0];
  const family = [[m, n], [1, n], [m, 1], []];
  const leafShapes = [[m, n], ...Array.from({ length: g.randint(1, 4)[0] }, () => pick(family)), [n, n]];
  const pool: Node[] = leafShapes.map((shape, i) => ({ shape, text: `x${i}${fmt(shape)}`, eval: (xs) => xs[i] }));
  const W = pool.length - 1; // the (n, n) leaf, used only by matmul
  const usable = () => pool.filter((_, i) => i !== W);
  const nOps = g.randint(3, 9)[0];
  for (let k = 0; k < nOps; k++) {
    // Every op takes the newest node, so the root holds all nOps of them.
    const a = usable().at(-1)!;
    const kind = g.random();
    if (kind < 0.35) {
      const [name, fn] = pick(UNARY);
      pool.push({ shape: a.shape, text: `${name}(${a.text})`, eval: (xs) => fn(a.eval(xs)) });
    } else if (kind < 0.7) {
      // Never a with itself: maximum(x, x) and x - x would make degenerate programs.
      const b = pick(usable().slice(0, -1));
      const [name, fn] = pick(BINARY);
      pool.push({
        shape: broadcastShapes(a.shape, b.shape),
        text: `${name}(${a.text}, ${b.text})`,
        eval: (xs) => fn(a.eval(xs), b.eval(xs)),
      });
    } else if (kind < 0.82 && a.shape.length === 2) {
      const axis = g.randint(0, 2)[0];
      const reduce = g.random() < 0.5 ? op.sum : op.mean;
      const name = reduce === op.sum ? 'sum' : 'mean';
      pool.push({
        shape: a.shape.map((d, i) => (i === axis ? 1 : d)),
        text: `${name}(${a.text}, ${axis}, keepDims)`,
        eval: (xs) => reduce(a.eval(xs), axis, true),
      });
    } else if (kind < 0.9 && a.shape.length === 2 && a.shape[1] === n) {
      const w = pool[W];
      pool.push({ shape: a.shape, text: `matmul(${a.text}, ${w.text})`, eval: (xs) => op.matmul(a.eval(xs), w.eval(xs)) });
    } else if (a.shape.length === 2 && a.shape[0] > 1) {
      pool.push({ shape: a.shape, text: `softmax(${a.text}, 0)`, eval: (xs) => op.softmax(a.eval(xs), 0) });
    } else {
      pool.push({ shape: a.shape, text: `tanh(${a.text})`, eval: (xs) => op.tanh(a.eval(xs)) });
    }
  }
  const root = pool[pool.length - 1];
  const weights = g.uniform(-1, 2, root.shape, 'float64');
  const args = leafShapes.map((s) => g.randn(s, 'float64'));
  return {
    f: (...xs) => op.sum(op.mul(root.eval(xs), weights)),
    args,
    text: `seed ${seed}: sum(w * ${root.text})`,
  };
}

function fmt(shape: readonly number[]): string {
  return `(${shape.join(',')})`;
}
