import type { Tensor } from '../tensor.ts';

/**
 * A tape records, while a `grad` is being taken, which op made which tensor from which
 * inputs. Only ops that touch a tracked tensor are recorded, so code outside `grad`
 * pays one null check per op and nothing else.
 */
export interface TapeNode {
  op: string;
  inputs: Tensor[];
  output: Tensor;
  /** What the op's derivative needs beyond inputs and output (axis, alpha, flags). */
  attrs: Record<string, unknown>;
}

export class Tape {
  readonly nodes: TapeNode[] = [];
  private readonly tracked = new Set<number>();

  track(t: Tensor): void {
    this.tracked.add(t.id);
  }

  isTracked(t: Tensor): boolean {
    return this.tracked.has(t.id);
  }
}

let active: Tape | null = null;

/** Runs `fn` with `tape` recording; nested calls restore the outer tape. */
export function withTape<T>(tape: Tape | null, fn: () => T): T {
  const outer = active;
  active = tape;
  try {
    return fn();
  } finally {
    active = outer;
  }
}

export function record(op: string, inputs: Tensor[], output: Tensor, attrs: Record<string, unknown> = {}): Tensor {
  const tape = active;
  if (tape !== null && inputs.some((t) => tape.isTracked(t))) {
    tape.nodes.push({ op, inputs, output, attrs });
    tape.track(output);
  }
  return output;
}
