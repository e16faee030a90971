import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    // The end-to-end tests spawn the real binary; a training run takes a second or two.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
  resolve: { conditions: ['source'] },
});
