import { OnnxFormatError, OnnxUnsupportedError } from './errors.ts';
import { ATTRIBUTE_TYPE, decodeModel, type OnnxAttribute, type OnnxNode, type OnnxValueInfo } from './proto.ts';
import { type Constant, type ExternalData, readTensor } from './tensors.ts';

/** A node as errors name it: "node '/fc1/Gemm' (Gemm)", or its position when it has no name. */
export function nodeLabel(node: OnnxNode, index: number): string {
  return node.name ? `node '${node.name}' (${node.opType})` : `node ${index} (${node.opType}, unnamed)`;
}

/**
 * A decoded graph, indexed for walking it as a chain: constants (initializers, Constant
 * nodes and whatever folds from them), who makes and who reads each value, and the one
 * input and one output a Sequential can have.
 */
export interface GraphIndex {
  source: string;
  opset: number;
  nodes: OnnxNode[];
  constants: Map<string, Constant>;
  consumers: Map<string, number[]>;
  /** The node that makes each value. */
  producers: Map<string, number>;
  input: OnnxValueInfo;
  output: OnnxValueInfo;
  /** Nodes folded into constants or otherwise accounted for (the walk marks the rest). */
  used: Set<number>;
}

export function attr(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function intAttr(node: OnnxNode, name: string, fallback: number): number {
  const a = attr(node, name);
  return a?.i ?? fallback;
}

export function floatAttr(node: OnnxNode, name: string, fallback: number): number {
  const a = attr(node, name);
  return a?.f ?? fallback;
}

export function intsAttr(node: OnnxNode, name: string): number[] | undefined {
  const a = attr(node, name);
  return a ? (a.ints ?? []) : undefined;
}

export function stringAttr(node: OnnxNode, name: string, fallback: string): string {
  const a = attr(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : fallback;
}

/** A Constant node's value, from whichever attribute holds it. */
function constantValue(node: OnnxNode, where: string): Constant {
  const a = node.attribute?.[0];
  if (!a || (node.attribute?.length ?? 0) !== 1) throw new OnnxFormatError(`${where}: a Constant needs exactly one value attribute`);
  if (a.name === 'value' && a.t) return readTensor(a.t, where);
  if (a.name === 'value_float') return { dims: [], kind: 'float32', data: Float64Array.of(a.f ?? 0) };
  if (a.name === 'value_floats') return { dims: [a.floats?.length ?? 0], kind: 'float32', data: Float64Array.from(a.floats ?? []) };
  if (a.name === 'value_int') return { dims: [], kind: 'int', data: Float64Array.of(a.i ?? 0) };
  if (a.name === 'value_ints') return { dims: [a.ints?.length ?? 0], kind: 'int', data: Float64Array.from(a.ints ?? []) };
  throw new OnnxUnsupportedError(`${where}: Constant's attribute '${a.name}' is not supported (value, value_float(s), value_int(s) are)`);
}

/** Folds the ops that only move constants around (PyTorch leaves a few when not folding): Identity, Reshape, Unsqueeze, Squeeze, Transpose of 2-D. */
function fold(node: OnnxNode, inputs: Constant[], where: string): Constant | null {
  const [x] = inputs;
  switch (node.opType) {
    case 'Identity':
      return x;
    case 'Transpose': {
      const perm = intsAttr(node, 'perm') ?? [1, 0];
      if (x.dims.length !== 2 || perm[0] !== 1) return x.dims.length === 2 && perm[0] === 0 ? x : null;
      const [r, c] = x.dims;
      const data = new Float64Array(x.data.length);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = x.data[i * c + j];
      return { dims: [c, r], kind: x.kind, data };
    }
    case 'Reshape': {
      const shape = Array.from(inputs[1]?.data ?? []);
      const size = x.data.length;
      const known = shape.map((d, i) => (d === 0 ? x.dims[i] : d));
      const rest = known.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
      const dims = known.map((d) => (d === -1 ? size / rest : d));
      if (dims.reduce((p, d) => p * d, 1) !== size)
        throw new OnnxFormatError(`${where}: cannot reshape ${x.dims.join('x')} to ${shape.join('x')}`);
      return { dims, kind: x.kind, data: x.data };
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      const axes = intsAttr(node, 'axes') ?? Array.from(inputs[1]?.data ?? []);
      const r = x.dims.length;
      if (node.opType === 'Squeeze') {
        const drop = axes.length > 0 ? new Set(axes.map((a) => (a + r) % r)) : null;
        return { dims: x.dims.filter((d, i) => (drop ? !drop.has(i) : d !== 1)), kind: x.kind, data: x.data };
      }
      const dims = [...x.dims];
      const rank = r + axes.length;
      for (const a of axes.map((a) => (a + rank) % rank).sort((p, q) => p - q)) dims.splice(a, 0, 1);
      return { dims, kind: x.kind, data: x.data };
    }
    default:
      return null;
  }
}

function checkNode(node: OnnxNode, index: number): void {
  if (!node.opType) throw new OnnxFormatError(`node ${index}${node.name ? ` '${node.name}'` : ''} has no op_type`);
  const domain = node.domain ?? '';
  if (domain !== '' && domain !== 'ai.onnx') {
    throw new OnnxUnsupportedError(
      `${nodeLabel(node, index)} is in domain '${domain}'; fromOnnx reads the standard ONNX operators (domain '')`,
    );
  }
}

export function indexGraph(bytes: Uint8Array, source: string, external?: ExternalData): GraphIndex {
  const model = decodeModel(bytes, source);
  const graph = model.graph;
  if (!graph) throw new OnnxFormatError(`${source}: the model has no graph (is this an ONNX file?)`);
  if (!model.irVersion || model.irVersion < 3)
    throw new OnnxFormatError(`${source}: ir_version ${model.irVersion ?? 'is missing'}; ONNX files declare 3 or later`);
  const opset = model.opsetImport?.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version;
  if (!opset) throw new OnnxFormatError(`${source}: the model imports no opset of the standard domain ('')`);
  if (opset < 7) throw new OnnxUnsupportedError(`${source}: opset ${opset} is too old; fromOnnx reads opset 7 and later`);
  const nodes = graph.node ?? [];
  const constants = new Map<string, Constant>();
  for (const [k, t] of (graph.initializer ?? []).entries()) {
    if (!t.name) throw new OnnxFormatError(`${source}: initializer ${k} has no name`);
    constants.set(t.name, readTensor(t, `${source}: initializer '${t.name}'`, external));
  }
  const used = new Set<number>();
  const consumers = new Map<string, number[]>();
  const producers = new Map<string, number>();
  const produced = new Set<string>();
  nodes.forEach((node, i) => {
    checkNode(node, i);
    for (const input of node.input ?? []) {
      if (input === '') continue;
      if (!constants.has(input) && !produced.has(input) && !(graph.input ?? []).some((v) => v.name === input)) {
        throw new OnnxFormatError(`${source}: ${nodeLabel(node, i)} reads '${input}', which no earlier node, input or initializer defines`);
      }
      consumers.set(input, [...(consumers.get(input) ?? []), i]);
    }
    for (const output of node.output ?? []) {
      produced.add(output);
      producers.set(output, i);
    }
    const where = `${source}: ${nodeLabel(node, i)}`;
    const inputs = (node.input ?? []).filter((n) => n !== '').map((n) => constants.get(n));
    const value =
      node.opType === 'Constant'
        ? constantValue(node, where)
        : inputs.length > 0 && inputs.every((c) => c)
          ? fold(node, inputs as Constant[], where)
          : null;
    if (value) {
      constants.set(node.output?.[0] ?? '', value);
      used.add(i);
    }
  });
  const inputs = (graph.input ?? []).filter((v) => v.name && !constants.has(v.name));
  if (inputs.length !== 1) {
    throw new OnnxUnsupportedError(
      `${source}: a Sequential has one input; the graph has ${inputs.length}${inputs.length ? ` (${inputs.map((v) => `'${v.name}'`).join(', ')})` : ''}`,
    );
  }
  const outputs = graph.output ?? [];
  if (outputs.length !== 1) {
    throw new OnnxUnsupportedError(
      `${source}: a Sequential has one output; the graph has ${outputs.length} (${outputs.map((v) => `'${v.name}'`).join(', ')})`,
    );
  }
  return { source, opset, nodes, constants, consumers, producers, input: inputs[0], output: outputs[0], used };
}

export { ATTRIBUTE_TYPE };
