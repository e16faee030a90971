import { resolve } from 'node:path';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * Workspace packages resolve through their "source" export condition, so the site
 * builds straight from packages/<name>/src without a prior `pnpm build`.
 */
export default defineConfig({
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: { playground: resolve(import.meta.dirname, 'index.html'), course: resolve(import.meta.dirname, 'course.html') },
    },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
