import { defineConfig } from 'vitest/config';

// One vitest run over every package; each package keeps its own config (defineProject).
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'examples/vitest.config.ts'],
  },
});
