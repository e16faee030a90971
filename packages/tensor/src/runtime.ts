/*
 * The JavaScript runtime as the package sees it: Node's `process` where there is one, reached
 * without an `import` so that the package still loads in browsers and bundlers
 * (process.getBuiltinModule: Node >= 20.16; Deno and Bun answer it too).
 */

export interface NodeLikeProcess {
  getBuiltinModule?: (id: string) => unknown;
  env?: Record<string, string | undefined>;
  cwd?: () => string;
  versions?: { node?: string };
}

export function nodeProcess(): NodeLikeProcess | undefined {
  return (globalThis as { process?: NodeLikeProcess }).process;
}

// Deno without --allow-env (or --allow-read, for cwd) throws where Node would answer: a
// sandboxed run reads as an empty environment.
export function envVar(name: string): string | undefined {
  try {
    return nodeProcess()?.env?.[name];
  } catch {
    return undefined;
  }
}

/** True under Node itself (not Deno's or Bun's emulation of it). */
export function isNode(): boolean {
  const proc = nodeProcess();
  return (
    typeof proc?.getBuiltinModule === 'function' &&
    typeof proc.versions?.node === 'string' &&
    !('Deno' in globalThis) &&
    !('Bun' in globalThis)
  );
}

/** A Node built-in module (`node:os`, `node:worker_threads`); only under Node. */
export function nodeBuiltin<T>(id: string): T {
  const proc = nodeProcess();
  if (!isNode() || !proc?.getBuiltinModule) throw new Error(`${id} is only available under Node`);
  return proc.getBuiltinModule(id) as T;
}
