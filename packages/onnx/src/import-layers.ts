import type { Padding } from '@neurite/tensor';
import { floatAttr, intAttr, intsAttr, stringAttr } from './import-graph.ts';
import { BATCH, shapeInput } from './import-shapes.ts';
import { type Cursor, permuted, type Spec, type Walker } from './import-walk.ts';
import type { OnnxNode } from './proto.ts';

/*
 * ONNX ops that become Neurite layers (or only change how the walk reads the axes), each
 * checking its attributes and its weights' shapes against the value it receives.
 */

export type Handler = (w: Walker, node: OnnxNode, index: number) => void;

const dims = (c: { dims: number[] }) => `(${c.dims.join(', ')})`;

/** W (units, n) with columns in Neurite's feature order. */
function denseWeights(w: Walker, index: number, W: Float64Array, units: number, n: number): Float64Array {
  if (n !== w.features) w.fail(index, `its weight maps ${n} features, but the layer receives ${w.features}`);
  const perm = w.cursor.perm;
  if (!perm) return W;
  const out = new Float64Array(W.length);
  for (let u = 0; u < units; u++) for (let j = 0; j < n; j++) out[u * n + j] = W[u * n + perm[j]];
  return out;
}

/** Y = alpha·A·op(B) + beta·C on rows: Dense with W = op(B)ᵀ. */
const gemm: Handler = (w, node, index) => {
  w.expectData(index, node);
  w.expectLayout(index, ['rows'], 'Gemm (a Dense layer)');
  if (intAttr(node, 'transA', 0) !== 0) w.unsupported(index, 'transA = 1 (examples as columns) is not supported');
  const B = w.constant(index, node.input?.[1], 'weight B');
  if (B.dims.length !== 2) w.fail(index, `its weight B must be 2-D, received ${dims(B)}`);
  const transB = intAttr(node, 'transB', 0) === 1;
  const [units, n] = transB ? B.dims : [B.dims[1], B.dims[0]];
  const alpha = floatAttr(node, 'alpha', 1);
  const W = new Float64Array(units * n);
  for (let u = 0; u < units; u++) for (let j = 0; j < n; j++) W[u * n + j] = alpha * (transB ? B.data[u * n + j] : B.data[j * units + u]);
  let b: Float64Array | null = null;
  const C = w.optionalConstant(index, node.input?.[2], 'bias C');
  if (C) {
    if (C.data.length !== units && C.data.length !== 1) w.fail(index, `its bias C ${dims(C)} must hold ${units} values (one per unit)`);
    const beta = floatAttr(node, 'beta', 1);
    b = Float64Array.from({ length: units }, (_, u) => beta * C.data[C.data.length === 1 ? 0 : u]);
  }
  const spec: Spec = {
    node: w.label(index),
    type: 'Dense',
    units,
    W: denseWeights(w, index, W, units, n),
    b,
    activation: 'linear',
    alpha: 0.01,
  };
  w.advance(node, { dims: [units], perm: null }, spec);
};

/** x·B on rows, B (n, units): Dense without a bias (a following Add of a constant becomes its bias). */
const matMul: Handler = (w, node, index) => {
  w.expectData(index, node);
  w.expectLayout(index, ['rows'], 'MatMul (a Dense layer)');
  const B = w.constant(index, node.input?.[1], 'weight');
  if (B.dims.length !== 2) w.fail(index, `its weight must be 2-D (n, units), received ${dims(B)}`);
  const [n, units] = B.dims;
  const W = new Float64Array(units * n);
  for (let u = 0; u < units; u++) for (let j = 0; j < n; j++) W[u * n + j] = B.data[j * units + u];
  const spec: Spec = {
    node: w.label(index),
    type: 'Dense',
    units,
    W: denseWeights(w, index, W, units, n),
    b: null,
    activation: 'linear',
    alpha: 0.01,
  };
  w.advance(node, { dims: [units], perm: null }, spec);
};

/** A constant added right after a Dense or Conv2D without a bias, before its activation: the bias. */
const add: Handler = (w, node, index) => {
  const inputs = node.input ?? [];
  const other = inputs[0] === w.cursor.value ? inputs[1] : inputs[0];
  const last = w.specs[w.specs.length - 1];
  const target =
    w.lastOutput === w.cursor.value && (last?.type === 'Dense' || last?.type === 'Conv2D') && last.activation === 'linear' ? last : null;
  if (target === null) return w.unsupported(index, 'an Add is supported as the bias of the MatMul, Gemm or Conv right before it');
  const c = w.constant(index, other, 'addend');
  const units = target.type === 'Dense' ? target.units : target.filters;
  // (units,), (1, units) on rows, or (1, C, 1, 1) on NCHW: one value per unit or channel.
  if (c.data.length !== units)
    w.fail(index, `the bias ${dims(c)} must hold ${units} values (one per ${target.type === 'Dense' ? 'unit' : 'channel'})`);
  const b = target.b ?? new Float64Array(units);
  for (let u = 0; u < units; u++) b[u] += c.data[u];
  target.b = b;
  w.advance(node, {});
  w.lastOutput = w.cursor.value;
};

