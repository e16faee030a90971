import type { NativeBinding } from './binding.ts';
import { missingFunctions } from './binding.ts';

/**
 * Finds and loads the compiled addon, napi-rs style:
 *   1. $NEURITE_NATIVE_BINARY, when set (and then only it);
 *   2. the package's own `neurite.<platform>.node` (what `pnpm build` writes);
 *   3. a monorepo checkout's `native/node/neurite.<platform>.node`;
 *   4. the per-platform package `@neurite/backend-native-<platform>`.
 * A `.node` file is loaded with `require`, which Node and Deno (with --allow-ffi) both
 * provide through `createRequire`. Failing, it throws one line naming every path tried and
 * why each failed, which the registry prints as is.
 */

interface NodeLikeProcess {
  platform: string;
  arch: string;
  env: Record<string, string | undefined>;
  report?: { getReport?: () => unknown };
  getBuiltinModule?: (id: string) => unknown;
}

type Require = ((id: string) => unknown) & { resolve: (id: string) => string };

export interface LoadedBinding {
  binding: NativeBinding;
  /** Where the addon came from: a file path or a package name. */
  from: string;
}

/** linux-x64-gnu, darwin-arm64, win32-x64-msvc: napi-rs's platform suffixes. */
export function platformTriple(proc: NodeLikeProcess): string {
  const base = `${proc.platform}-${proc.arch}`;
  if (proc.platform === 'linux') return `${base}-${isMusl(proc) ? 'musl' : 'gnu'}`;
  if (proc.platform === 'win32') return `${base}-msvc`;
  return base;
}

function isMusl(proc: NodeLikeProcess): boolean {
  try {
    const header = (proc.report?.getReport?.() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    return header ? !header.glibcVersionRuntime : false;
  } catch {
    return false;
  }
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}

export function loadBinding(): LoadedBinding {
  const proc = (globalThis as { process?: NodeLikeProcess }).process;
  const mod = proc?.getBuiltinModule?.('node:module') as { createRequire?: (from: string | URL) => Require } | undefined;
  if (!proc || !mod?.createRequire) {
    throw new Error('@neurite/backend-native: this runtime has no node:module createRequire, so a .node addon cannot be loaded');
  }
  const require = mod.createRequire(import.meta.url);
  const triple = platformTriple(proc);
  const file = `neurite.${triple}.node`;
  const explicit = proc.env.NEURITE_NATIVE_BINARY;
  const candidates = explicit
    ? [explicit]
    : [
        new URL(`../${file}`, import.meta.url),
        new URL(`../../../native/node/${file}`, import.meta.url),
        `@neurite/backend-native-${triple}`,
      ];
  const tried: string[] = [];
  for (const candidate of candidates) {
    const id = candidate instanceof URL ? decodeURIComponent(candidate.pathname) : candidate;
    try {
      const binding = require(id);
      const missing = missingFunctions(binding);
      if (missing.length) {
        tried.push(`${id}: stale build, lacks ${missing.join(', ')} (rebuild with pnpm --filter @neurite/backend-native build)`);
        continue;
      }
      return { binding: binding as NativeBinding, from: id };
    } catch (error) {
      const code = (error as { code?: string }).code;
      const absent = code === 'MODULE_NOT_FOUND' || (candidate instanceof URL && /cannot find module/i.test(oneLine(error)));
      tried.push(`${id}: ${absent ? 'not found' : oneLine(error)}`);
    }
  }
  throw new Error(`@neurite/backend-native: no usable binary for ${triple}; tried ${tried.join('; ')}`);
}
