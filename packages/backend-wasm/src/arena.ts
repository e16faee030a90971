import type { FloatArray, TypedArray } from '@neurite/tensor';
import { type Kernels, MAX_PAGES } from './module.ts';

const PAGE = 65536;
/** Bytes of one control block of the thread pool. */
export const CONTROL_BYTES = 256;
/**
 * Control blocks kept at the arena's start: each generation of workers (setWasmThreads starts
 * one) uses the next, so a stopped worker that has not exited yet only ever touches its own.
 */
export const CONTROL_BLOCKS = 64;

/**
 * The wasm memory as the backend uses it. Tensors stay ordinary GC-owned typed arrays (users
 * never dispose anything); each op copies its operands into this arena, runs its kernel and
 * copies the result out, and the next op reuses the same bytes. So the memory grows to the
 * largest op's working set and stays there (wasm memory cannot shrink), and growing it, which
 * replaces a non-shared memory's ArrayBuffer, only ever happens inside `alloc`, which renews
 * the views at once. The copies cost ~0.1 ms per MB (the benchmark measures them).
 */
export class Arena {
  f32!: Float32Array;
  f64!: Float64Array;
  i32!: Int32Array;
  /** Address of the thread pool's first control block. */
  readonly control: number;
  /** Where resident blocks start; the per-op bytes start after the last one (`start`). */
  private readonly base: number;
  private start: number;
  private top: number;
  /** Resident blocks (`keep`), by address: [at, bytes]. */
  private readonly blocks: [number, number][] = [];
  /** The address of each resident view, so `read` uses it in place. */
  private readonly resident = new WeakMap<FloatArray, number>();
  /** Frees a resident block once its view is garbage. */
  private readonly finalizer = new FinalizationRegistry<number>((at) => this.release(at));

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly kernels: Kernels,
  ) {
    this.control = align(kernels.heapBase(), 64);
    this.base = this.control + CONTROL_BYTES * CONTROL_BLOCKS;
    this.start = this.base;
    this.top = this.start;
    this.refresh();
  }

  /** Frees everything `alloc` handed out since the last reset (ops do not nest), resident blocks aside. */
  reset(): void {
    this.top = this.start;
  }

  /** `bytes` of arena, 64-byte aligned, growing the memory when needed. */
  alloc(bytes: number): number {
    const at = align(this.top, 64);
    const end = at + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // A quarter more than asked, so a workload that grows op by op does not grow every op.
      const want = Math.min(MAX_PAGES, Math.ceil((end + (end >> 2)) / PAGE));
      const pages = want - have / PAGE;
      if (want * PAGE < end || pages <= 0) throw new RangeError(`@neurite/backend-wasm: an op needs ${end} bytes, past wasm32's 4 GiB`);
      this.memory.grow(pages);
      this.refresh();
    }
    this.top = end;
    return at;
  }

  /**
   * The address of `data` as the element type of `like`, for an operand the kernel only reads:
   * a resident view's own (no copy), else a copy's (`put`).
   */
  read(data: TypedArray, like: FloatArray): number {
    const at = this.resident.get(data as FloatArray);
    return at !== undefined && data.constructor === like.constructor ? at : this.put(data, like);
  }

  /**
   * A copy of `data` that lives in wasm memory until the returned view is garbage: kernels
   * read it in place (`read`). Only with shared memory, whose growth never detaches a view
   * (a non-shared memory's would be emptied by the next growth). Called between ops only.
   */
  keep(data: FloatArray): FloatArray {
    const bytes = data.byteLength;
    const at = this.fit(bytes);
    const buffer = this.memory.buffer;
    const view = data instanceof Float64Array ? new Float64Array(buffer, at, data.length) : new Float32Array(buffer, at, data.length);
    view.set(data);
    this.resident.set(view, at);
    this.finalizer.register(view, at);
    return view;
  }

  /** Bytes of resident blocks now. */
  get residentBytes(): number {
    return this.blocks.reduce((sum, [, bytes]) => sum + bytes, 0);
  }

  /** First fit among the gaps between resident blocks, else a new block after the last one. */
  private fit(bytes: number): number {
    let prev = this.base;
    for (let i = 0; i < this.blocks.length; i++) {
      const [at, size] = this.blocks[i];
      if (at - prev >= bytes) {
        this.blocks.splice(i, 0, [prev, bytes]);
        return prev;
      }
      prev = align(at + size, 64);
    }
    const at = prev;
    this.top = at;
    this.alloc(bytes);
    this.blocks.push([at, bytes]);
    this.start = align(at + bytes, 64);
    this.top = this.start;
    return at;
  }

  /** A resident block freed: its bytes serve the next `keep`, or the ops when it was the last. */
  private release(at: number): void {
    const i = this.blocks.findIndex(([a]) => a === at);
    if (i < 0) return;
    this.blocks.splice(i, 1);
    const last = this.blocks[this.blocks.length - 1];
    this.start = last ? align(last[0] + last[1], 64) : this.base;
    this.top = this.start;
  }

  /** Copies `data` in as the element type of `like` (converting if it differs) and returns its address. */
  put(data: TypedArray, like: FloatArray): number {
    const at = this.alloc(data.length * like.BYTES_PER_ELEMENT);
    this.view(like).set(data, at / like.BYTES_PER_ELEMENT);
    return at;
  }

  /** Copies `out.length` elements at `at` into `out`. */
  take(at: number, out: FloatArray | Int32Array): void {
    const s = out.BYTES_PER_ELEMENT;
    const v = out instanceof Int32Array ? this.i32 : this.view(out);
    out.set(v.subarray(at / s, at / s + out.length));
  }

  view(like: FloatArray): FloatArray {
    return like instanceof Float64Array ? this.f64 : this.f32;
  }

  /** Bytes the memory holds now (the high-water mark of every op so far). */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
  }
}

function align(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}
