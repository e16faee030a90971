import { registerBackend } from '@neurite/tensor';
import { ALWAYS_NATIVE, createNativeBackend, type NativeBinding, nativeBinding, neuriteBackend } from '../src/index.ts';

/**
 * 'native' is the backend as shipped (tiny ops stay in TypeScript); 'native-all' sends every
 * op through N-API whatever its size, so the small tensors of the conformance suite exercise
 * the Rust kernels themselves.
 */
registerBackend(neuriteBackend.name, neuriteBackend.load, -1);
export const nativeCalls = { count: 0 };

/** The binding with every function call counted, to prove the tests reach Rust. */
function counted(): NativeBinding {
  const b = nativeBinding();
  return new Proxy(b, {
    get(target, key) {
      const f = Reflect.get(target, key);
      if (typeof f !== 'function') return f;
      return (...args: unknown[]) => {
        nativeCalls.count++;
        return f.apply(target, args);
      };
    },
  });
}

registerBackend('native-all', () => createNativeBackend(counted(), ALWAYS_NATIVE, 'native-all'), -1);
