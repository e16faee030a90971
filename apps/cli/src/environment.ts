import { getThreads } from '@neurite/tensor';
import { UsageError } from './errors.ts';
import { BACKENDS } from './options.ts';

/** The GEMM providers of a native build with OpenBLAS, when the addon cannot be asked. */
const GEMM_PROVIDERS = ['auto', 'openblas', 'pure'];

/** What the native `auto` provider's per-shape timing may be set to (native/README.md). */
const CALIBRATION_MODES = ['on', 'off', 'fresh'];

/**
 * The environment variables that choose how Neurite computes, checked before any work (exit
 * 2, naming the variable), as the API checks them: a typo must not silently train on another
 * backend or GEMM provider. NEURITE_BACKEND is checked first, before the backend registry
 * reads it (the registry would throw while the CLI looks for the native package).
 */
export function checkBackendVariable(env: NodeJS.ProcessEnv = process.env): void {
  const backend = env.NEURITE_BACKEND;
  if (backend && !(BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(
      `NEURITE_BACKEND=${JSON.stringify(backend)}: unknown backend; expected one of ${BACKENDS.join(', ')}`,
      'unset it, or use --backend',
    );
  }
}

/**
 * NEURITE_GEMM (against the providers the native build has), NEURITE_GEMM_CALIBRATION and NEURITE_THREADS. Returns
 * warnings for the thread counts of the libraries under the native backend (rayon, OpenBLAS),
 * which ignore a bad value rather than refuse it.
 */
export function checkComputeVariables(native: Record<string, unknown> | null, env: NodeJS.ProcessEnv = process.env): string[] {
  const gemm = env.NEURITE_GEMM;
  if (gemm) {
    const providers = gemmProviders(native, gemm);
    if (!providers.includes(gemm)) {
      throw new UsageError(
        `NEURITE_GEMM=${JSON.stringify(gemm)}: unknown GEMM provider; expected one of ${providers.join(', ')}`,
        'unset it to let the native backend choose (auto)',
      );
    }
  }
  const calibration = env.NEURITE_GEMM_CALIBRATION;
  if (calibration && !CALIBRATION_MODES.includes(calibration)) {
    throw new UsageError(
      `NEURITE_GEMM_CALIBRATION=${JSON.stringify(calibration)}: expected one of ${CALIBRATION_MODES.join(', ')}`,
      'unset it to time each product shape once per machine (on)',
    );
  }
  try {
    getThreads(); // reads and checks NEURITE_THREADS
  } catch (error) {
    const expected = (error as Error).message.replace(/^[\w ]+: /, '').replace(/, received .*$/, '');
    throw new UsageError(`NEURITE_THREADS=${JSON.stringify(env.NEURITE_THREADS)}: ${expected}`, 'unset it to use every core');
  }
  const warnings: string[] = [];
  for (const name of ['RAYON_NUM_THREADS', 'OPENBLAS_NUM_THREADS']) {
    const value = env[name];
    if (value !== undefined && value !== '' && !/^[1-9]\d*$/.test(value.trim()))
      warnings.push(`${name}=${JSON.stringify(value)} is not a positive integer; the native backend ignores it`);
  }
  return warnings;
}

/** The providers this native build has (the addon says; a build without OpenBLAS has only 'pure'). */
function gemmProviders(native: Record<string, unknown> | null, gemm: string): string[] {
  const info = native?.nativeInfo;
  if (typeof info !== 'function') return GEMM_PROVIDERS;
  try {
    const providers = (info() as { gemmProviders?: unknown }).gemmProviders;
    return Array.isArray(providers) ? (providers as string[]) : GEMM_PROVIDERS;
  } catch (error) {
    // An addon that refuses the setting itself says why.
    throw new UsageError(`NEURITE_GEMM=${JSON.stringify(gemm)}: ${(error as Error).message}`);
  }
}
