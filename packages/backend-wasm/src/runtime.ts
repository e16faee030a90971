/** What the JavaScript runtime offers the backend: Node's built-ins, shared memory, threads. */
interface NodeLike {
  getBuiltinModule?: (id: string) => unknown;
  env?: Record<string, string | undefined>;
  versions?: { node?: string };
}

export function nodeProcess(): NodeLike | undefined {
  return (globalThis as { process?: NodeLike }).process;
}

/** Node itself, not Deno's or Bun's emulation of it. */
export function isNode(): boolean {
  const p = nodeProcess();
  return (
    typeof p?.getBuiltinModule === 'function' && typeof p.versions?.node === 'string' && !('Deno' in globalThis) && !('Bun' in globalThis)
  );
}

/** Deno without --allow-env throws where Node answers: read as unset. */
export function envVar(name: string): string | undefined {
  try {
    return nodeProcess()?.env?.[name];
  } catch {
    return undefined;
  }
}

/** A page's main thread, where Atomics.wait is not allowed (the pool spins there instead). */
export function isBrowserMainThread(): boolean {
  const g = globalThis as { window?: unknown; document?: unknown };
  return typeof g.window !== 'undefined' && typeof g.document !== 'undefined';
}

/**
 * Why threads cannot run here, or undefined when they can: they need SharedArrayBuffer (in
 * browsers only on cross-origin-isolated pages) and a way to start workers.
 */
export function threadsUnavailable(): string | undefined {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof g.SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available (the page is not cross-origin isolated)';
  if (g.crossOriginIsolated === false) return 'the page is not cross-origin isolated (serve it with COOP/COEP headers)';
  if (!isNode() && typeof g.Worker !== 'function') return 'this runtime has no Worker';
  return undefined;
}

/** Cores to use by default: all of them (up to 8). */
export function coreCount(): number {
  let n = 1;
  if (isNode()) {
    const os = nodeProcess()?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus: () => unknown[] } | undefined;
    n = os?.availableParallelism?.() ?? os?.cpus().length ?? 1;
  } else {
    n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  }
  return Math.max(1, Math.min(8, n));
}
