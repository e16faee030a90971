/*
 * GEMM's thin cases, where a register tile would be mostly padding: X with fewer rows than a
 * tile (w·X of logistic regression: 1 x 12288 by 12288 x 209), or Y with fewer columns (its
 * backward dw = dZ·Xᵀ, computed swapped as X·dZᵀ: 12288 x 209 by 209 x 1). Both are bound by
 * reading the large operand once, so each streams it sequentially instead of through strided
 * panels (the tile path ran these at 2 GFLOPS).
 *
 * Every element sums its k products in the same order whatever range [j0, j1) or [i0, i1) a
 * thread is given, so the bits do not depend on the thread count.
 */

/**
 * C[i, j0..j1) = alpha·Σp X[i, p]·Y[p, j] + beta·C for the `rows` rows of X (X element (i, p)
 * at x + i*xr + p*xc), Y's rows contiguous (row p at y + p*yk), C's rows contiguous. Y is read
 * four rows at a time, row by row; the C row accumulates in place (it stays in L1).
 */
export function rowsTimesMatrix<T>(
  rows: i32,
  k: i32,
  x: usize,
  xr: usize,
  xc: usize,
  y: usize,
  yk: usize,
  c: usize,
  cr: usize,
  j0: i32,
  j1: i32,
  alpha: T,
  beta: T,
): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const out = c + <usize>i * cr;
    for (let j = j0; j < j1; j++) {
      const at = out + <usize>j * S;
      store<T>(at, beta == 0 ? <T>0 : beta * load<T>(at));
    }
    const xi = x + <usize>i * xr;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const a0: T = alpha * load<T>(xi + <usize>p * xc);
      const a1: T = alpha * load<T>(xi + <usize>(p + 1) * xc);
      const a2: T = alpha * load<T>(xi + <usize>(p + 2) * xc);
      const a3: T = alpha * load<T>(xi + <usize>(p + 3) * xc);
      const v0 = v128.splat<T>(a0), v1 = v128.splat<T>(a1), v2 = v128.splat<T>(a2), v3 = v128.splat<T>(a3);
      const r0 = y + <usize>p * yk;
      const r1 = r0 + yk, r2 = r1 + yk, r3 = r2 + yk;
      let j = j0;
      for (; j + L <= j1; j += L) {
        const o = <usize>j * S;
        let acc = v128.load(out + o);
        acc = v128.add<T>(acc, v128.mul<T>(v0, v128.load(r0 + o)));
        acc = v128.add<T>(acc, v128.mul<T>(v1, v128.load(r1 + o)));
        acc = v128.add<T>(acc, v128.mul<T>(v2, v128.load(r2 + o)));
        acc = v128.add<T>(acc, v128.mul<T>(v3, v128.load(r3 + o)));
        v128.store(out + o, acc);
      }
      for (; j < j1; j++) {
        const o = <usize>j * S;
        let acc = load<T>(out + o);
        acc += a0 * load<T>(r0 + o);
        acc += a1 * load<T>(r1 + o);
        acc += a2 * load<T>(r2 + o);
        acc += a3 * load<T>(r3 + o);
        store<T>(out + o, acc);
      }
    }
    for (; p < k; p++) {
      const a: T = alpha * load<T>(xi + <usize>p * xc);
      const v = v128.splat<T>(a);
      const r = y + <usize>p * yk;
      let j = j0;
      for (; j + L <= j1; j += L) {
        const o = <usize>j * S;
        v128.store(out + o, v128.add<T>(v128.load(out + o), v128.mul<T>(v, v128.load(r + o))));
      }
      for (; j < j1; j++) {
        const o = <usize>j * S;
        store<T>(out + o, load<T>(out + o) + a * load<T>(r + o));
      }
    }
  }
}

/**
 * C[i0..i1), j] = alpha·Σp X[i, p]·Y[p, j] + beta·C for the `cols` columns of Y: dot products of
 * X's contiguous rows (row i at x + i*xr) with Y's contiguous columns (column j at y + j*yj),
 * C (i, j) at c + i*cr + j*cc. Each dot product keeps `16 / sizeof<T>` lanes of partial sums,
 * lane l summing the steps p ≡ l, then adds the lanes in a fixed order.
 */
export function matrixTimesColumns<T>(
  cols: i32,
  k: i32,
  x: usize,
  xr: usize,
  y: usize,
  yj: usize,
  c: usize,
  cr: usize,
  cc: usize,
  i0: i32,
  i1: i32,
  alpha: T,
  beta: T,
): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const kv = k - (k % (2 * L));
  for (let j = 0; j < cols; j++) {
    const col = y + <usize>j * yj;
    for (let i = i0; i < i1; i++) {
      const row = x + <usize>i * xr;
      let s0 = v128.splat<T>(0), s1 = v128.splat<T>(0);
      for (let p = 0; p < kv; p += 2 * L) {
        const o = <usize>p * S;
        s0 = v128.add<T>(s0, v128.mul<T>(v128.load(row + o), v128.load(col + o)));
        s1 = v128.add<T>(s1, v128.mul<T>(v128.load(row + o, 16), v128.load(col + o, 16)));
      }
      const s = v128.add<T>(s0, s1);
      let total: T = v128.extract_lane<T>(s, 0) + v128.extract_lane<T>(s, 1);
      if (L == 4) total += v128.extract_lane<T>(s, 2) + v128.extract_lane<T>(s, 3);
      for (let p = kv; p < k; p++) total += load<T>(row + <usize>p * S) * load<T>(col + <usize>p * S);
      const at = c + <usize>i * cr + <usize>j * cc;
      store<T>(at, beta == 0 ? alpha * total : alpha * total + beta * load<T>(at));
    }
  }
}
