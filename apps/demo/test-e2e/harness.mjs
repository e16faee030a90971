// Shared pieces of the end-to-end run: build the site, serve
// dist/ on 127.0.0.1 with a free port, and launch Debian's Chromium headless.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(APP, 'dist');
export const RESULTS = join(APP, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DATASETS = process.env.NEURITE_DATASETS ?? resolve(APP, '../../../shared/datasets');

/**
 * Builds dist/ (about two seconds), so the run always tests the current sources;
 * NEURITE_E2E_REUSE_DIST=1 reuses an existing dist/ instead.
 */
export function ensureBuilt() {
  const built = ['index.html', 'course.html', 'digits.html'].every((page) => existsSync(join(DIST, page)));
  if (built && process.env.NEURITE_E2E_REUSE_DIST === '1') return;
  const vite = join(APP, 'node_modules/.bin/vite');
  const r = spawnSync(vite, ['build'], { cwd: APP, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed with exit code ${r.status}`);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * The cross-origin-isolation headers the site is deployed with (vite.config.ts sends them too):
 * SharedArrayBuffer, so the WebAssembly backend's threads.
 */
export const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** A tiny static server for dist/; resolves with its base URL and a close function. */
export function serve(root = DIST, headers = ISOLATION) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      ok({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Collects console errors and uncaught page errors, to assert there are none. */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}
