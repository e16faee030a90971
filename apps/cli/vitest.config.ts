import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../packages/backend-native/test/as-installed.ts', '../../packages/tensor/test/discover-without-require.ts'],
    // The end-to-end tests spawn the real binary; a training run takes a second or two.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
  resolve: { conditions: ['source'] },
  // vitest runs tests as SSR modules, which take their own conditions: without these, workspace
  // dependencies resolved to their (possibly stale) dist/.
  ssr: { resolve: { conditions: ['source'] } },
});
