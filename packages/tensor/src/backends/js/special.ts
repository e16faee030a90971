/*
 * erf and erfc, and the activations built on them and on exp: elu, selu, gelu, softplus, silu,
 * with their slopes. Plain float64 arithmetic; float32 results are these values rounded.
 *
 * erf/erfc use the rational approximations of fdlibm's s_erf.c (Sun Microsystems, 1993,
 * freely distributable), which are within an ulp or so everywhere: erf(x) = x + x·P/Q near 0,
 * erf(1 + s) ≈ c + P1(s)/Q1(s) around 1, and erfc(x) = exp(−x² − 0.5625 + R/S)/x beyond 1.25,
 * with −x² split as −z² + (z − x)(z + x) for a z with a short mantissa, so that the big exp
 * argument is exact.
 */

const ERX = 0.8450629115104675;
const EFX = 0.1283791670955126;
// erf on [0, 0.84375]: x + x·P(x²)/Q(x²)
const PP = [0.12837916709551256, -0.3250421072470015, -0.02848174957559851, -0.005770270296489442, -2.3763016656650163e-5];
const QQ = [0.39791722395915535, 0.0650222499887673, 0.005081306281875766, 0.00013249473800432164, -3.960228278775368e-6];
// erf on [0.84375, 1.25]: ERX + P1(s)/Q1(s), s = |x| − 1
const PA = [
  -0.0023621185607526594, 0.41485611868374833, -0.3722078760357013, 0.31834661990116175, -0.11089469428239668, 0.035478304325618236,
  -0.002166375594868791,
];
const QA = [0.10642088040084423, 0.540397917702171, 0.07182865441419627, 0.12617121980876164, 0.01363708391202905, 0.011984499846799107];
// erfc on [1.25, 1/0.35] and [1/0.35, 28]: R(1/x²)/S(1/x²)
const RA = [
  -0.009864944034847148, -0.6938585727071818, -10.558626225323291, -62.375332450326006, -162.39666946257347, -184.60509290671104,
  -81.2874355063066, -9.814329344169145,
];
const SA = [
  19.651271667439257, 137.65775414351904, 434.56587747522923, 645.3872717332679, 429.00814002756783, 108.63500554177944, 6.570249770319282,
  -0.0604244152148581,
];
const RB = [
  -0.0098649429247001, -0.799283237680523, -17.757954917754752, -160.63638485582192, -637.5664433683896, -1025.0951316110772,
  -483.5191916086514,
];
const SB = [
  30.33806074348246, 325.7925129965739, 1536.729586084437, 3199.8582195085955, 2553.0504064331644, 474.52854120695537, -22.44095244658582,
];

/** c[0] + t·c[1] + t²·c[2] + ... (Horner). */
function poly(c: readonly number[], t: number): number {
  let p = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) p = p * t + c[i];
  return p;
}

/** 1 + t·c[0] + t²·c[1] + ... */
function poly1(c: readonly number[], t: number): number {
  return 1 + t * poly(c, t);
}

// x with the low 32 bits of its mantissa cleared, through a shared view.
const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

function truncated(x: number): number {
  word[0] = x;
  halves[LOW] = 0;
  return word[0];
}

/** erfc(|x|)·… for 0.84375 <= |x| < 28, the tail both functions share. */
function erfcTail(ax: number): number {
  if (ax < 1.25) return 1 - ERX - poly(PA, ax - 1) / poly1(QA, ax - 1);
  const s = 1 / (ax * ax);
  const rs = ax < 1 / 0.35 ? poly(RA, s) / poly1(SA, s) : poly(RB, s) / poly1(SB, s);
  const z = truncated(ax);
  return (Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + rs)) / ax;
}

export function erf(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < Number.POSITIVE_INFINITY)) return ax === ax ? Math.sign(x) : x;
  if (ax < 0.84375) {
    if (ax < 2 ** -28) return x + EFX * x;
    const z = x * x;
    return x + (x * poly(PP, z)) / poly1(QQ, z);
  }
  const y = ax < 6 ? (ax < 1.25 ? ERX + poly(PA, ax - 1) / poly1(QA, ax - 1) : 1 - erfcTail(ax)) : 1;
  return x < 0 ? -y : y;
}

export function erfc(x: number): number {
  const ax = Math.abs(x);
  if (x !== x) return x;
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const r = (x * poly(PP, z)) / poly1(QQ, z);
    return x < 0.25 ? 1 - (x + r) : 0.5 - (x - 0.5 + r);
  }
  if (ax < 28) {
    const t = erfcTail(ax);
    return x < 0 ? 2 - t : t;
  }
  return x < 0 ? 2 : 0;
}

/** SELU's constants (Klambauer et al. 2017), as PyTorch and Keras define them. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

export const elu = (z: number, alpha: number): number => (z > 0 ? z : alpha * Math.expm1(z));
export const selu = (z: number): number => SELU_SCALE * (z > 0 ? z : SELU_ALPHA * Math.expm1(z));
/** z·Φ(z) with Φ from erfc, which keeps its accuracy in the far negative tail where 1 + erf would cancel. */
export const gelu = (z: number): number => 0.5 * z * erfc(-z * SQRT1_2);
/** log(1 + e^z) without overflow (numpy's logaddexp(0, z)). */
export const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
export const silu = (z: number): number => z / (1 + Math.exp(-z));

// Slopes g'(Z): elu, selu and softplus from their output A; gelu and silu from Z.
export const eluSlope = (a: number, alpha: number): number => (a > 0 ? 1 : a + alpha);
export const seluSlope = (a: number): number => (a > 0 ? SELU_SCALE : a + SELU_SCALE * SELU_ALPHA);
/** σ(z) = 1 − e^−A for A = softplus(z). */
export const softplusSlope = (a: number): number => -Math.expm1(-a);
export function siluSlope(z: number): number {
  const s = 1 / (1 + Math.exp(-z));
  return s + z * s * (1 - s);
}
/** Φ(z) + z·φ(z). */
export const geluSlope = (z: number): number => 0.5 * erfc(-z * SQRT1_2) + z * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
