import { defineProject } from 'vitest/config';

// Tests run in vite's SSR environment, which takes its own resolve conditions.
export default defineProject({
  test: {
    name: 'datasets',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../packages/backend-native/test/as-installed.ts', '../../packages/tensor/test/discover-without-require.ts'],
  },
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
});
