import type { ActivationName } from '@neurite/layers';
import {
  abs,
  add,
  div,
  elu,
  erf,
  exp,
  gelu,
  greater,
  less,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  relu,
  selu,
  sigmoid,
  silu,
  softplus,
  sqrt,
  sub,
  type Tensor,
  tanh,
  tensor,
  where,
} from '@neurite/tensor';
import { floatAttr, intAttr, nodeLabel, stringAttr } from './import-graph.ts';
import type { Handler } from './import-layers.ts';
import type { Walker } from './import-walk.ts';
import type { OnnxNode } from './proto.ts';

/** SELU's constants as Neurite computes them; a file holds them as float32 attributes. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Joins the Dense or Conv2D right before (when it has no activation yet), or adds an Activation layer. */
function activate(w: Walker, value: string, activation: ActivationName, alpha: number, node: string): void {
  const last = w.specs[w.specs.length - 1];
  if (w.lastOutput === w.cursor.value && (last?.type === 'Dense' || last?.type === 'Conv2D') && last.activation === 'linear') {
    last.activation = activation;
    last.alpha = alpha;
    w.moveTo(value, {});
    w.lastOutput = value;
  } else w.moveTo(value, {}, { node, type: 'Activation', activation, alpha });
}

function simple(activation: ActivationName): Handler {
  return (w, node, index) => {
    w.expectData(index, node);
    activate(w, node.output?.[0] ?? '', activation, 0.01, w.label(index));
  };
}

const leakyRelu: Handler = (w, node, index) => {
  w.expectData(index, node);
  const alpha = floatAttr(node, 'alpha', 0.01);
  if (!(alpha > 0)) w.unsupported(index, `LeakyRelu with alpha ${alpha} has no Neurite activation (leakyRelu takes a positive slope)`);
  activate(w, node.output?.[0] ?? '', 'leakyRelu', alpha, w.label(index));
};

/** PRelu with one learned slope for every unit is a leakyRelu. */
const pRelu: Handler = (w, node, index) => {
  w.expectData(index, node);
  const slope = w.constant(index, node.input?.[1], 'slope');
  if (slope.data.length !== 1 || !(slope.data[0] > 0)) {
    w.unsupported(index, `PRelu with ${slope.data.length} slopes has no Neurite activation (one positive slope becomes leakyRelu)`);
  }
  activate(w, node.output?.[0] ?? '', 'leakyRelu', slope.data[0], w.label(index));
};

const eluHandler: Handler = (w, node, index) => {
  w.expectData(index, node);
  const alpha = floatAttr(node, 'alpha', 1);
  if (!(alpha > 0)) w.unsupported(index, `Elu with alpha ${alpha} has no Neurite activation (elu takes a positive alpha)`);
  activate(w, node.output?.[0] ?? '', 'elu', alpha, w.label(index));
};

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.abs(b);

const seluHandler: Handler = (w, node, index) => {
  w.expectData(index, node);
  const alpha = floatAttr(node, 'alpha', SELU_ALPHA);
  const gamma = floatAttr(node, 'gamma', SELU_SCALE);
  if (!close(alpha, SELU_ALPHA) || !close(gamma, SELU_SCALE)) {
    w.unsupported(
      index,
      `Selu with alpha ${alpha} and gamma ${gamma} differs from SELU's constants (${SELU_ALPHA}, ${SELU_SCALE}), which Neurite's selu uses`,
    );
  }
  activate(w, node.output?.[0] ?? '', 'selu', 0.01, w.label(index));
};

const geluHandler: Handler = (w, node, index) => {
  w.expectData(index, node);
  const approximate = stringAttr(node, 'approximate', 'none');
  if (approximate !== 'none')
    w.unsupported(index, `Gelu with approximate = '${approximate}' has no Neurite activation (gelu is the exact z·Φ(z))`);
  activate(w, node.output?.[0] ?? '', 'gelu', 0.01, w.label(index));
};

/** Softmax over the features (rows, columns) or the channels (images), in the opset's semantics. */
const softmaxHandler: Handler = (w, node, index) => {
  w.expectData(index, node);
  const { layout, dims } = w.cursor;
  const rank = layout === 'rows' || layout === 'cols' ? 2 : 4;
  const featureAxis = { rows: 1, cols: 0, nchw: 1, nhwc: 3 }[layout];
  const old = w.graph.opset < 13;
  let axis = intAttr(node, 'axis', old ? 1 : -1);
  axis = axis < 0 ? axis + rank : axis;
  // Before opset 13 Softmax flattens axes [axis, rank) into one: over the channels only if nothing trails them.
  const trailing = layout === 'nchw' ? dims[0] * dims[1] : 1;
  if (axis !== featureAxis || (old && trailing !== 1)) {
    w.unsupported(
      index,
      `Softmax over axis ${axis} of ${layout.toUpperCase()} data is not over the ${rank === 2 ? 'features' : 'channels'}, which Neurite's softmax normalizes`,
    );
  }
  activate(w, node.output?.[0] ?? '', 'softmax', 0.01, w.label(index));
};

