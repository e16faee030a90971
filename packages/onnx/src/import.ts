import {
  Activation,
  AveragePool2D,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  GlobalAveragePooling2D,
  type Layer,
  type LayerShape,
  MaxPool2D,
  Sequential,
  Unflatten,
} from '@neurite/layers';
import { checkOptions, type FloatDType, tensor, ValueError } from '@neurite/tensor';
import { OnnxFormatError, OnnxUnsupportedError } from './errors.ts';
import { ACTIVATION_HANDLERS, composite } from './import-activations.ts';
import { type GraphIndex, indexGraph, intsAttr } from './import-graph.ts';
import { LAYER_HANDLERS } from './import-layers.ts';
import { type Cursor, fileDims, type Spec, Walker } from './import-walk.ts';
import { DATA_TYPE, type OnnxDim } from './proto.ts';
import { dataTypeName, type ExternalData } from './tensors.ts';

const HANDLERS = { ...LAYER_HANDLERS, ...ACTIVATION_HANDLERS };

export interface FromOnnxOptions {
  /** How errors name the file (its path); default 'ONNX model'. */
  source?: string;
  /**
   * Weights kept outside the model file (torch.onnx.export writes its larger weights to
   * '<model>.onnx.data' by default): the files' bytes by the location the model names, or a
   * function that returns them. loadOnnx reads them from beside the model by itself.
   */
  externalData?: Record<string, Uint8Array> | ((location: string) => Uint8Array);
}

function externalReader(option: FromOnnxOptions['externalData'], source: string): ExternalData | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'function') return option;
  if (option === null || typeof option !== 'object')
    throw new ValueError('fromOnnx: externalData must be an object of Uint8Arrays by location, or a function');
  return (location) => {
    const bytes = Object.hasOwn(option, location) ? option[location] : undefined;
    if (!(bytes instanceof Uint8Array)) {
      throw new OnnxFormatError(
        `${source}: the weights are in the external file '${location}', which externalData does not hold (it has ${
          Object.keys(option)
            .map((k) => `'${k}'`)
            .join(', ') || 'nothing'
        })`,
      );
    }
    return bytes;
  };
}

/** The graph input's dtype and its layout, read from its declared shape and the node that reads it. */
function startCursor(g: GraphIndex): { cursor: Cursor; dtype: FloatDType } {
  const { input, source } = g;
  const type = input.type?.tensorType;
  const elem = type?.elemType;
  if (elem !== DATA_TYPE.FLOAT && elem !== DATA_TYPE.DOUBLE) {
    throw new OnnxUnsupportedError(`${source}: input '${input.name}' is ${dataTypeName(elem)}; Neurite models take FLOAT or DOUBLE`);
  }
  const dims: OnnxDim[] = type?.shape?.dim ?? [];
  const size = (k: number): number => {
    const d = dims[k]?.dimValue;
    if (!d || d <= 0) {
      throw new OnnxUnsupportedError(
        `${source}: input '${input.name}' needs a fixed size on every axis but the batch; axis ${k} is ${dims[k]?.dimParam ? `'${dims[k].dimParam}'` : 'unknown'}`,
      );
    }
    return d;
  };
  const readers = (g.consumers.get(input.name ?? '') ?? []).map((i) => g.nodes[i]);
  const first = readers.length === 1 && readers[0].opType === 'Transpose' ? (intsAttr(readers[0], 'perm') ?? []).join(',') : '';
  const value = input.name ?? '';
  const dtype = elem === DATA_TYPE.DOUBLE ? 'float64' : 'float32';
  let cursor: Cursor;
  // Neurite's own exports (layout 'course') begin with a Transpose into ONNX's layouts.
  if (dims.length === 2)
    cursor =
      first === '1,0' ? { value, layout: 'cols', dims: [size(0)], perm: null } : { value, layout: 'rows', dims: [size(1)], perm: null };
  else if (dims.length === 4) {
    cursor =
      first === '0,3,1,2'
        ? { value, layout: 'nhwc', dims: [size(1), size(2), size(3)], perm: null }
        : { value, layout: 'nchw', dims: [size(2), size(3), size(1)], perm: null };
  } else {
    throw new OnnxUnsupportedError(
      `${source}: input '${input.name}' has rank ${dims.length}; Neurite takes (batch, features) or (batch, C, H, W) images`,
    );
  }
  return { cursor, dtype };
}

function walk(g: GraphIndex, w: Walker): void {
  const outputName = g.output.name ?? '';
  while (w.cursor.value !== outputName) {
    // Shape nodes feed a Reshape's computed target shape (shapeInput reads them), not the chain.
    const readers = (g.consumers.get(w.cursor.value) ?? []).filter((i) => !g.used.has(i) && g.nodes[i].opType !== 'Shape');
    if (readers.length === 0) {
      throw new OnnxFormatError(
        `${g.source}: the chain of layers ends at '${w.cursor.value}', which no node reads, but the graph's output is '${outputName}'`,
      );
    }
    if (readers.length > 1) {
      composite(w, readers);
      continue;
    }
    const index = readers[0];
    const node = g.nodes[index];
    g.used.add(index);
    const handler = HANDLERS[node.opType ?? ''];
    if (!handler)
      w.unsupported(
        index,
        `the op ${node.opType} is not supported; fromOnnx reads ${Object.keys(HANDLERS).join(', ')} (and gelu, silu composed of elementwise ops)`,
      );
    handler(w, node, index);
  }
  const declared = g.output.type?.tensorType?.shape?.dim;
  const computed = fileDims(w.cursor);
  if (declared && declared.length > 0) {
    const bad =
      declared.length !== computed.length ||
      declared.some((d, k) => d.dimValue !== undefined && computed[k] !== null && d.dimValue !== computed[k]);
    if (bad) {
      const show = (ds: (number | string | null)[]) => `(${ds.map((d) => d ?? 'batch').join(', ')})`;
      throw new OnnxFormatError(
        `${g.source}: the output '${outputName}' is declared ${show(declared.map((d) => d.dimValue ?? d.dimParam ?? null))}, but the layers compute ${show(computed)}`,
      );
    }
  }
}

