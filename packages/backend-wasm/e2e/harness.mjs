// Pieces of the browser runs of @neurite/backend-wasm (this folder's tests, and the Chromium
// benchmark in bench/chromium): bundle a page with esbuild or Vite into static files, serve them
// on 127.0.0.1 (a free port) with or without the cross-origin-isolation headers, and launch
// Debian's Chromium headless through playwright-core.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { basename, dirname, extname, join, normalize } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Bundles `entry` (a .ts module) with esbuild into `out`/, beside an index.html that loads it:
 * what an app that uses esbuild ships. Workspace packages resolve to their sources.
 */
export async function bundleWithEsbuild(entry, out, title = 'neurite') {
  const esbuild = await import('esbuild');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const name = basename(entry).replace(/\.ts$/, '.js');
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    conditions: ['source'],
    outfile: join(out, name),
    logLevel: 'warning',
  });
  writeFileSync(
    join(out, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head><body><p id="status">loading</p><script type="module" src="./${name}"></script></body></html>\n`,
  );
  return out;
}

/** Builds the Vite project whose index.html is `html` into `out`/ (a relative base, so any static host serves it). */
export async function bundleWithVite(html, out) {
  const { build } = await import('vite');
  rmSync(out, { recursive: true, force: true });
  await build({
    root: dirname(html),
    base: './',
    logLevel: 'warn',
    configFile: false,
    resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
    build: { outDir: out, emptyOutDir: true, target: 'es2022' },
  });
  return out;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/**
 * A static file server for `root`; `isolated` adds COOP/COEP, which make the page
 * cross-origin isolated (SharedArrayBuffer, so the backend's threads).
 */
export function serve(root, { isolated }) {
  const headers = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
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

/** Opens `url`, collecting console errors and page errors, and waits for `window[key].done`. */
export async function runPage(browser, url, key, timeout) {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction((k) => globalThis[k]?.done === true, key, { timeout, polling: 500 });
  const results = await page.evaluate((k) => globalThis[k], key);
  await page.close();
  return { results, errors };
}
