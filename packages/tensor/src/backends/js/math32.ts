/*
 * tanh and sigmoid for float32 outputs, in plain arithmetic.
 *
 * V8 runs Math.tanh and Math.exp as out-of-line calls into its fdlibm port. These inline
 * versions stay within 1e-12 relative of them (test/math32.test.ts), far inside float32's 6e-8
 * rounding step, so stored to a Float32Array they give Math's float32 value, or its neighbour
 * when the exact value lies within 1e-12 of a rounding boundary. Where the float32 value is
 * exactly ±1 (tanh beyond |x| = 9.1, sigmoid beyond z = 17.5: 1 - f < 2^-25) they return it
 * straight away, the one place they leave double precision. float64 outputs keep Math's,
 * with which the course's published float64 costs were reproduced.
 *
 * Both need e^y for y >= 0: y = (64m + j)·ln2/64 + r with |r| <= ln2/128, so that
 * e^y = 2^m · 2^(j/64) · e^r, two table lookups and a degree-5 series (error < 1e-13). The
 * plain reduction to |r| <= ln2/2 needed a degree-10 series: 1.35x slower on the planar net's
 * 1600 tanh values. Series coefficients are products by reciprocals, never divisions: V8
 * keeps `r / 6` a division (a product would not be exact).
 */

/** 2^m for m = 0..180. */
const POW2 = new Float64Array(181).map((_, m) => 2 ** m);
/** 2^(j/64) for j = 0..63. */
const POW2_64THS = new Float64Array(64).map((_, j) => 2 ** (j / 64));
const SCALE = 64 / Math.LN2;
// ln2/64 in two parts (fdlibm's ln2_hi has 21 trailing zero bits: k·hi is exact).
const LN2_64_HI = 0.6931471803691238 / 64;
const LN2_64_LO = 1.9082149292705877e-10 / 64;

/** e^y for 0 <= y < 124 (2^180 > e^124). */
function expPositive(y: number): number {
  const k = (y * SCALE + 0.5) | 0;
  const r = y - k * LN2_64_HI - k * LN2_64_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return p * POW2_64THS[k & 63] * POW2[k >> 6];
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
  // From |x| = 9.1 on, tanh rounds to ±1 in float32; NaN stays NaN. A trained net saturates
  // many units (the planar net: 1200 of its 1600 values past 9.1): returning early beat
  // clamping and running the series on them, 9.5 against 15.5 µs, even in no predictable order.
  if (!(ax < 9.1)) return ax === ax ? (x > 0 ? 1 : -1) : x;
  const e = expPositive(2 * ax);
  const t = (e - 1) / (e + 1);
  return x < 0 ? -t : t;
}

/** 1 / (1 + e^-z) for float32 results. */
export function sigmoid32(z: number): number {
  const az = Math.abs(z);
  // From z = 17.5 on, sigmoid rounds to 1 in float32; below -120 it is far under float32's
  // smallest value (0 once stored). NaN stays NaN.
  if (z > 17.5) return 1;
  if (!(z > -120)) return z === z ? 0 : z;
  // With E = e^|z|: sigmoid(|z|) = E/(E + 1), sigmoid(-|z|) = 1/(E + 1).
  const E = expPositive(az);
  return (z < 0 ? 1 : E) / (E + 1);
}
