/*
 * tanh and sigmoid for float32 outputs, in plain arithmetic.
 *
 * V8 runs Math.tanh and Math.exp as out-of-line calls into its fdlibm port. These inline
 * versions stay within 1e-12 relative of them (test/math32.test.ts), far inside float32's 6e-8
 * rounding step, so stored to a Float32Array they give Math's float32 value, or its neighbour
 * when the exact value lies within 1e-12 of a rounding boundary. float64 outputs keep Math's,
 * with which the course's published float64 costs were reproduced.
 *
 * Both reduce e^y to 2^k·e^r with |r| <= ln2/2 and sum e^r's Taylor series in Estrin's scheme
 * (a short dependency chain). Its coefficients are multiplications by reciprocals, never
 * divisions: V8 keeps `r / 6` a division (not exact as a product), and five of them made tanh
 * 1.3x slower (17 against 13 µs for the planar net's 1600 values).
 */

/** 2^k for k = 0..60, read from a table instead of assembled from bits. */
const POW2 = new Float64Array(61).map((_, i) => 2 ** i);
/** 2^-k for k = 0..180. */
const POW2_NEG = new Float64Array(181).map((_, i) => 2 ** -i);
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;

/** e^r for |r| <= ln2/2, to r^10 (truncation < 3e-13 relative). */
function expReduced(r: number): number {
  const r2 = r * r;
  const r4 = r2 * r2;
  return (
    1 +
    r +
    r2 * (0.5 + r * (1 / 6)) +
    r4 * (1 / 24 + r * (1 / 120) + r2 * (1 / 720 + r * (1 / 5040))) +
    r4 * r4 * (1 / 40320 + r * (1 / 362880) + r2 * (1 / 3628800))
  );
}

/** tanh(x) for float32 results. */
export function tanh32(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.125) {
    // Odd Taylor series to x^11 (next term < 6e-14 relative): e - 1 would cancel here. As
    // x·(1 + ...) so that -0 stays -0.
    const x2 = x * x;
    return x * (1 + x2 * (-1 / 3 + x2 * (2 / 15 + x2 * (-17 / 315 + x2 * (62 / 2835 + x2 * (-1382 / 155925))))));
  }
  // From |x| = 20 on tanh is 1 to double precision; NaN stays NaN.
  if (!(ax < 20)) return ax === ax ? (x > 0 ? 1 : -1) : x;
  // e = e^(2|x|) = 2^k·e^r.
  const y = 2 * ax;
  const k = (y * Math.LOG2E + 0.5) | 0;
  const e = expReduced(y - k * LN2_HI - k * LN2_LO) * POW2[k];
  const t = (e - 1) / (e + 1);
  return x < 0 ? -t : t;
}

/** 1 / (1 + e^-z) for float32 results. */
export function sigmoid32(z: number): number {
  const az = Math.abs(z);
  // Beyond |z| = 120, e^-|z| < 1e-52: sigmoid is 1 to double precision, or below float32's
  // smallest value (0 once stored). NaN stays NaN.
  if (!(az < 120)) return az === az ? (z > 0 ? 1 : 0) : z;
  // u = e^-|z| = 2^-k·e^r, then sigmoid(|z|) = 1/(1 + u) and sigmoid(-|z|) = u/(1 + u).
  const y = az * Math.LOG2E;
  const k = (y + 0.5) | 0;
  const u = expReduced(k * LN2_HI - az + k * LN2_LO) * POW2_NEG[k];
  const s = 1 / (1 + u);
  return z < 0 ? u * s : s;
}