export const ACTIVATION_HANDLERS: Record<string, Handler> = {
  Relu: simple('relu'),
  Sigmoid: simple('sigmoid'),
  Tanh: simple('tanh'),
  Softplus: simple('softplus'),
  LeakyRelu: leakyRelu,
  PRelu: pRelu,
  Elu: eluHandler,
  Selu: seluHandler,
  Gelu: geluHandler,
  Softmax: softmaxHandler,
};

/*
 * Activations composed of elementwise ops, as exporters write gelu (x·(erf(x/√2) + 1)·0.5)
 * and silu (x·sigmoid(x)): the value then feeds more than one node. Rather than match each
 * exporter's arrangement, the region of elementwise ops that starts at the value is grown
 * node by node; whenever it narrows to a single output, that output is computed on sample
 * points and compared with each of Neurite's activations.
 */

type Elementwise = (x: Tensor[]) => Tensor;
const ELEMENTWISE: Record<string, Elementwise> = {
  Add: ([a, b]) => add(a, b),
  Sub: ([a, b]) => sub(a, b),
  Mul: ([a, b]) => mul(a, b),
  Div: ([a, b]) => div(a, b),
  Pow: ([a, b]) => pow(a, b),
  Max: ([a, b]) => maximum(a, b),
  Min: ([a, b]) => minimum(a, b),
  Erf: ([a]) => erf(a),
  Sigmoid: ([a]) => sigmoid(a),
  Tanh: ([a]) => tanh(a),
  Exp: ([a]) => exp(a),
  Log: ([a]) => log(a),
  Sqrt: ([a]) => sqrt(a),
  Neg: ([a]) => neg(a),
  Abs: ([a]) => abs(a),
  Relu: ([a]) => relu(a),
  Softplus: ([a]) => softplus(a),
  Reciprocal: ([a]) => div(1, a),
  // PyTorch's Softplus beyond its threshold: Where(x > 20, x, Softplus(x)).
  Greater: ([a, b]) => greater(a, b),
  Less: ([a, b]) => less(a, b),
  Where: ([c, a, b]) => where(c, a, b),
};

const SAMPLES = [-25, -6, -3, -1.5, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 1.5, 3, 6, 25];
const CANDIDATES: [ActivationName, (z: Tensor) => Tensor][] = [
  ['gelu', gelu],
  ['silu', silu],
  ['sigmoid', sigmoid],
  ['tanh', tanh],
  ['relu', relu],
  ['softplus', softplus],
  ['selu', selu],
  ['elu', (z) => elu(z, 1)],
];

function identify(y: Tensor, x: Tensor): ActivationName | null {
  for (const [name, f] of CANDIDATES) {
    const expected = f(x).data;
    // float32 constants in the file (√2 as 1.4142135) move the values by about 1e-8.
    if (expected.every((e, i) => Math.abs(y.data[i] - e) <= 1e-6 * (1 + Math.abs(e)))) return name;
  }
  return null;
}

export function composite(w: Walker, readers: number[]): void {
  const g = w.graph;
  const start = w.cursor.value;
  const x = tensor(SAMPLES, 'float64');
  const values = new Map<string, Tensor>([[start, x]]);
  const region = new Set<number>();
  const scalar = (name: string) => {
    const c = g.constants.get(name);
    return c && c.data.length === 1 && c.kind !== 'int' ? tensor([c.data[0]], 'float64') : undefined;
  };
  for (let step = 0; step < 12; step++) {
    const next = g.nodes.findIndex(
      (node: OnnxNode, i) =>
        !region.has(i) &&
        !g.used.has(i) &&
        ELEMENTWISE[node.opType ?? ''] !== undefined &&
        (node.output?.length ?? 0) === 1 &&
        (node.input ?? []).some((n) => values.has(n)) &&
        (node.input ?? []).every((n) => values.has(n) || scalar(n)),
    );
    if (next < 0) break;
    const node = g.nodes[next];
    region.add(next);
    const args = (node.input ?? []).map((n) => values.get(n) ?? (scalar(n) as Tensor));
    values.set(node.output?.[0] ?? '', ELEMENTWISE[node.opType ?? ''](args));
    const live = [...values.keys()].filter((v) => v === g.output.name || (g.consumers.get(v) ?? []).some((i) => !region.has(i)));
    if (live.length !== 1 || live[0] === start) continue;
    const activation = identify(values.get(live[0]) as Tensor, x);
    if (!activation) continue;
    for (const i of region) g.used.add(i);
    activate(w, live[0], activation, 0.01, `${g.source}: ${[...region].map((i) => nodeLabel(g.nodes[i], i)).join(', ')}`);
    return;
  }
  const names = readers.map((i) => nodeLabel(g.nodes[i], i)).join(', ');
  w.unsupported(
    readers[0],
    `the value '${start}' feeds ${readers.length} nodes (${names}); a Sequential is a chain of layers, and these do not compute one of Neurite's activations`,
  );
}
