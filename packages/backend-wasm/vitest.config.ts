import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'backend-wasm', include: ['test/**/*.test.ts'] },
  resolve: { conditions: ['source'] },
});
