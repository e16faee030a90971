import { type BackendInfo, type BackendPlugin, backendInfo, listBackends, registerBackend, setBackend } from '@neurite/tensor';
import { checkBackendVariable, checkComputeVariables } from './environment.ts';
import { UsageError } from './errors.ts';

/**
 * @neurite/tensor finds @neurite/backend-native by itself when it can require it from its own
 * folder or the working directory; from the CLI's own folder it may not be visible (pnpm keeps
 * dependencies apart), so the CLI looks for it too and registers what it finds.
 */
let nativeModule: Record<string, unknown> | null | undefined;
let nativeProblem: string | undefined;
let wasmModule: Record<string, unknown> | null | undefined;
let wasmProblem: string | undefined;

/** The same for @neurite/backend-wasm (priority 5: below native, above js). */
export async function loadWasmModule(): Promise<Record<string, unknown> | null> {
  if (wasmModule !== undefined) return wasmModule;
  try {
    const name = '@neurite/backend-wasm';
    wasmModule = (await import(/* @vite-ignore */ name)) as Record<string, unknown>;
    const plugin = wasmModule.neuriteBackend as BackendPlugin | undefined;
    if (plugin && !listBackends().includes(plugin.name)) registerBackend(plugin.name, plugin.load, plugin.priority);
  } catch (error) {
    const code = (error as { code?: string }).code;
    wasmProblem =
      code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' ? 'not installed' : (error as Error).message.split('\n')[0];
    wasmModule = null;
  }
  return wasmModule;
}

export function wasmLoadProblem(): string | undefined {
  return wasmProblem;
}

export async function loadNativeModule(): Promise<Record<string, unknown> | null> {
  if (nativeModule !== undefined) return nativeModule;
  try {
    const name = '@neurite/backend-native';
    nativeModule = (await import(/* @vite-ignore */ name)) as Record<string, unknown>;
    const plugin = nativeModule.neuriteBackend as BackendPlugin | undefined;
    if (plugin && !listBackends().includes(plugin.name)) registerBackend(plugin.name, plugin.load, plugin.priority);
  } catch (error) {
    const code = (error as { code?: string }).code;
    nativeProblem =
      code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' ? 'not installed' : (error as Error).message.split('\n')[0];
    nativeModule = null;
  }
  return nativeModule;
}

export function nativeLoadProblem(): string | undefined {
  return nativeProblem;
}

/**
 * Applies --backend, or NEURITE_BACKEND when the flag is auto: auto keeps the registry's
 * choice; js or native are required to load. The environment is checked first.
 */
export async function chooseBackend(name: 'auto' | 'js' | 'native' | 'wasm' = 'auto'): Promise<BackendInfo> {
  checkBackendVariable();
  const native = await loadNativeModule();
  await loadWasmModule();
  for (const warning of checkComputeVariables(native)) process.stderr.write(`neurite: warning: ${warning}\n`);
  const fromEnv = process.env.NEURITE_BACKEND;
  const wanted = name === 'auto' && fromEnv ? (fromEnv as typeof name) : name;
  const source = wanted === name ? `--backend ${name}` : `NEURITE_BACKEND=${fromEnv}`;
  if (wanted !== 'auto') {
    if (!listBackends().includes(wanted)) {
      throw new UsageError(
        `${source}: backend '${wanted}' is not available (${(wanted === 'wasm' ? wasmProblem : nativeProblem) ?? 'not registered'})`,
        'use --backend js or auto',
      );
    }
    try {
      setBackend(wanted);
    } catch (error) {
      throw new UsageError(`${source}: ${(error as Error).message}`, 'use --backend js or auto');
    }
  }
  return backendInfo();
}
