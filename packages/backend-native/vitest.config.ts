import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'backend-native', include: ['test/**/*.test.ts'] },
  resolve: { conditions: ['source'] },
});
