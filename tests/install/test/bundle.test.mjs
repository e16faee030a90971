// The browser story: a Vite app build of the core packages installed by name from the registry
// has no Node built-ins in it (no warnings, no node: imports, no require of fs/path/module),
// runs on its own, and every package stays within its size budget (size-limit).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { check, createProject, DENO } from './lib/project.mjs';

const here = new URL('..', import.meta.url).pathname;
const budgets = JSON.parse(readFileSync(join(here, '.size-limit.json'), 'utf8'));
const VITE = join(here, 'node_modules/vite/bin/vite.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
];

/** Serves dir on 127.0.0.1 (ES modules do not load from file:// pages). */
function serve(dir) {
  const server = createServer((req, res) => {
    const path = join(dir, new URL(req.url, 'http://x').pathname.replace(/\.\./g, ''));
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    if (!existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${server.address().port}/`, server })));
}

// Everything the four packages export is kept (namespace imports passed to console.log), so
// the bundle is the worst case; the training loop shows the bundle works on its own.
const MAIN = `
import * as layers from '@neurite/layers';
import * as losses from '@neurite/losses';
import * as optimizers from '@neurite/optimizers';
import * as tensor from '@neurite/tensor';

const m = 100;
const X = new tensor.Generator(3).randn([2, m], 'float64');
const labels = Array.from({ length: m }, (_, j) => (X.data[j] * X.data[m + j] > 0 ? 1 : 0));
const Y = tensor.tensor([labels], 'float64');
const model = new layers.Sequential({ inputUnits: 2, dtype: 'float64', seed: 1 })
  .add(new layers.Dense(8, { activation: 'tanh' }))
  .add(new layers.Dense(1, { activation: 'sigmoid' }));
model.fit(X, Y, { loss: 'binaryCrossEntropy', optimizer: new optimizers.Adam(0.05), iterations: 1000 });
const cost = losses.binaryCrossEntropyValue(model.predictProba(X), Y);
globalThis.neuriteResult = { cost, accuracy: model.evaluate(X, Y).accuracy, backend: tensor.backendInfo().name };
console.log('neurite-bundle', JSON.stringify(globalThis.neuriteResult), Object.keys({ ...tensor, ...layers, ...losses, ...optimizers }).length);
`;

const NODE_BUILTINS = 'fs|path|module|os|url|crypto|child_process|worker_threads|util|stream|buffer|events|zlib|process';
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{}\s,]+from\s*)?["']node:[\w/]+["']/;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*["'`]node:/;
const REQUIRE = new RegExp(`\\brequire\\s*\\(\\s*["'\`](?:node:)?(?:${NODE_BUILTINS})(?:/[\\w/]*)?["'\`]\\s*\\)`);
const BARE_IMPORT = new RegExp(`\\bfrom\\s*["'](?:${NODE_BUILTINS})(?:/[\\w/]*)?["']`);

describe('browser bundle of tensor + layers + losses + optimizers (Vite)', () => {
  let project;
  let build;
  let bundle;
  before(() => {
    project = createProject('bundle', ['@neurite/tensor', '@neurite/layers', '@neurite/losses', '@neurite/optimizers']);
    project.write(
      'index.html',
      '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>\n',
    );
    project.write('main.js', MAIN);
    // The module-preload polyfill touches `document`; the bundle is also run outside a page below.
    project.write('vite.config.mjs', 'export default { build: { modulePreload: { polyfill: false } } };\n');
    build = check(project.spawn(process.execPath, [VITE, 'build', '--logLevel', 'info']), 'vite build');
    const assets = project.path('dist/assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    assert.equal(js.length, 1, `one JS chunk, got ${js.join(', ')}`);
    bundle = { file: join(assets, js[0]), text: readFileSync(join(assets, js[0]), 'utf8') };
  });
  after(() => project?.remove());

  it('builds without "externalized for browser compatibility" warnings', () => {
    const log = `${build.stdout}${build.stderr}`;
    assert.doesNotMatch(log, /externalized for browser compatibility/);
    assert.doesNotMatch(log, /\[plugin|warning/i, log);
  });

  it('contains no node: imports and no require of Node built-ins', () => {
    for (const re of [STATIC_IMPORT, DYNAMIC_IMPORT, REQUIRE, BARE_IMPORT]) {
      const hit = bundle.text.match(re);
      assert.equal(hit, null, `bundle matches ${re}: …${hit && bundle.text.slice(Math.max(0, hit.index - 80), hit.index + 80)}…`);
    }
    // The registry's run-time discovery stays: a string handed to getBuiltinModule, not an import.
    assert.match(bundle.text, /getBuiltinModule/);
  });

  it('runs on its own, with no node_modules beside it, and trains', () => {
    const alone = mkdtempSync(join(tmpdir(), 'neurite-install-bundle-alone-'));
    try {
      copyFileSync(bundle.file, join(alone, 'bundle.mjs'));
      // Deno with no permissions at all: like a browser page, it cannot read files or env.
      const res = check(
        spawnSync(DENO, ['run', '--quiet', '--no-config', 'bundle.mjs'], { cwd: alone, encoding: 'utf8' }),
        'deno run bundle.mjs',
      );
      const line = res.stdout.split('\n').find((l) => l.startsWith('neurite-bundle'));
      const [, json, exports] = line.match(/^neurite-bundle (\{.*\}) (\d+)$/);
      const out = JSON.parse(json);
      assert.equal(out.backend, 'js');
      assert.ok(out.cost < 0.2, `cost ${out.cost}`);
      assert.ok(out.accuracy >= 0.9, `accuracy ${out.accuracy}`);
      assert.ok(Number(exports) > 100, `${exports} exports kept`);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it('trains in headless Chromium', {
    skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM} (apt-get install chromium)`,
  }, async () => {
    const { chromium } = await import('playwright-core');
    const { url, server } = await serve(project.path('dist'));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(url);
      await page.waitForFunction(() => globalThis.neuriteResult, null, { timeout: 30_000 });
      const out = await page.evaluate(() => globalThis.neuriteResult);
      assert.deepEqual(errors, []);
      assert.equal(out.backend, 'js');
      assert.ok(out.cost < 0.2 && out.accuracy >= 0.9, JSON.stringify(out));
    } finally {
      await browser.close();
      server.close();
    }
  });

  it('reports its size', (t) => {
    const gzip = gzipSync(bundle.text).length;
    t.diagnostic(`vite bundle: ${bundle.text.length} bytes minified, ${gzip} gzipped`);
    assert.ok(gzip < 60_000, `core bundle ${gzip} bytes gzipped`);
  });
});

// size-limit 14 needs Node >= 22.19 (it imports glob from node:fs/promises); this repo's Node
// is 20, so it runs under the workspace's Deno, which provides that API. Budgets and why: README.md.
describe('size budgets (size-limit, .size-limit.json)', () => {
  it('every package is within its budget', (t) => {
    const res = spawnSync(DENO, ['run', '-A', 'node_modules/size-limit/bin.js', '--json'], { cwd: here, encoding: 'utf8' });
    const results = JSON.parse(res.stdout);
    for (const r of results) t.diagnostic(`${r.name}: ${r.size} B brotli (limit ${r.sizeLimit})`);
    const over = results.filter((r) => !r.passed);
    assert.deepEqual(over, [], 'over budget');
    assert.equal(res.status, 0, res.stderr);
    // One result per budget in .size-limit.json: none skipped, none unmeasured.
    assert.equal(results.length, budgets.length);
  });
});
