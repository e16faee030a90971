import type { FloatDType } from '@neurite/tensor';
import { ATTRIBUTE_TYPE, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './proto.ts';
import { floatTensor, int64Tensor } from './tensors.ts';

/** An attribute value: an integer, a float, or a list of integers (all the export needs). */
export type AttributeValue = { int: number } | { float: number } | { ints: readonly number[] };

export const int = (value: number): AttributeValue => ({ int: value });
export const float = (value: number): AttributeValue => ({ float: value });
export const ints = (value: readonly number[]): AttributeValue => ({ ints: value });

function attribute(name: string, value: AttributeValue): OnnxAttribute {
  if ('int' in value) return { name, type: ATTRIBUTE_TYPE.INT, i: value.int };
  if ('float' in value) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: value.float };
  return { name, type: ATTRIBUTE_TYPE.INTS, ints: [...value.ints] };
}

/**
 * The graph under construction: nodes in topological order (each added after its inputs),
 * initializers in the model's dtype, and names kept unique across both.
 */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  readonly dtype: FloatDType;
  readonly #taken = new Set<string>();
  readonly #nodeNames = new Set<string>();

  constructor(dtype: FloatDType, reserved: readonly string[]) {
    this.dtype = dtype;
    for (const name of reserved) this.#taken.add(name);
  }

  /** `stem`, or `stem_2`, `stem_3`, ... if taken. */
  fresh(stem: string): string {
    let name = stem;
    for (let k = 2; this.#taken.has(name); k++) name = `${stem}_${k}`;
    this.#taken.add(name);
    return name;
  }

  /** A float initializer in the model's dtype; returns its name. */
  weight(stem: string, dims: readonly number[], values: ArrayLike<number>, docString?: string): string {
    const name = this.fresh(stem);
    const t = floatTensor(name, dims, values, this.dtype);
    if (docString) t.docString = docString;
    this.initializers.push(t);
    return name;
  }

  /** A 0-d float constant in the model's dtype. */
  scalar(stem: string, value: number): string {
    return this.weight(stem, [], [value]);
  }

  /** A 1-D int64 constant (shapes, axes). */
  int64s(stem: string, values: readonly number[]): string {
    const name = this.fresh(stem);
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  /** Adds a node named `<prefix>/<op>`; returns the name of its output, `<prefix>/<outputStem>`. */
  node(op: string, inputs: readonly string[], prefix: string, outputStem: string, attributes: Record<string, AttributeValue> = {}): string {
    const output = this.fresh(`${prefix}/${outputStem}`);
    let name = `${prefix}/${op}`;
    for (let k = 2; this.#nodeNames.has(name); k++) name = `${prefix}/${op}_${k}`;
    this.#nodeNames.add(name);
    const attribute_ = Object.entries(attributes).map(([k, v]) => attribute(k, v));
    this.nodes.push({ name, opType: op, input: [...inputs], output: [output], ...(attribute_.length ? { attribute: attribute_ } : {}) });
    return output;
  }

  /**
   * Gives value `from` the name `to` (the graph's output name): renames the output of the
   * node that made it, or adds an Identity when `from` is no node's output (the graph input).
   */
  rename(from: string, to: string, prefix: string): void {
    const producer = this.nodes.find((n) => n.output?.[0] === from);
    if (!producer) {
      this.nodes.push({ name: `${prefix}/Identity`, opType: 'Identity', input: [from], output: [to] });
      return;
    }
    (producer.output as string[])[0] = to;
    for (const n of this.nodes) n.input = n.input?.map((i) => (i === from ? to : i));
  }
}