function layerOf(spec: Spec): Layer {
  switch (spec.type) {
    case 'Dense':
      return new Dense(spec.units, { activation: spec.activation, alpha: spec.alpha, useBias: spec.b !== null });
    case 'Conv2D':
      return new Conv2D(spec.filters, spec.kernel, {
        strides: spec.strides,
        padding: spec.padding,
        dilation: spec.dilation,
        activation: spec.activation,
        alpha: spec.alpha,
        useBias: spec.b !== null,
      });
    case 'MaxPool2D':
      return new MaxPool2D(spec.pool, { strides: spec.strides, padding: spec.padding });
    case 'AveragePool2D':
      return new AveragePool2D(spec.pool, { strides: spec.strides, padding: spec.padding, countIncludePad: spec.countIncludePad });
    case 'GlobalAveragePooling2D':
      return new GlobalAveragePooling2D({ keepDims: spec.keepDims });
    case 'Flatten':
      return new Flatten();
    case 'Unflatten':
      return new Unflatten(spec.shape);
    case 'BatchNormalization':
      return new BatchNormalization({ epsilon: spec.epsilon, momentum: spec.momentum });
    case 'Dropout':
      return new Dropout(spec.rate);
    case 'Activation':
      return new Activation(spec.activation, { alpha: spec.alpha });
  }
}

function weightsOf(spec: Spec): Record<string, Float64Array | null> {
  if (spec.type === 'Dense' || spec.type === 'Conv2D') return { W: spec.W, b: spec.b };
  if (spec.type === 'BatchNormalization')
    return { gamma: spec.gamma, beta: spec.beta, movingMean: spec.mean, movingVariance: spec.variance };
  return {};
}

/**
 * A Sequential from an ONNX model whose graph is a chain of supported ops: Gemm, or MatMul
 * and Add (Dense); Conv (Conv2D); MaxPool, AveragePool, GlobalAveragePool; Flatten or a
 * Reshape to (batch, features); BatchNormalization (inference statistics); Dropout; Relu,
 * Sigmoid, Tanh, LeakyRelu, PRelu with one slope, Elu, Selu, Softplus, Softmax, Gelu, and
 * gelu and silu composed of elementwise ops (as torch.onnx.export writes them).
 *
 * The model takes and gives Neurite's layouts whatever the file's: X (n_x, m) with examples
 * as columns for a file that takes (batch, n_x), images (m, H, W, C) for one that takes NCHW.
 * Weights are converted once (Linear's W as is, Conv's OIHW filters to (f_h, f_w, C_in, C_out),
 * the Dense after an NCHW flatten reordered to Neurite's (row, column, channel) features), so
 * the model predicts what the file does and trains like any other (compile, then fit).
 */
export function fromOnnx(bytes: Uint8Array | ArrayBuffer, options: FromOnnxOptions = {}): Sequential {
  const o = checkOptions(options, 'fromOnnx', ['source', 'externalData']) as FromOnnxOptions;
  const source = o.source ?? 'ONNX model';
  if (typeof source !== 'string') throw new ValueError(`fromOnnx: source must be a string, received ${typeof source}`);
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(data instanceof Uint8Array)) {
    throw new ValueError(
      `fromOnnx: bytes must be a Uint8Array or ArrayBuffer (the file's contents), received ${data === null ? 'null' : typeof data}`,
    );
  }
  if (data.length === 0) throw new OnnxFormatError(`${source}: the file is empty`);
  const g = indexGraph(data, source, externalReader(o.externalData, source));
  const { cursor, dtype } = startCursor(g);
  const w = new Walker(g, dtype, cursor);
  walk(g, w);
  const specs: Spec[] = [];
  for (const spec of w.specs) {
    // GlobalAveragePool then Flatten: one GlobalAveragePooling2D to (C, m).
    const last = specs[specs.length - 1];
    if (spec.type === 'Flatten' && last?.type === 'GlobalAveragePooling2D' && last.keepDims) last.keepDims = false;
    else specs.push(spec);
  }
  if (specs.length === 0) throw new OnnxUnsupportedError(`${source}: the graph computes no layer (its input is its output)`);
  const inputShape: LayerShape = cursor.dims.length === 1 ? [cursor.dims[0], null] : [null, ...cursor.dims];
  let model: Sequential;
  try {
    model = new Sequential({ inputShape, dtype, layers: specs.map(layerOf) }).build();
  } catch (error) {
    throw new OnnxFormatError(`${source}: the layers do not fit together: ${(error as Error).message}`);
  }
  specs.forEach((spec, k) => {
    const layer = model.layers[k];
    for (const [name, values] of Object.entries(weightsOf(spec))) {
      if (!values) continue;
      const weight = layer.getWeight(name);
      if (values.length !== weight.value.size) {
        throw new OnnxFormatError(
          `${spec.node}: its ${name} holds ${values.length} values, the ${layer.describe()} layer needs ${weight.value.size}`,
        );
      }
      weight.value = tensor(values, dtype, weight.shape);
    }
  });
  return model;
}
