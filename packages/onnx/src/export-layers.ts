import {
  type Activation,
  AveragePool2D,
  type BatchNormalization,
  type Conv2D,
  type Dense,
  type Dropout,
  type Flatten,
  type GlobalAveragePooling2D,
  type Layer,
  type MaxPool2D,
  type Unflatten,
} from '@neurite/layers';
import type { Padding } from '@neurite/tensor';
import { OnnxUnsupportedError } from './errors.ts';
import { emitActivation } from './export-activations.ts';
import { float, type GraphBuilder, int, ints } from './graph.ts';

/**
 * A value inside the exported graph. The graph computes in the layouts ONNX's ops take:
 * 'rows' is (m, n), one example per row (Gemm, Softmax over axis 1), 'nchw' is images
 * (m, n_C, n_H, n_W) (Conv, the pools). The model's own layout is restored at the graph's
 * input and output (toOnnx's `layout` option), so the math in between is one graph.
 */
export interface OnnxValue {
  name: string;
  layout: 'rows' | 'nchw';
}

/** What a layer's exporter gets: the graph, the layer, its input value, and how its weights are named. */
export interface ExportContext<L extends Layer = Layer> {
  graph: GraphBuilder;
  layer: L;
  /** The layer's name in the graph (its own name, or dense1, conv2D1, ...): prefixes its nodes and values. */
  prefix: string;
  input: OnnxValue;
  /** The model-wide name of one of the layer's weights (W1, batchNormalization1.gamma), for its initializer. */
  key(weight: string): string;
}

/** Adds a layer's nodes to the graph and returns its output value. */
export type LayerExporter<L extends Layer = Layer> = (ctx: ExportContext<L>) => OnnxValue;

function expect(ctx: ExportContext, layout: OnnxValue['layout'], hint: string): string {
  if (ctx.input.layout !== layout) {
    throw new OnnxUnsupportedError(
      `toOnnx: ${ctx.layer.describe()} (${ctx.prefix}) receives ${ctx.input.layout === 'nchw' ? 'images' : '(n, m) columns'}${hint}`,
    );
  }
  return ctx.input.name;
}

