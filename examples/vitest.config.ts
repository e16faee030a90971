import { defineProject } from 'vitest/config';

// The 'source' condition makes workspace packages resolve to src/*.ts; vitest runs files as
// SSR modules, so the condition is needed on ssr.resolve too, or a stale dist/ would be used.
export default defineProject({
  test: {
    name: 'examples',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../packages/backend-native/test/as-installed.ts', '../packages/tensor/test/discover-without-require.ts'],
    testTimeout: 120_000,
  },
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
});
