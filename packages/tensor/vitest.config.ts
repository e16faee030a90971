import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'tensor',
    include: ['test/**/*.test.ts'],
    // Some tests start child processes (tsx, python3, workers): seconds each on a loaded 2-core machine.
    testTimeout: 60_000,
    setupFiles: ['../../packages/tensor/test/discover-without-require.ts'],
  },
  resolve: { conditions: ['source'] },
  // vitest runs tests as SSR modules, which take their own conditions: without these, workspace
  // dependencies resolved to their (possibly stale) dist/.
  ssr: { resolve: { conditions: ['source'] } },
});
