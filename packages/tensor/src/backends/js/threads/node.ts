/*
 * Node's built-in modules, reached without an `import` so that the package still loads in
 * browsers and bundlers (process.getBuiltinModule: Node >= 20.16). Deno and Bun also answer
 * it, but the pool is only started and tested under Node.
 */

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  env?: Record<string, string | undefined>;
  versions?: { node?: string };
}

const proc = (globalThis as { process?: NodeProcess }).process;

/** True under Node itself (not Deno's or Bun's emulation of it). */
export const isNode =
  typeof proc?.getBuiltinModule === 'function' &&
  typeof proc.versions?.node === 'string' &&
  !('Deno' in globalThis) &&
  !('Bun' in globalThis);

export function nodeBuiltin<T>(id: string): T {
  if (!isNode || !proc?.getBuiltinModule) throw new Error(`${id} is only available under Node`);
  return proc.getBuiltinModule(id) as T;
}

export function env(name: string): string | undefined {
  return proc?.env?.[name];
}
