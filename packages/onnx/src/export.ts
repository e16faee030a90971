import { type LayerShape, ModelError, type NamedWeight, Sequential } from '@neurite/layers';
import { checkOptions, type FloatDType, formatShape, ValueError } from '@neurite/tensor';
import { OnnxUnsupportedError } from './errors.ts';
import { exporterOf, type OnnxValue } from './export-layers.ts';
import { GraphBuilder, ints } from './graph.ts';
import { DATA_TYPE, encodeModel, type OnnxModel, type OnnxValueInfo } from './proto.ts';

/** The ONNX operator set the exported files declare (ONNX 1.12; ONNX Runtime 1.12 and later run it). */
export const ONNX_OPSET = 17;
/** The IR version they declare: 8, the one that goes with opset 17. */
export const ONNX_IR_VERSION = 8;

export interface ToOnnxOptions {
  /**
   * The input and output layout. 'course' (the default) keeps Neurite's: X (n_x, m) with
   * examples as columns and AL (n_L, m); images (m, n_H, n_W, n_C). 'rows' takes and gives
   * what other frameworks do: X (m, n_x) and AL (m, n_L), images (m, n_C, n_H, n_W) (NCHW),
   * so the file drops in where a PyTorch export would.
   */
  layout?: 'course' | 'rows';
  /** The graph input's name; default 'X'. */
  inputName?: string;
  /** The graph output's name; default 'AL'. */
  outputName?: string;
  /** The name of the dynamic batch dimension; default 'm'. */
  batchName?: string;
  /**
   * The file's float type. Default 'float32', which every ONNX runtime runs (a float64 model's
   * weights are rounded to float32). 'float64' keeps a float64 model's precision (DOUBLE
   * tensors), but ONNX Runtime's CPU has no float64 Conv, AveragePool, GlobalAveragePool,
   * Erf (gelu), Elu, Selu or Softplus, so such files run there only without those layers.
   */
  dtype?: FloatDType;
  /** Stored as the model's doc_string. */
  description?: string;
}

const OPTION_KEYS = ['layout', 'inputName', 'outputName', 'batchName', 'dtype', 'description'];

function name(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '')
    throw new ValueError(`toOnnx: ${option} must be a non-empty string, received ${JSON.stringify(value)}`);
  return value;
}

function valueInfo(n: string, dtype: FloatDType, dims: readonly (number | null)[], batch: string): OnnxValueInfo {
  const elemType = dtype === 'float64' ? DATA_TYPE.DOUBLE : DATA_TYPE.FLOAT;
  const dim = dims.map((d) => (d === null ? { dimParam: batch } : { dimValue: d }));
  return { name: n, type: { tensorType: { elemType, shape: { dim } } } };
}

/** Where the batch sits, per layout: the model's shape as the file's input or output. */
function boundaryDims(shape: LayerShape, layout: 'course' | 'rows', what: string): (number | null)[] {
  if (shape.length === 2 && shape[1] === null) return layout === 'course' ? [...shape] : [null, shape[0]];
  if (shape.length === 4 && shape[0] === null) return layout === 'course' ? [...shape] : [null, shape[3], shape[1], shape[2]];
  throw new OnnxUnsupportedError(
    `toOnnx: the model's ${what} is ${formatShape(shape.map((d) => d ?? -1))}; ONNX export takes (n, m) columns or (m, n_H, n_W, n_C) images`,
  );
}

/**
 * The ONNX file of a built model, as bytes (protobuf ModelProto), for inference: Dropout is
 * the identity and BatchNormalization uses its moving statistics. Weights keep their
 * Neurite names (W1, b1, batchNormalization1.gamma) as initializers; the batch dimension
 * is dynamic. Opset ONNX_OPSET, IR version ONNX_IR_VERSION, FLOAT tensors (DOUBLE with `dtype: 'float64'`).
 */
