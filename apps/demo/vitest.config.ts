import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'demo', include: ['test/**/*.test.ts'], setupFiles: ['../../packages/tensor/test/discover-without-require.ts'] },
  resolve: { conditions: ['source'] },
  // vitest runs tests as SSR modules, which take their own conditions: without these, workspace
  // dependencies resolved to their (possibly stale) dist/.
  ssr: { resolve: { conditions: ['source'] } },
});
