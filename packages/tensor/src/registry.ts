import type { Backend, BackendCore, BackendOptional } from './backend.ts';
import { defineBackend } from './backend-defaults.ts';
import { jsBackend } from './backends/js/index.ts';
import { BackendError } from './errors.ts';
import { envVar, type NodeLikeProcess, nodeProcess } from './runtime.ts';
import type { Tensor } from './tensor.ts';
import { checkFunction, checkNumber, checkTensor, describeValue, wrongType } from './validate.ts';

/**
 * Backends by name with a priority. The first op picks the highest-priority backend
 * that loads, unless `setBackend` chose one. `js` is built in and always loads, so
 * Neurite works everywhere; a faster backend registers itself with a higher priority.
 */
export type BackendImpl = BackendCore & Partial<BackendOptional>;

export interface BackendEntry {
  name: string;
  priority: number;
  load: () => BackendImpl;
}

/** What a backend package exports as `neuriteBackend` to be found by discovery. */
export interface BackendPlugin {
  name: string;
  priority: number;
  load: () => BackendImpl;
}

export interface BackendInfo {
  /** The active backend. */
  name: string;
  /** Why it is the active one, in words for `neurite info`. */
  reason: string;
  /** Every registered backend with its priority, highest first. */
  registered: { name: string; priority: number }[];
  /** Backends that were tried and failed to load, with the reason. */
  failures: Record<string, string>;
}

const entries = new Map<string, BackendEntry>([['js', { name: 'js', priority: 1, load: () => jsBackend }]]);
const loaded = new Map<string, Backend>();
const failures: Record<string, string> = {};
let active: Backend | null = null;
let reason = '';
let discovered = false;

/** Adds a backend; optional ops it lacks are composed from its core ops. */
export function registerBackend(name: string, load: () => BackendImpl, priority = 0): void {
  if (typeof name !== 'string' || name === '')
    throw new BackendError(`registerBackend: name must be a non-empty string, received ${describeValue(name)}`);
  checkFunction(load, 'registerBackend', 'load');
  checkNumber(priority, 'registerBackend', 'priority');
  entries.set(name, { name, priority, load });
  // A new higher-priority backend takes over unless the user chose one explicitly.
  if (active && !reason.startsWith('chosen') && priority > (entries.get(active.name)?.priority ?? 0)) active = null;
}

/** Makes `name` the backend of every following op; throws for an unknown or failing one. */
export function setBackend(name: string): Backend {
  if (typeof name !== 'string')
    wrongType('setBackend', 'name', `a backend name (one of ${[...entries.keys()].map((n) => `'${n}'`).join(', ')})`, name);
  discover();
  const backend = load(name, 'setBackend');
  if (!backend) throw new BackendError(`setBackend: backend '${name}' failed to load: ${failures[name]}`);
  active = backend;
  reason = `chosen with setBackend('${name}')`;
  return backend;
}

/**
 * t's values stored where the active backend computes on them without a copy per op: the wasm
 * backend's memory (one copy now instead of one in every op that reads t), t itself on the js
 * and native backends, which read typed arrays in place. For large inputs read by many ops,
 * such as the training set given to `trainStep` on every iteration. The result is an ordinary
 * tensor (same shape, dtype and values) that any backend reads.
 *
 * ```ts
 * const X = toBackend(tensor(pixels, [12288, 209]));
 * for (let i = 0; i < 2500; i++) model.trainStep(X, Y);
 * ```
 */
export function toBackend(t: Tensor): Tensor {
  return getBackend().adopt(checkTensor(t, 'toBackend', 't'));
}

