/*
 * Packing for gemm: a block of an operand copied into the micro-kernel's reading order,
 * zero-padded to whole panels. Any layout (a transposed operand included) is read here
 * through its strides, in place.
 */

/**
 * `count` lines of `len` steps into panels of `width` lines: panel q holds, for each step p,
 * the `width` values of lines q*width ... Line l, step p is at src + l*ls + p*ps. Lines past
 * `count` in the last panel are zeros, so a tile computed over them is exact where it is kept.
 */
export function packPanels<T>(src: usize, ls: usize, ps: usize, count: i32, len: i32, width: i32, dst: usize): void {
  const S = <usize>sizeof<T>();
  if (ls == S && <usize>width * S == 32) {
    packPanelsContiguousAll<T>(src, ps, count, len, width, dst);
    return;
  }
  for (let q = 0; q < count; q += width) {
    const h = min(width, count - q);
    const panel = dst + <usize>(q * len) * S;
    const stride = <usize>width * S;
    for (let l = 0; l < width; l++) {
      const col = panel + <usize>l * S;
      if (l < h) {
        let from = src + <usize>(q + l) * ls;
        for (let p = 0; p < len; p++) {
          store<T>(col + <usize>p * stride, load<T>(from));
          from += ps;
        }
      } else {
        for (let p = 0; p < len; p++) store<T>(col + <usize>p * stride, <T>0);
      }
    }
  }
}

/** Lines adjacent in memory (a row of 32 bytes per step): two vector copies per step. */
function packPanelsContiguousAll<T>(src: usize, ps: usize, count: i32, len: i32, width: i32, dst: usize): void {
  const S = <usize>sizeof<T>();
  for (let q = 0; q < count; q += width) {
    const h = min(width, count - q);
    const panel = dst + <usize>(q * len) * S;
    if (h < width) {
      packPanelsContiguous<T>(src + <usize>q * S, ps, h, len, width, panel);
      continue;
    }
    let from = src + <usize>q * S;
    let to = panel;
    for (let p = 0; p < len; p++) {
      v128.store(to, v128.load(from));
      v128.store(to, v128.load(from, 16), 16);
      from += ps;
      to += 32;
    }
  }
}

/** One panel of the first `h` < width adjacent lines, the rest zeros. */
export function packPanelsContiguous<T>(src: usize, ps: usize, h: i32, len: i32, width: i32, dst: usize): void {
  const S = <usize>sizeof<T>();
  for (let p = 0; p < len; p++) {
    const row = dst + <usize>(p * width) * S;
    const from = src + <usize>p * ps;
    for (let l = 0; l < width; l++) store<T>(row + <usize>l * S, l < h ? load<T>(from + <usize>l * S) : <T>0);
  }
}
