/**
 * The native backend's GEMM choice for `neurite info`: which provider runs products and why,
 * and, under `auto`, the provider each shape class was measured fastest on (the addon's
 * gemmCalibration(); native/kernels/src/gemm/calibrate.rs).
 */
import type { GemmCalibration, GemmRoute } from '@neurite/backend-native';

type Route = GemmRoute;
type Calibration = Omit<GemmCalibration, 'features'>;

/**
 * The products `--calibrate` times: the course's deep cat net (Z1, dW1 and dA0 of its first
 * layer, in float32 and float64) and square products, the shapes the bench reports.
 */
export const COURSE_SHAPES: { m: number; n: number; k: number; transA?: boolean; transB?: boolean; dtype: 'float32' | 'float64' }[] = [
  ...(['float32', 'float64'] as const).flatMap((dtype) => [
    { m: 20, n: 209, k: 12288, dtype },
    { m: 20, n: 12288, k: 209, transB: true, dtype },
    { m: 12288, n: 209, k: 20, transA: true, dtype },
    { m: 256, n: 256, k: 256, dtype },
    { m: 1024, n: 1024, k: 1024, dtype },
  ]),
];

/**
 * Times COURSE_SHAPES through the addon's calibrateGemm (each class once per machine), when
 * `auto` is the provider. A binary that fails to load is left for the report to describe.
 */
export function calibrateCourseShapes(native: Record<string, unknown>, log: (line: string) => void): void {
  const calibrate = native.calibrateGemm as ((shape: object, dtype: string) => unknown) | undefined;
  const info = native.nativeInfo as (() => { gemmProvider: string }) | undefined;
  if (typeof calibrate !== 'function' || typeof info !== 'function') return;
  try {
    if (info().gemmProvider !== 'auto') {
      log('neurite: --calibrate: NEURITE_GEMM fixes the provider; nothing to time');
      return;
    }
    log(`neurite: timing the GEMM providers on ${COURSE_SHAPES.length} product shapes (a few seconds)`);
    for (const { dtype, ...shape } of COURSE_SHAPES) calibrate(shape, dtype);
  } catch {
    // nativeInfo() in the report says what is wrong with the binary.
  }
}

/** `(≤32 x ≤16384)·(≤16384 x ≤256)ᵀ`: the class's bounds as op(A)·op(B). */
function classShape(r: Route): string {
  const a = `(≤${r.m} x ≤${r.k})${r.transA ? ' stored ᵀ' : ''}`;
  const b = `(≤${r.k} x ≤${r.n})${r.transB ? ' stored ᵀ' : ''}`;
  return `${r.dtype} ${a}·${b}, ${r.threads} thread${r.threads === 1 ? '' : 's'}`;
}

function routeLine(r: Route): string {
  const times = r.timings.map((t) => `${t.provider} ${t.ms < 10 ? t.ms.toFixed(2) : t.ms.toFixed(1)}`).join(', ');
  return `    ${classShape(r)}: ${r.provider} (ms: ${times}${r.measured ? '' : '; from the cache file'})`;
}

/** The lines under "Native backend" that say which GEMM runs and why. */
export function gemmChoiceLines(native: Record<string, unknown>, pad: (s: string, n: number) => string): string[] {
  const provider = String(native.gemmProvider ?? 'unknown');
  const calibration = native.gemmCalibration as Calibration | undefined;
  const row = (key: string, value: string) => `  ${pad(key, 26)}${value}`;
  if (provider !== 'auto') {
    const why = native.gemmProblem ? String(native.gemmProblem) : `NEURITE_GEMM (or setGemmProvider) chose ${provider} for every product`;
    return [row('GEMM choice', why)];
  }
  if (!calibration) return [row('GEMM choice', 'auto: routed by shape')];
  if (calibration.mode === 'off')
    return [row('GEMM choice', 'auto with NEURITE_GEMM_CALIBRATION=off: the built-in rules by shape (native/README.md)')];
  const lines = [
    row(
      'GEMM choice',
      'auto: each shape class (dtype, transposes, threads, sizes up to a power of two) runs on the provider timed fastest for it on this machine; below 2^20 multiply-adds, the built-in rules',
    ),
    row('calibration', `${calibration.mode} (NEURITE_GEMM_CALIBRATION=on|off|fresh)`),
    row('calibrated for', calibration.machine),
    row('calibration file', calibration.file ?? 'none'),
  ];
  if (calibration.problem) lines.push(row('not kept on disk', calibration.problem));
  if (!calibration.routes.length)
    lines.push(row('shape classes', "none timed yet (each is timed on its first product; `neurite info --calibrate` times the course's)"));
  else {
    lines.push(row('shape classes', `${calibration.routes.length}, timed on their first product ("rules" = the built-in routing):`));
    lines.push(...calibration.routes.map(routeLine));
  }
  return lines;
}