export function getBackend(): Backend {
  if (active) return active;
  discover();
  // Discovery may have chosen one already (NEURITE_BACKEND); that choice stands.
  if (active) return active;
  const ordered = [...entries.values()].sort((a, b) => b.priority - a.priority);
  for (const entry of ordered) {
    const backend = load(entry.name);
    if (backend) {
      active = backend;
      const skipped = ordered.filter((e) => e.priority > entry.priority);
      reason = skipped.length
        ? `highest priority that loaded; skipped ${skipped.map((e) => `${e.name} (${failures[e.name]})`).join(', ')}`
        : `highest priority available (${entry.priority})`;
      // An installed backend that fails to load is worth one line (what is missing and the
      // command that fixes it, from the backend's own error), not silence and not a crash.
      for (const e of skipped) console.warn(`neurite: using ${entry.name}, ${e.name} did not load: ${failures[e.name]}`);
      return backend;
    }
  }
  throw new BackendError('getBackend: no backend could be loaded');
}

export function backendInfo(): BackendInfo {
  const current = getBackend();
  return {
    name: current.name,
    reason,
    registered: [...entries.values()].sort((a, b) => b.priority - a.priority).map(({ name, priority }) => ({ name, priority })),
    failures: { ...failures },
  };
}

export function listBackends(): string[] {
  discover();
  return [...entries.keys()];
}

function load(name: string, fn = 'getBackend'): Backend | null {
  const cached = loaded.get(name);
  if (cached) return cached;
  const entry = entries.get(name);
  if (!entry) {
    throw new BackendError(`${fn}: unknown backend '${name}': expected one of ${[...entries.keys()].map((n) => `'${n}'`).join(', ')}`);
  }
  try {
    const backend = defineBackend(entry.load());
    loaded.set(name, backend);
    return backend;
  } catch (error) {
    failures[name] = error instanceof Error ? error.message : String(error);
    return null;
  }
}

/** Backend packages that discovery looks for, each registered with the priority it declares. */
const PLUGINS: readonly { id: string; name: string }[] = [
  { id: '@neurite/backend-native', name: 'native' },
  { id: '@neurite/backend-wasm', name: 'wasm' },
];

/**
 * Installing @neurite/backend-native (or @neurite/backend-wasm) is enough to make it the
 * default: where the runtime can require synchronously (Node, Deno), we look for each once,
 * from this package and from the working directory. Absent is normal and silent; present but
 * broken is said in one line, and we go on with what loads. The plugin is registered here
 * rather than by the plugin itself, so a second copy of this package cannot end up with the
 * registration. (Browser bundles cannot require: there the wasm package registers itself
 * with its `registerWasmBackend()`.)
 */
function discover(): void {
  if (discovered) return;
  discovered = true;
  const proc = nodeProcess();
  if (proc?.getBuiltinModule && !envVar('NEURITE_NO_AUTOLOAD')) {
    for (const { id, name } of PLUGINS) {
      const plugin = findPlugin(proc, id, name);
      if (plugin) registerBackend(plugin.name, plugin.load, plugin.priority);
    }
  }
  const chosen = envVar('NEURITE_BACKEND');
  if (chosen && chosen !== 'auto') setBackend(chosen);
}

// Deno without --allow-read throws where Node would answer: the native backend then reads as
// not installed (and, through envVar, a sandboxed environment as empty).
function deniedByDeno(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NotCapable' || name === 'PermissionDenied';
}

function findPlugin(proc: NodeLikeProcess, id: string, name: string): BackendPlugin | undefined {
  const mod = proc.getBuiltinModule?.('node:module') as { createRequire?: (from: string) => (id: string) => unknown } | undefined;
  if (!mod?.createRequire) return undefined;
  let cwd = '/';
  try {
    cwd = proc.cwd?.() ?? '/';
  } catch {}
  const bases = [import.meta.url, `file://${cwd}/`];
  for (const base of bases) {
    try {
      const exported = mod.createRequire(base)(id) as { neuriteBackend?: BackendPlugin };
      if (exported?.neuriteBackend) return exported.neuriteBackend;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND' || deniedByDeno(error)) continue;
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      failures[name] = message;
      console.warn(`neurite: ${id} is installed but did not load (${message}); going on without it`);
      return undefined;
    }
  }
  return undefined;
}
