import { availableParallelism, cpus } from 'node:os';
import type { Command } from 'commander';
import { chooseBackend, loadNativeModule, loadWasmModule, nativeLoadProblem, wasmLoadProblem } from '../backends.ts';
import { emit } from '../progress.ts';
import { cliVersion, packageVersion } from '../versions.ts';
import { calibrateCourseShapes, gemmChoiceLines } from './gemm-choice.ts';

const PACKAGES = [
  '@neurite/tensor',
  '@neurite/layers',
  '@neurite/losses',
  '@neurite/optimizers',
  '@neurite/datasets',
  '@neurite/onnx',
  '@neurite/backend-native',
  '@neurite/backend-wasm',
];

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('versions, available backends and which one is active and why, BLAS provider, threads, dtype')
    .option('--json', 'one JSON object on stdout')
    .option('--calibrate', "first time the native GEMM providers on the course's product shapes (each shape class once per machine)")
    .addHelpText('after', '\nExamples:\n  $ neurite info\n  $ neurite info --calibrate\n  $ NEURITE_BACKEND=js neurite info --json')
    .action(async (options: { json?: boolean; calibrate?: boolean }) => {
      const report = await collectInfo({ calibrate: options.calibrate });
      if (options.json) emit(report);
      else process.stdout.write(formatInfo(report));
    });
}

export interface InfoReport {
  versions: Record<string, string>;
  backend: { active: string; reason: string; registered: { name: string; priority: number }[]; failures: Record<string, string> };
  native: Record<string, unknown>;
  wasm: Record<string, unknown>;
  /** This machine's platform, and the platforms that get a prebuilt native binary. */
  platform: { name: string; native: boolean; prebuilt: Record<string, { gemm: string; requires: string }> };
  cpu: { model: string; threads: number };
  dtype: { default: string; why: string };
}

export async function collectInfo(options: { calibrate?: boolean } = {}): Promise<InfoReport> {
  const versions: Record<string, string> = { '@neurite/cli': cliVersion(), node: process.versions.node };
  for (const name of PACKAGES) versions[name] = packageVersion(name) ?? 'not installed';
  const native = await loadNativeModule();
  if (native && options.calibrate) calibrateCourseShapes(native, (line) => process.stderr.write(`${line}\n`));
  const wasm = await loadWasmModule();
  const info = await chooseBackend('auto');
  return {
    versions,
    backend: { active: info.name, reason: info.reason, registered: info.registered, failures: info.failures },
    native: native ? await nativeDetails(native) : { loaded: false, problem: nativeLoadProblem() },
    wasm: wasm ? wasmDetails(wasm) : { loaded: false, problem: wasmLoadProblem() },
    platform: platformReport(native),
    cpu: { model: cpus()[0]?.model?.trim() ?? 'unknown', threads: availableParallelism() },
    dtype: {
      default: 'float64',
      why: "the course's printed costs come from float64 numpy; --dtype float32 halves memory and is faster on native",
    },
  };
}

/** From @neurite/backend-native's own list (NATIVE_PLATFORMS), so the two cannot disagree. */
function platformReport(native: Record<string, unknown> | null): InfoReport['platform'] {
  const prebuilt = (native?.NATIVE_PLATFORMS ?? {}) as InfoReport['platform']['prebuilt'];
  const triple = native?.platformTriple as ((proc: NodeJS.Process) => string) | undefined;
  const name = triple ? triple(process) : `${process.platform}-${process.arch}`;
  return { name, native: name in prebuilt, prebuilt };
}

/** Whatever the native package says about itself: BLAS provider, threads, SIMD. */
async function nativeDetails(native: Record<string, unknown>): Promise<Record<string, unknown>> {
  for (const name of ['nativeInfo', 'info', 'buildInfo', 'getInfo']) {
    const fn = native[name];
    if (typeof fn === 'function') {
      try {
        const value = await fn();
        if (value && typeof value === 'object') return { loaded: true, ...(value as Record<string, unknown>) };
      } catch (error) {
        return { loaded: false, problem: (error as Error).message };
      }
    }
  }
  const details: Record<string, unknown> = { loaded: true };
  for (const key of ['blas', 'blasProvider', 'threads', 'simd', 'version']) if (native[key] !== undefined) details[key] = native[key];
  return details;
}

/** wasmInfo(): threads, shared memory (and why not), memory in use. */
function wasmDetails(wasm: Record<string, unknown>): Record<string, unknown> {
  try {
    const info = (wasm.wasmInfo as () => Record<string, unknown>)();
    return { loaded: true, ...info };
  } catch (error) {
    return { loaded: false, problem: (error as Error).message.split('\n')[0] };
  }
}

/**
 * Which platforms get a native binary and what every other one runs on, with this machine's
 * own case first: the same list as @neurite/backend-native's README.
 */
function platformLines({ platform, backend }: InfoReport): string[] {
  const here = platform.prebuilt[platform.name];
  const lines = [
    !here
      ? `  ${platform.name}: no native binary for this platform; running on ${backend.active}`
      : backend.active === 'native'
        ? `  ${platform.name}: native binary (GEMM ${here.gemm}; needs ${here.requires})`
        : `  ${platform.name}: has a native binary, not in use (see Backends); running on ${backend.active}`,
  ];
  const all = Object.entries(platform.prebuilt);
  if (!all.length) lines.push('  native binaries: unknown (@neurite/backend-native not installed)');
  else {
    lines.push('  native binaries:');
    const width = Math.max(...all.map(([name]) => name.length));
    for (const [name, p] of all) lines.push(`    ${name.padEnd(width)}  GEMM ${p.gemm}; needs ${p.requires}`);
  }
  lines.push('  everywhere else (macOS, Windows, other CPUs, browsers): wasm when @neurite/backend-wasm is installed, else js');
  return lines;
}

export function formatInfo(report: InfoReport): string {
  const lines: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  lines.push('Versions');
  for (const [name, version] of Object.entries(report.versions)) lines.push(`  ${pad(name, 26)}${version}`);
  lines.push('', 'Backends');
  for (const { name, priority } of report.backend.registered) {
    const mark = name === report.backend.active ? '*' : ' ';
    const failed = report.backend.failures[name] ? `  (failed to load: ${report.backend.failures[name]})` : '';
    lines.push(`  ${mark} ${pad(name, 10)}priority ${priority}${failed}`);
  }
  if (!report.backend.registered.some((b) => b.name === 'native')) {
    lines.push(`    ${pad('native', 10)}${String(report.native.problem ?? 'not registered')}`);
  }
  lines.push(`  active: ${report.backend.active} (${report.backend.reason})`);
  lines.push('', 'Native backend');
  for (const [key, value] of Object.entries(report.native))
    if (key !== 'gemmCalibration') lines.push(`  ${pad(key, 26)}${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  if (report.native.loaded) lines.push(...gemmChoiceLines(report.native, pad));
  lines.push('', 'WebAssembly backend');
  for (const [key, value] of Object.entries(report.wasm))
    if (value !== undefined) lines.push(`  ${pad(key, 26)}${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  lines.push('', 'Platform');
  lines.push(...platformLines(report));
  lines.push('', 'Machine');
  lines.push(`  ${pad('cpu', 26)}${report.cpu.model}`);
  lines.push(`  ${pad('threads', 26)}${report.cpu.threads}`);
  lines.push('', 'Default dtype');
  lines.push(`  ${report.dtype.default}: ${report.dtype.why}`);
  return `${lines.join('\n')}\n`;
}
