import { defineProject } from 'vitest/config';

// Tests run in vite's SSR environment, which takes its own resolve conditions.
export default defineProject({
  test: { name: 'datasets', include: ['test/**/*.test.ts'] },
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
});
