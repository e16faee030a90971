import { type BackendInfo, type BackendPlugin, backendInfo, listBackends, registerBackend, setBackend } from '@neurite/tensor';
import { UsageError } from './errors.ts';

/**
 * @neurite/tensor finds @neurite/backend-native by itself when it can require it from its own
 * folder or the working directory; from the CLI's own folder it may not be visible (pnpm keeps
 * dependencies apart), so the CLI looks for it too and registers what it finds.
 */
let nativeModule: Record<string, unknown> | null | undefined;
let nativeProblem: string | undefined;

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

/** Applies --backend: auto keeps the registry's choice; js or native are required to load. */
export async function chooseBackend(name: 'auto' | 'js' | 'native' = 'auto'): Promise<BackendInfo> {
  await loadNativeModule();
  if (name !== 'auto') {
    if (!listBackends().includes(name)) {
      throw new UsageError(
        `--backend ${name}: backend '${name}' is not available (${nativeProblem ?? 'not registered'})`,
        'use --backend js or auto',
      );
    }
    try {
      setBackend(name);
    } catch (error) {
      throw new UsageError(`--backend ${name}: ${(error as Error).message}`, 'use --backend js or auto');
    }
  }
  return backendInfo();
}
