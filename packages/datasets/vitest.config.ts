import { defineProject } from 'vitest/config';

// Tests run in vite's SSR environment, which takes its own resolve conditions.
export default defineProject({
  test: {
    name: 'datasets',
    include: ['test/**/*.test.ts'],
    // Some tests start child processes (tsx, python3, workers): seconds each on a loaded 2-core machine.
    testTimeout: 60_000,
    setupFiles: ['../../packages/backend-native/test/as-installed.ts', '../../packages/tensor/test/discover-without-require.ts'],
  },
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
});
