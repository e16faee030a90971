import { neuriteBackend } from '@neurite/backend-native';
import { registerBackend, setBackend } from '@neurite/tensor';

/**
 * The backends the course tests run on: js always, native where its binary loads. Under CI
 * the native backend must load (CI builds it), so a broken build cannot pass as "skipped".
 */
function nativeLoads(): boolean {
  registerBackend(neuriteBackend.name, neuriteBackend.load, neuriteBackend.priority);
  try {
    setBackend('native');
    return true;
  } catch (error) {
    if (process.env.CI === 'true') throw error;
    console.warn(`course tests on the native backend skipped: ${(error as Error).message}`);
    return false;
  } finally {
    setBackend('js');
  }
}

export const BACKENDS: string[] = nativeLoads() ? ['js', 'native'] : ['js'];
