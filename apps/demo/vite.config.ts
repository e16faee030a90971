import { resolve } from 'node:path';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * Workspace packages resolve through their "source" export condition, so the site
 * builds straight from packages/<name>/src without a prior `pnpm build`. The dev and preview
 * servers send the cross-origin-isolation headers, so SharedArrayBuffer exists and the
 * WebAssembly backend trains on every core (deploy dist/ with the same two headers).
 */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
export default defineConfig({
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        playground: resolve(import.meta.dirname, 'index.html'),
        course: resolve(import.meta.dirname, 'course.html'),
        digits: resolve(import.meta.dirname, 'digits.html'),
      },
    },
  },
  server: { host: '127.0.0.1', headers: isolation },
  preview: { host: '127.0.0.1', headers: isolation },
});
