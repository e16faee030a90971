import type { NativeBinding } from './binding.ts';
import { missingFunctions } from './binding.ts';
import { binaryPackage, NATIVE_PLATFORMS } from './platforms.ts';

/**
 * Finds and loads the compiled addon, napi-rs style:
 *   1. $NEURITE_NATIVE_BINARY, when set (and then only it);
 *   2. the package's own `neurite.<platform>.node` (what `pnpm build` writes in a checkout);
 *   3. a monorepo checkout's `native/node/neurite.<platform>.node`;
 *   4. the per-platform package `@neurite/backend-native-<platform>` (how users get it).
 * A `.node` file is loaded with `require`, which Node and Deno (with --allow-ffi) both
 * provide through `createRequire`. Failing, it throws one short line: what is missing and
 * the one command that fixes it (a checkout's build command only inside a checkout); the
 * full list of what was tried is the error's `tried`.
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

/** Why the addon did not load: `message` is the one line; `tried` every candidate. */
export class NativeLoadError extends Error {
  override name = 'NativeLoadError';
  constructor(
    message: string,
    readonly tried: string[],
  ) {
    super(message);
  }
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

/** The first line of an error, without the long absolute path it usually starts with. */
function reason(error: unknown, path: string): string {
  const text = (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
  const short = text.replaceAll(`${path}: `, '').replaceAll(path, path.split('/').at(-1) ?? path);
  return short.length > 120 ? `${short.slice(0, 117)}...` : short;
}

interface Failure {
  id: string;
  kind: 'absent' | 'denied' | 'stale' | 'broken';
  why: string;
}

export function loadBinding(): LoadedBinding {
  const proc = (globalThis as { process?: NodeLikeProcess }).process;
  const mod = proc?.getBuiltinModule?.('node:module') as { createRequire?: (from: string | URL) => Require } | undefined;
  if (!proc || !mod?.createRequire) {
    throw new NativeLoadError('this runtime cannot load a .node addon (no node:module createRequire)', []);
  }
  const require = mod.createRequire(import.meta.url);
  const triple = platformTriple(proc);
  const file = `neurite.${triple}.node`;
  const explicit = proc.env.NEURITE_NATIVE_BINARY;
  const checkout = new URL('../../../native/node/', import.meta.url);
  const candidates = explicit ? [explicit] : [new URL(`../${file}`, import.meta.url), new URL(file, checkout), binaryPackage(triple)];
  const failures: Failure[] = [];
  for (const candidate of candidates) {
    const id = candidate instanceof URL ? decodeURIComponent(candidate.pathname) : candidate;
    try {
      const binding = require(id);
      const missing = missingFunctions(binding);
      if (missing.length) {
        failures.push({ id, kind: 'stale', why: `is older than this package (lacks ${missing.slice(0, 3).join(', ')})` });
        continue;
      }
      return { binding: binding as NativeBinding, from: id };
    } catch (error) {
      const code = (error as { code?: string }).code;
      const name = (error as { name?: string }).name;
      const why = reason(error, id);
      const kind =
        code === 'MODULE_NOT_FOUND' || /cannot find module/i.test(why)
          ? 'absent'
          : name === 'NotCapable' || name === 'PermissionDenied'
            ? 'denied'
            : 'broken';
      failures.push({ id, kind, why });
    }
  }
  const tried = failures.map((f) => `${f.id}: ${f.kind === 'absent' ? 'not found' : f.why}`);
  throw new NativeLoadError(explain(triple, failures, isCheckout(require, checkout), version(require), explicit), tried);
}

function isCheckout(require: Require, checkout: URL): boolean {
  try {
    const fs = require('node:fs') as { existsSync: (p: string) => boolean };
    return fs.existsSync(decodeURIComponent(new URL('../Cargo.toml', checkout).pathname));
  } catch {
    return false;
  }
}

function version(require: Require): string {
  try {
    return (require('../package.json') as { version: string }).version;
  } catch {
    return 'latest';
  }
}

/** The one line: what is missing, and the command that fixes it. */
function explain(triple: string, failures: Failure[], checkout: boolean, version: string, explicit?: string): string {
  const pkg = binaryPackage(triple);
  const fix = checkout ? 'run pnpm --filter @neurite/backend-native build' : `run npm i ${pkg}@${version}`;
  const denied = failures.find((f) => f.kind === 'denied');
  if (denied) {
    const flag = denied.why.match(/--allow-\w+/)?.[0] ?? '--allow-ffi';
    return `Deno needs ${flag} to load the native addon (deno run ${flag} ...)`;
  }
  if (explicit) {
    const [f] = failures;
    return `NEURITE_NATIVE_BINARY=${explicit} ${f.kind === 'absent' ? 'does not exist' : f.kind === 'stale' ? f.why : `did not load: ${f.why}`}`;
  }
  const found = failures.find((f) => f.kind !== 'absent');
  if (found) {
    const what = found.id === pkg ? pkg : (found.id.split('/').at(-1) ?? found.id);
    return `${what} ${found.kind === 'stale' ? found.why : `did not load: ${found.why}`}; ${fix}`;
  }
  if (!NATIVE_PLATFORMS[triple]) {
    return `no prebuilt binary for ${triple} (only ${Object.keys(NATIVE_PLATFORMS).join(', ')})${checkout ? `; ${fix} to compile one` : ''}`;
  }
  return checkout ? `neurite.${triple}.node is not built; ${fix}` : `${pkg} is not installed; ${fix}`;
}
