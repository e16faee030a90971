// The wasm backend in headless Chromium: node --test e2e/ (pnpm test:e2e). The page bundles
// @neurite/tensor and this package (esbuild, then Vite) into static files, compiles the module
// with initWasm() on the main thread, and runs the conformance suite and the js-vs-wasm
// differential on it: on a cross-origin-isolated page with 2 threads, and on a plain page,
// where the backend must fall back to one thread and say why.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleWithEsbuild, bundleWithVite, CHROMIUM, launch, runPage, serve } from './harness.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') {
  throw new Error(
    `Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH); CI=true requires this run`,
  );
}
const skip = haveChromium ? false : `Chromium not found at ${CHROMIUM}: 'apt-get install -y chromium' runs these tests`;
const KEY = '__neuriteResults';

describe('@neurite/backend-wasm in Chromium', { skip, timeout: 600_000 }, () => {
  let browser;
  const servers = [];
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
  });

  const check = (results, errors) => {
    assert.equal(results.error, undefined, results.error);
    assert.deepEqual(results.failures, []);
    // conformance twice (shipped and every-op-in-wasm, ~400 cases each) plus 4 differential cases.
    assert.ok(results.passed >= 800, `only ${results.passed} cases ran`);
    assert.equal(results.chosen, 'wasm', 'registerWasmBackend() should make wasm the default over js');
    assert.deepEqual(errors, []);
  };

  it('esbuild bundle, cross-origin-isolated page: initWasm on the main thread, 2 threads, every case passes', async () => {
    const out = await bundleWithEsbuild(join(here, 'site/suite.ts'), join(here, '.out/esbuild'));
    const server = await serve(out, { isolated: true });
    servers.push(server);
    const { results, errors } = await runPage(browser, `${server.url}?threads=2`, KEY, 540_000);
    check(results, errors);
    assert.equal(results.crossOriginIsolated, true);
    assert.equal(results.info.shared, true);
    assert.equal(results.info.running, 2, 'the GEMM worker did not join');
    assert.ok(results.info.parallelProducts > 0, 'no product was split across the two threads');
    console.log(`esbuild, isolated: ${results.passed} passed; ${JSON.stringify(results.info)}`);
  });

  it('Vite bundle, plain static page: one thread, the reason given, every case passes', async () => {
    const out = await bundleWithVite(join(here, 'site/index.html'), join(here, '.out/vite'));
    const server = await serve(out, { isolated: false });
    servers.push(server);
    const { results, errors } = await runPage(browser, server.url, KEY, 540_000);
    check(results, errors);
    assert.equal(results.crossOriginIsolated, false);
    assert.equal(results.info.shared, false);
    assert.equal(results.info.threads, 1);
    assert.match(results.info.singleThreadReason, /cross-origin isolated/);
    console.log(`vite, plain: ${results.passed} passed; ${JSON.stringify(results.info)}`);
  });
});
