import type { ActivationName } from '@neurite/layers';
import type { FloatDType, Padding } from '@neurite/tensor';
import { OnnxFormatError, OnnxUnsupportedError } from './errors.ts';
import { type GraphIndex, nodeLabel } from './import-graph.ts';
import type { OnnxNode } from './proto.ts';
import type { Constant } from './tensors.ts';

/**
 * Where the walk stands: the value it follows and how that value's axes relate to Neurite's.
 * 'rows' is (m, n) (Neurite's (n, m) transposed), 'cols' is (n, m) as Neurite has it, 'nchw'
 * is images (m, C, H, W) (Neurite's (m, H, W, C) permuted), 'nhwc' is Neurite's own image layout.
 */
export interface Cursor {
  value: string;
  layout: 'rows' | 'cols' | 'nchw' | 'nhwc';
  /** Neurite's sizes without the batch: [n] for rows and cols, [H, W, C] for images. */
  dims: number[];
  /**
   * After an NCHW Flatten, features come in (channel, row, column) order, Neurite's in
   * (row, column, channel): perm[j] is the file's index of Neurite's feature j, applied to the
   * weights of the next Dense (and BatchNormalization) instead of moving data.
   */
  perm: Int32Array | null;
}

/** A layer to make, with its weights in Neurite's layout; `node` names the source in errors. */
export type Spec = { node: string } & (
  | { type: 'Dense'; units: number; W: Float64Array; b: Float64Array | null; activation: ActivationName; alpha: number }
  | {
      type: 'Conv2D';
      filters: number;
      kernel: [number, number];
      strides: [number, number];
      dilation: [number, number];
      padding: Padding;
      /** (f_h, f_w, n_C_prev, n_C), row-major. */
      W: Float64Array;
      b: Float64Array | null;
      activation: ActivationName;
      alpha: number;
    }
  | { type: 'MaxPool2D' | 'AveragePool2D'; pool: [number, number]; strides: [number, number]; padding: Padding; countIncludePad: boolean }
  | { type: 'GlobalAveragePooling2D'; keepDims: boolean }
  | { type: 'Flatten' }
  | { type: 'Unflatten'; shape: [number, number, number] }
  | {
      type: 'BatchNormalization';
      epsilon: number;
      momentum: number;
      gamma: Float64Array;
      beta: Float64Array;
      mean: Float64Array;
      variance: Float64Array;
    }
  | { type: 'Dropout'; rate: number }
  | { type: 'Activation'; activation: ActivationName; alpha: number }
);

export class Walker {
  readonly graph: GraphIndex;
  readonly dtype: FloatDType;
  cursor: Cursor;
  readonly specs: Spec[] = [];
  /** The value the last spec produced: an activation right after a Dense or Conv2D joins it. */
  lastOutput = '';

  constructor(graph: GraphIndex, dtype: FloatDType, cursor: Cursor) {
    this.graph = graph;
    this.dtype = dtype;
    this.cursor = cursor;
  }

  label(index: number): string {
    return `${this.graph.source}: ${nodeLabel(this.graph.nodes[index], index)}`;
  }

  fail(index: number, message: string): never {
    throw new OnnxFormatError(`${this.label(index)}: ${message}`);
  }

  unsupported(index: number, message: string): never {
    throw new OnnxUnsupportedError(`${this.label(index)}: ${message}`);
  }

  /** The constant `name` (an initializer or folded value), float in the model's dtype unless `int`. */
  constant(index: number, name: string | undefined, what: string, kind: 'float' | 'int' = 'float'): Constant {
    const c = name ? this.graph.constants.get(name) : undefined;
    if (!c) this.unsupported(index, `its ${what} must be a constant (an initializer), but '${name ?? ''}' is computed in the graph`);
    if (kind === 'int' && c.kind !== 'int') this.fail(index, `its ${what} '${name}' must be INT64, received ${c.kind}`);
    if (kind === 'float' && c.kind !== this.dtype) {
      this.fail(
        index,
        `its ${what} '${name}' is ${c.kind === 'int' ? 'an integer tensor' : c.kind}, but the model's input is ${this.dtype}`,
      );
    }
    return c;
  }

  optionalConstant(index: number, name: string | undefined, what: string): Constant | null {
    return name ? this.constant(index, name, what) : null;
  }

  /** The node reads the cursor as its first input; its other inputs are constants. */
  expectData(index: number, node: OnnxNode): void {
    if (node.input?.[0] !== this.cursor.value)
      this.unsupported(index, `expected the layer's input '${this.cursor.value}' as its first input`);
  }

  /** Outputs after the first (MaxPool's indices, Dropout's mask, BatchNormalization's training statistics) must be unused. */
  expectOneOutput(index: number, node: OnnxNode, what: string): void {
    for (const extra of (node.output ?? []).slice(1)) {
      if (extra !== '' && (this.graph.consumers.get(extra)?.length || extra === this.graph.output.name)) {
        this.unsupported(index, `its output '${extra}' (${what}) is used; a Neurite layer has one output`);
      }
    }
  }

  expectLayout(index: number, layouts: readonly Cursor['layout'][], what: string): void {
    if (!layouts.includes(this.cursor.layout)) {
      const got = { rows: '(m, n) rows', cols: '(n, m) columns', nchw: 'NCHW images', nhwc: 'NHWC images' }[this.cursor.layout];
      this.unsupported(index, `${what} receives ${got} here`);
    }
  }

  /** Moves to the node's output; `spec` (if any) is the layer that computes it. */
  advance(node: OnnxNode, next: Partial<Cursor>, spec?: Spec): void {
    this.moveTo(node.output?.[0] ?? '', next, spec);
  }

  moveTo(value: string, next: Partial<Cursor>, spec?: Spec): void {
    this.cursor = { ...this.cursor, ...next, value };
    if (spec) {
      this.specs.push(spec);
      this.lastOutput = value;
    }
  }

  /** The features' count for a rows/cols cursor. */
  get features(): number {
    return this.cursor.dims.length === 1 ? this.cursor.dims[0] : this.cursor.dims.reduce((p, d) => p * d, 1);
  }
}

/** The value's shape in the file's layout, the batch as null. */
export function fileDims({ layout, dims }: Cursor): (number | null)[] {
  if (layout === 'rows') return [null, dims[0]];
  if (layout === 'cols') return [dims[0], null];
  if (layout === 'nchw') return [null, dims[2], dims[0], dims[1]];
  return [null, ...dims];
}

/** values[perm[j]] for each j: a per-feature vector in Neurite's feature order. */
export function permuted(values: Float64Array, perm: Int32Array | null): Float64Array {
  if (!perm) return values;
  return Float64Array.from(perm, (p) => values[p]);
}
