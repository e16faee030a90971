import { defineProject } from 'vitest/config';

// vitest runs tests as SSR modules, which take their own conditions: without the ssr line,
// workspace dependencies (@neurite/tensor) resolved to their possibly stale dist/.
export default defineProject({
  test: {
    name: 'backend-wasm',
    include: ['test/**/*.test.ts'],
    // Discovery without its require of the installed packages, which under vitest resolves to
    // their TypeScript sources and warns "did not load" once per file (see that file).
    setupFiles: ['../tensor/test/discover-without-require.ts'],
  },
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
});