/** Output rows and columns of a window, as Neurite's layers compute them. */
function windowed(w: Walker, index: number, kernel: number[], strides: number[], dilation: number[], padding: Padding): [number, number] {
  const [H, W] = w.cursor.dims;
  return [0, 1].map((a) => {
    const n = a === 0 ? H : W;
    if (padding === 'same') return Math.ceil(n / strides[a]);
    const p = padding === 'valid' ? [0, 0] : (padding as [[number, number], [number, number]])[a];
    const span = dilation[a] * (kernel[a] - 1) + 1;
    const out = Math.floor((n + p[0] + p[1] - span) / strides[a]) + 1;
    if (!(out >= 1))
      w.fail(index, `its window spans ${span} but the input has ${n + p[0] + p[1]} ${a === 0 ? 'rows' : 'columns'} with padding`);
    return out;
  }) as [number, number];
}

/** ONNX's auto_pad and pads [top, left, bottom, right] as Neurite's Padding. */
function padding(w: Walker, index: number, node: OnnxNode, kernel: number[], strides: number[], dilation: number[]): Padding {
  const auto = stringAttr(node, 'auto_pad', 'NOTSET');
  if (auto === 'VALID') return 'valid';
  if (auto === 'SAME_UPPER') return 'same';
  if (auto === 'SAME_LOWER') {
    // The odd padded row or column goes above / left: explicit pads.
    const sides = [0, 1].map((a) => {
      const n = w.cursor.dims[a];
      const span = dilation[a] * (kernel[a] - 1) + 1;
      const total = Math.max((Math.ceil(n / strides[a]) - 1) * strides[a] + span - n, 0);
      return [total - Math.floor(total / 2), Math.floor(total / 2)] as [number, number];
    });
    return [sides[0], sides[1]];
  }
  if (auto !== 'NOTSET') w.fail(index, `unknown auto_pad '${auto}'`);
  const pads = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
  if (pads.length !== 4 || pads.some((p) => p < 0))
    w.fail(index, `pads must be 4 non-negative integers for 2-D windows, received [${pads.join(', ')}]`);
  if (pads.every((p) => p === 0)) return 'valid';
  return [
    [pads[0], pads[2]],
    [pads[1], pads[3]],
  ];
}

function pair(w: Walker, index: number, node: OnnxNode, name: string, fallback: [number, number]): [number, number] {
  const v = intsAttr(node, name) ?? fallback;
  if (v.length !== 2 || v.some((d) => !(d >= 1)))
    w.unsupported(index, `${name} must be two positive integers (2-D windows), received [${v.join(', ')}]`);
  return [v[0], v[1]];
}

const conv: Handler = (w, node, index) => {
  w.expectData(index, node);
  w.expectLayout(index, ['nchw'], 'Conv (a Conv2D layer)');
  const Wt = w.constant(index, node.input?.[1], 'weight');
  if (Wt.dims.length !== 4) w.unsupported(index, `only 2-D convolutions are supported; the weight is ${dims(Wt)}`);
  if (intAttr(node, 'group', 1) !== 1)
    w.unsupported(index, `group = ${intAttr(node, 'group', 1)} (grouped or depthwise convolution) has no Neurite layer`);
  const [co, ci, kh, kw] = Wt.dims;
  const C = w.cursor.dims[2];
  if (ci !== C) w.fail(index, `its weight ${dims(Wt)} expects ${ci} input channels, but the layer receives ${C}`);
  const kernel = pair(w, index, node, 'kernel_shape', [kh, kw]);
  if (kernel[0] !== kh || kernel[1] !== kw) w.fail(index, `kernel_shape [${kernel.join(', ')}] disagrees with the weight ${dims(Wt)}`);
  const strides = pair(w, index, node, 'strides', [1, 1]);
  const dilation = pair(w, index, node, 'dilations', [1, 1]);
  const pad = padding(w, index, node, kernel, strides, dilation);
  const [oh, ow] = windowed(w, index, kernel, strides, dilation, pad);
  // (n_C, n_C_prev, f_h, f_w) → Neurite's (f_h, f_w, n_C_prev, n_C).
  const W = new Float64Array(Wt.data.length);
  for (let o = 0; o < co; o++)
    for (let c = 0; c < ci; c++)
      for (let h = 0; h < kh; h++)
        for (let x = 0; x < kw; x++) W[((h * kw + x) * ci + c) * co + o] = Wt.data[((o * ci + c) * kh + h) * kw + x];
  const B = w.optionalConstant(index, node.input?.[2], 'bias');
  if (B && B.data.length !== co) w.fail(index, `its bias ${dims(B)} must hold ${co} values (one per output channel)`);
  const spec: Spec = {
    node: w.label(index),
    type: 'Conv2D',
    filters: co,
    kernel,
    strides,
    dilation,
    padding: pad,
    W,
    b: B ? Float64Array.from(B.data) : null,
    activation: 'linear',
    alpha: 0.01,
  };
  w.advance(node, { dims: [oh, ow, co] }, spec);
};