/** ONNX's pads [top, left, bottom, right] for a window over the layer's (m, n_H, n_W, n_C) input. */
function onnxPads(
  padding: Padding,
  layer: Layer,
  kernel: [number, number],
  strides: [number, number],
  dilation: [number, number],
): number[] {
  const dims = [layer.inputShape[1] as number, layer.inputShape[2] as number];
  let sides: number[]; // top, bottom, left, right
  if (padding === 'valid') sides = [0, 0, 0, 0];
  else if (padding === 'same') {
    // TensorFlow's 'same', as @neurite/tensor pads: the odd row or column goes below or right.
    sides = [0, 1].flatMap((a) => {
      const span = dilation[a] * (kernel[a] - 1) + 1;
      const total = Math.max((Math.ceil(dims[a] / strides[a]) - 1) * strides[a] + span - dims[a], 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  } else if (typeof padding === 'number') sides = [padding, padding, padding, padding];
  else if (Array.isArray(padding[0])) sides = [...(padding[0] as [number, number]), ...(padding[1] as [number, number])];
  else sides = [padding[0] as number, padding[0] as number, padding[1] as number, padding[1] as number];
  return [sides[0], sides[2], sides[1], sides[3]];
}

function exportDense(ctx: ExportContext<Dense>): OnnxValue {
  const { graph: g, layer, prefix } = ctx;
  const x = expect(ctx, 'rows', '; put a Flatten layer before Dense');
  const W = layer.W!;
  // Gemm with transB computes x·Wᵀ on rows: the same W (units, n_prev) as the course's W·A.
  const inputs = [x, g.weight(ctx.key('W'), W.shape, W.data)];
  if (layer.b) inputs.push(g.weight(ctx.key('b'), [layer.units], layer.b.data, 'Neurite (units, 1) as (units,)'));
  const Z = g.node('Gemm', inputs, prefix, 'Z', { transB: int(1) });
  return { name: emitActivation(g, prefix, layer.activation, layer.alpha, Z, 1), layout: 'rows' };
}

/** (f_h, f_w, n_C_prev, n_C) → ONNX's (n_C, n_C_prev, f_h, f_w). */
function oihw(W: { shape: readonly number[]; data: ArrayLike<number> }): { dims: number[]; data: Float64Array } {
  const [fh, fw, ci, co] = W.shape;
  const out = new Float64Array(W.data.length);
  for (let h = 0; h < fh; h++)
    for (let w = 0; w < fw; w++)
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++) out[((o * ci + c) * fh + h) * fw + w] = W.data[((h * fw + w) * ci + c) * co + o];
  return { dims: [co, ci, fh, fw], data: out };
}

function exportConv2D(ctx: ExportContext<Conv2D>): OnnxValue {
  const { graph: g, layer, prefix } = ctx;
  const x = expect(ctx, 'nchw', '');
  const W = oihw(layer.W!);
  const inputs = [x, g.weight(ctx.key('W'), W.dims, W.data, 'Neurite (f_h, f_w, n_C_prev, n_C) permuted to (n_C, n_C_prev, f_h, f_w)')];
  if (layer.b) inputs.push(g.weight(ctx.key('b'), [layer.filters], layer.b.data, 'Neurite (1, 1, 1, n_C) as (n_C,)'));
  const Z = g.node('Conv', inputs, prefix, 'Z', {
    kernel_shape: ints(layer.kernelSize),
    strides: ints(layer.strides),
    dilations: ints(layer.dilation),
    pads: ints(onnxPads(layer.padding, layer, layer.kernelSize, layer.strides, layer.dilation)),
  });
  return { name: emitActivation(g, prefix, layer.activation, layer.alpha, Z, 1), layout: 'nchw' };
}

function exportPool(op: 'MaxPool' | 'AveragePool') {
  return (ctx: ExportContext<MaxPool2D | AveragePool2D>): OnnxValue => {
    const { layer } = ctx;
    const x = expect(ctx, 'nchw', '');
    const attributes = {
      kernel_shape: ints(layer.poolSize),
      strides: ints(layer.strides),
      pads: ints(onnxPads(layer.padding, layer, layer.poolSize, layer.strides, [1, 1])),
      // Neurite leaves padded positions out of an average unless asked (PyTorch's count_include_pad).
      ...(layer instanceof AveragePool2D ? { count_include_pad: int(layer.countIncludePad ? 1 : 0) } : {}),
    };
    return { name: ctx.graph.node(op, [x], ctx.prefix, 'A', attributes), layout: 'nchw' };
  };
}

function exportGlobalAveragePooling2D(ctx: ExportContext<GlobalAveragePooling2D>): OnnxValue {
  const pooled = ctx.graph.node('GlobalAveragePool', [expect(ctx, 'nchw', '')], ctx.prefix, 'pooled');
  if (ctx.layer.keepDims) return { name: pooled, layout: 'nchw' };
  return { name: ctx.graph.node('Flatten', [pooled], ctx.prefix, 'A', { axis: int(1) }), layout: 'rows' };
}

/** Neurite flattens each image as (row, column, channel): to NHWC first, then Flatten. */
function exportFlatten(ctx: ExportContext<Flatten>): OnnxValue {
  if (ctx.input.layout === 'rows') return ctx.input;
  const nhwc = ctx.graph.node('Transpose', [ctx.input.name], ctx.prefix, 'nhwc', { perm: ints([0, 2, 3, 1]) });
  return { name: ctx.graph.node('Flatten', [nhwc], ctx.prefix, 'A', { axis: int(1) }), layout: 'rows' };
}

/** Flatten's inverse: each (n, m) column, in (row, column, channel) order, to an image; NCHW after. */
function exportUnflatten(ctx: ExportContext<Unflatten>): OnnxValue {
  const { graph: g, layer, prefix } = ctx;
  const x = expect(ctx, 'rows', '');
  if (layer.targetShape.length !== 3) {
    throw new OnnxUnsupportedError(
      `toOnnx: ${layer.describe()} (${prefix}) to a shape of rank ${layer.targetShape.length} has no ONNX export; images [n_H, n_W, n_C] do`,
    );
  }
  const nhwc = g.node('Reshape', [x, g.int64s(`${prefix}/shape`, [-1, ...layer.targetShape])], prefix, 'nhwc');
  return { name: g.node('Transpose', [nhwc], prefix, 'A', { perm: ints([0, 3, 1, 2]) }), layout: 'nchw' };
}

/** Inference mode: the moving statistics, A = γ·(x − μ)/√(σ² + ε) + β over axis 1 (features or channels). */
function exportBatchNormalization(ctx: ExportContext<BatchNormalization>): OnnxValue {
  const { graph: g, layer, prefix } = ctx;
  const n = layer.getWeight('movingMean').value.size;
  const param = (name: string, fill: number) =>
    layer.weights.some((w) => w.name === name)
      ? g.weight(ctx.key(name), [n], layer.getWeight(name).value.data)
      : g.weight(
          `${prefix}/${name}`,
          [n],
          new Float64Array(n).fill(fill),
          `${name} is not learned (${name === 'gamma' ? 'scale' : 'center'}: false)`,
        );
  const inputs = [ctx.input.name, param('gamma', 1), param('beta', 0), param('movingMean', 0), param('movingVariance', 1)];
  const A = g.node('BatchNormalization', inputs, prefix, 'A', { epsilon: float(layer.epsilon), momentum: float(layer.momentum) });
  return { name: A, layout: ctx.input.layout };
}

/** Dropout is the identity at inference (inverted dropout scales while training). */
function exportDropout(ctx: ExportContext<Dropout>): OnnxValue {
  return { name: ctx.graph.node('Identity', [ctx.input.name], ctx.prefix, 'A'), layout: ctx.input.layout };
}

function exportActivation(ctx: ExportContext<Activation>): OnnxValue {
  const { layer } = ctx;
  return { name: emitActivation(ctx.graph, ctx.prefix, layer.activation, layer.alpha, ctx.input.name, 1), layout: ctx.input.layout };
}

const exporters = new Map<string, LayerExporter>([
  ['Dense', exportDense as LayerExporter],
  ['Conv2D', exportConv2D as LayerExporter],
  ['MaxPool2D', exportPool('MaxPool') as LayerExporter],
  ['AveragePool2D', exportPool('AveragePool') as LayerExporter],
  ['GlobalAveragePooling2D', exportGlobalAveragePooling2D as LayerExporter],
  ['Flatten', exportFlatten as LayerExporter],
  ['Unflatten', exportUnflatten as LayerExporter],
  ['BatchNormalization', exportBatchNormalization as LayerExporter],
  ['Dropout', exportDropout as LayerExporter],
  ['Activation', exportActivation as LayerExporter],
]);

/**
 * Teaches toOnnx a layer class, by its registered name (registerLayer's), the way the
 * built-in layers are taught: the exporter adds the layer's nodes with `ctx.graph` and returns
 * its output value. Registering a name again replaces its exporter.
 */
export function registerOnnxExporter<L extends Layer>(className: string, exporter: LayerExporter<L>): void {
  if (typeof className !== 'string' || className === '') {
    throw new OnnxUnsupportedError(
      `registerOnnxExporter: className must be a layer's registered name, received ${JSON.stringify(className)}`,
    );
  }
  if (typeof exporter !== 'function') throw new OnnxUnsupportedError(`registerOnnxExporter('${className}'): exporter must be a function`);
  exporters.set(className, exporter as LayerExporter);
}

export function exporterOf(layer: Layer, index: number): LayerExporter {
  const exporter = exporters.get(layer.className);
  if (!exporter) {
    throw new OnnxUnsupportedError(
      `toOnnx: layer ${index + 1}, ${layer.describe()}, has no ONNX export (layers with one: ${[...exporters.keys()].join(', ')}); teach it with registerOnnxExporter('${layer.className}', ...)`,
    );
  }
  return exporter;
}
