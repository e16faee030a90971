import { defineProject } from 'vitest/config';

// 'source' resolves workspace packages to src/*.ts; vitest runs tests as SSR modules, so the
// condition goes on ssr.resolve too, or a stale dist/ of a dependency would be tested.
export default defineProject({
  test: {
    name: 'onnx',
    include: ['test/**/*.test.ts'],
    // Some tests start child processes (tsx, python3, workers): seconds each on a loaded 2-core machine.
    testTimeout: 60_000,
    setupFiles: ['../../packages/backend-native/test/as-installed.ts', '../../packages/tensor/test/discover-without-require.ts'],
  },
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
});