function pool(type: 'MaxPool2D' | 'AveragePool2D'): Handler {
  return (w, node, index) => {
    w.expectData(index, node);
    w.expectLayout(index, ['nchw'], `${node.opType} (a ${type} layer)`);
    w.expectOneOutput(index, node, 'the indices of the maxima');
    const kernel = pair(w, index, node, 'kernel_shape', [0, 0]);
    const strides = pair(w, index, node, 'strides', [1, 1]);
    if ((intsAttr(node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) w.unsupported(index, 'dilated pooling has no Neurite layer');
    if (intAttr(node, 'ceil_mode', 0) !== 0) w.unsupported(index, 'ceil_mode = 1 is not supported (Neurite rounds the output size down)');
    if (intAttr(node, 'storage_order', 0) !== 0) w.unsupported(index, 'storage_order = 1 is not supported');
    const pad = padding(w, index, node, kernel, strides, [1, 1]);
    const [oh, ow] = windowed(w, index, kernel, strides, [1, 1], pad);
    const countIncludePad = type === 'AveragePool2D' && intAttr(node, 'count_include_pad', 0) === 1;
    w.advance(
      node,
      { dims: [oh, ow, w.cursor.dims[2]] },
      { node: w.label(index), type, pool: kernel, strides, padding: pad, countIncludePad },
    );
  };
}

const globalAveragePool: Handler = (w, node, index) => {
  w.expectData(index, node);
  w.expectLayout(index, ['nchw'], 'GlobalAveragePool (a GlobalAveragePooling2D layer)');
  w.advance(node, { dims: [1, 1, w.cursor.dims[2]] }, { node: w.label(index), type: 'GlobalAveragePooling2D', keepDims: true });
};

/** Images to rows: Neurite's Flatten, with the (channel, row, column) order of NCHW kept as a permutation. */
function flattenImages(w: Walker, node: OnnxNode, index: number): void {
  const [H, W, C] = w.cursor.dims;
  let perm: Int32Array | null = null;
  if (w.cursor.layout === 'nchw' && H * W > 1) {
    perm = new Int32Array(H * W * C);
    for (let h = 0; h < H; h++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) perm[(h * W + x) * C + c] = (c * H + h) * W + x;
  }
  w.advance(node, { layout: 'rows', dims: [H * W * C], perm }, { node: w.label(index), type: 'Flatten' });
}

const flatten: Handler = (w, node, index) => {
  w.expectData(index, node);
  const axis = intAttr(node, 'axis', 1);
  if (axis !== 1) w.unsupported(index, `Flatten with axis ${axis} is not supported (axis 1 keeps one example per row)`);
  if (w.cursor.layout === 'rows') return w.advance(node, {});
  w.expectLayout(index, ['nchw', 'nhwc'], 'Flatten');
  flattenImages(w, node, index);
};

/**
 * Reshape to (batch, features): a Flatten; from rows to (batch, H, W, C) or, when the orders
 * agree (one channel, or one pixel), (batch, C, H, W): an Unflatten. Any other reshape has no
 * Neurite layer.
 */
const reshape: Handler = (w, node, index) => {
  w.expectData(index, node);
  const shape = shapeInput(w, index, node.input?.[1]).map((d) => (d === BATCH ? 0 : d));
  const features = w.cursor.dims.reduce((p, d) => p * d, 1);
  const images = w.cursor.layout === 'nchw' || w.cursor.layout === 'nhwc';
  const batch = shape[0] === -1 || shape[0] === 0 || shape[0] >= 1;
  if (
    shape.length === 4 &&
    batch &&
    w.cursor.layout === 'rows' &&
    shape.slice(1).every((d) => d >= 1) &&
    shape[1] * shape[2] * shape[3] === features
  ) {
    if (w.cursor.perm) w.unsupported(index, 'a Reshape to images right after flattening images has no Neurite layer');
    return unflatten(w, node, index, shape.slice(1) as [number, number, number]);
  }
  const ok = shape.length === 2 && (shape[1] === features || (shape[1] === -1 && shape[0] !== -1));
  if (!ok || w.cursor.layout === 'cols') {
    w.unsupported(
      index,
      `a Reshape to [${shape.join(', ')}] has no Neurite layer; only flattening each example to [batch, ${features}] (and rows to images) is supported`,
    );
  }
  if (!images) return w.advance(node, {});
  flattenImages(w, node, index);
};

/** Rows to images. The file reads each row as (H, W, C) (NHWC, Neurite's order) unless the next node makes it NCHW. */
function unflatten(w: Walker, node: OnnxNode, index: number, [a, b, c]: [number, number, number]): void {
  const readers = (w.graph.consumers.get(node.output?.[0] ?? '') ?? []).map((i) => w.graph.nodes[i]);
  const toNchw = readers.length === 1 && readers[0].opType === 'Transpose' && (intsAttr(readers[0], 'perm') ?? []).join(',') === '0,3,1,2';
  if (toNchw) {
    w.advance(node, { layout: 'nhwc', dims: [a, b, c], perm: null }, { node: w.label(index), type: 'Unflatten', shape: [a, b, c] });
    return;
  }
  // (batch, C, H, W) straight from rows: each row in (channel, row, column) order, which is Neurite's only for C = 1 or H = W = 1.
  if (a !== 1 && b * c !== 1) {
    w.unsupported(
      index,
      `a Reshape of rows to NCHW (batch, ${a}, ${b}, ${c}) reads each row channel-first; Neurite's Unflatten reads (row, column, channel), so only one channel (or one pixel) imports`,
    );
  }
  w.advance(node, { layout: 'nchw', dims: [b, c, a], perm: null }, { node: w.label(index), type: 'Unflatten', shape: [b, c, a] });
}

const transpose: Handler = (w, node, index) => {
  w.expectData(index, node);
  const perm = (intsAttr(node, 'perm') ?? []).join(',');
  const { layout } = w.cursor;
  const next: Record<string, Cursor['layout'] | undefined> = {
    'rows:1,0': 'cols',
    'cols:1,0': 'rows',
    'nhwc:0,3,1,2': 'nchw',
    'nchw:0,2,3,1': 'nhwc',
  };
  const to = next[`${layout}:${perm}`];
  if (!to) w.unsupported(index, `a Transpose with perm [${perm}] of ${layout.toUpperCase()} data has no Neurite layer`);
  w.advance(node, { layout: to });
};

const batchNormalization: Handler = (w, node, index) => {
  w.expectData(index, node);
  w.expectLayout(index, ['rows', 'nchw'], 'BatchNormalization (over axis 1)');
  w.expectOneOutput(index, node, 'training statistics');
  if (intAttr(node, 'training_mode', 0) !== 0) w.unsupported(index, 'training_mode = 1 is not supported; export the model in eval mode');
  const n = w.cursor.layout === 'rows' ? w.features : w.cursor.dims[2];
  const [gamma, beta, mean, variance] = ['scale', 'bias', 'mean', 'variance'].map((what, k) => {
    const c = w.constant(index, node.input?.[k + 1], what);
    if (c.data.length !== n)
      w.fail(index, `its ${what} ${dims(c)} must hold ${n} values, one per ${w.cursor.layout === 'rows' ? 'feature' : 'channel'}`);
    return permuted(c.data, w.cursor.layout === 'rows' ? w.cursor.perm : null);
  });
  const epsilon = floatAttr(node, 'epsilon', 1e-5);
  const momentum = floatAttr(node, 'momentum', 0.9);
  w.advance(node, {}, { node: w.label(index), type: 'BatchNormalization', epsilon, momentum, gamma, beta, mean, variance });
};

/** Inference's identity; kept as a Dropout layer, so that fine-tuning drops units again. */
const dropout: Handler = (w, node, index) => {
  w.expectData(index, node);
  w.expectOneOutput(index, node, 'the mask');
  const training = node.input?.[2] ? w.constant(index, node.input[2], 'training_mode', 'int') : null;
  if (training && training.data[0] !== 0) w.unsupported(index, 'training_mode is true; export the model in eval mode');
  const ratioInput = node.input?.[1] ? w.graph.constants.get(node.input[1]) : undefined;
  if (node.input?.[1] && !ratioInput) w.unsupported(index, 'its ratio must be a constant');
  const rate = ratioInput ? ratioInput.data[0] : floatAttr(node, 'ratio', 0.5);
  if (!(rate >= 0 && rate < 1)) w.fail(index, `its ratio must be in [0, 1), received ${rate}`);
  w.advance(node, {}, { node: w.label(index), type: 'Dropout', rate });
};

const identity: Handler = (w, node, index) => {
  w.expectData(index, node);
  w.advance(node, {});
};

export const LAYER_HANDLERS: Record<string, Handler> = {
  Gemm: gemm,
  MatMul: matMul,
  Add: add,
  Conv: conv,
  MaxPool: pool('MaxPool2D'),
  AveragePool: pool('AveragePool2D'),
  GlobalAveragePool: globalAveragePool,
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  BatchNormalization: batchNormalization,
  Dropout: dropout,
  Identity: identity,
};