export function toOnnx(model: Sequential, options: ToOnnxOptions = {}): Uint8Array {
  if (!(model instanceof Sequential))
    throw new ValueError(`toOnnx: model must be a Sequential, received ${model === null ? 'null' : typeof model}`);
  const o = checkOptions(options, 'toOnnx', OPTION_KEYS) as ToOnnxOptions;
  const layout = o.layout ?? 'course';
  if (layout !== 'course' && layout !== 'rows')
    throw new ValueError(`toOnnx: layout must be 'course' or 'rows', received ${JSON.stringify(o.layout)}`);
  const inputName = name(o.inputName, 'inputName', 'X');
  const outputName = name(o.outputName, 'outputName', 'AL');
  const batch = name(o.batchName, 'batchName', 'm');
  if (inputName === outputName) throw new ValueError(`toOnnx: inputName and outputName must differ, both are '${inputName}'`);
  const dtype = o.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new ValueError(`toOnnx: dtype must be 'float32' or 'float64', received ${JSON.stringify(o.dtype)}`);
  if (o.description !== undefined && typeof o.description !== 'string') throw new ValueError('toOnnx: description must be a string');
  if (!model.built) {
    if (model.inputShape === null)
      throw new ModelError('toOnnx: the model is not built; give it inputShape (or inputUnits) or train it first');
    model.build();
  }
  const inputShape = model.inputShape as LayerShape;
  const inputDims = boundaryDims(inputShape, layout, 'input');
  const outputDims = boundaryDims(model.outputShape, layout, 'output');
  const g = new GraphBuilder(dtype, [inputName, outputName]);

  // Into the graph's layouts: rows (m, n) and NCHW images.
  let value: OnnxValue;
  if (inputShape.length === 2) {
    value =
      layout === 'course'
        ? { name: g.node('Transpose', [inputName], 'input', 'rows', { perm: ints([1, 0]) }), layout: 'rows' }
        : { name: inputName, layout: 'rows' };
  } else {
    value =
      layout === 'course'
        ? { name: g.node('Transpose', [inputName], 'input', 'nchw', { perm: ints([0, 3, 1, 2]) }), layout: 'nchw' }
        : { name: inputName, layout: 'nchw' };
  }

  const keys = new Map<string, string>(
    model.namedWeights().map((n: NamedWeight) => [`${model.layers.indexOf(n.layer)}.${n.weight.name}`, n.key]),
  );
  const perClass = new Map<string, number>();
  model.layers.forEach((layer, index) => {
    const stem = layer.className.slice(layer.className.lastIndexOf('>') + 1);
    const count = (perClass.get(stem) ?? 0) + 1;
    perClass.set(stem, count);
    const prefix = layer.name ?? `${stem[0].toLowerCase()}${stem.slice(1)}${count}`;
    const key = (weight: string) => keys.get(`${index}.${weight}`) ?? `${prefix}.${weight}`;
    value = exporterOf(layer, index)({ graph: g, layer, prefix, input: value, key });
  });

  // Back to the model's layout at the output.
  if (layout === 'course' && value.layout === 'rows')
    value.name = g.node('Transpose', [value.name], 'output', 'columns', { perm: ints([1, 0]) });
  if (layout === 'course' && value.layout === 'nchw')
    value.name = g.node('Transpose', [value.name], 'output', 'nhwc', { perm: ints([0, 2, 3, 1]) });
  g.rename(value.name, outputName, 'output');

  const onnx: OnnxModel = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'neurite',
    ...(o.description ? { docString: o.description } : {}),
    graph: {
      name: model.name ?? 'neurite',
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(inputName, dtype, inputDims, batch)],
      output: [valueInfo(outputName, dtype, outputDims, batch)],
      docString: `Neurite Sequential, layout '${layout}': ${inputName} ${describeDims(inputDims, batch)} -> ${outputName} ${describeDims(outputDims, batch)}`,
    },
  };
  return encodeModel(onnx);
}

function describeDims(dims: readonly (number | null)[], batch: string): string {
  return `(${dims.map((d) => d ?? batch).join(', ')})`;
}
