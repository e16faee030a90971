// @neurite/onnx in headless Chromium: node --test e2e/ (pnpm test:e2e). The page (site/page.ts,
// bundled with esbuild as an app would) trains Neurite models, exports them with toOnnx, runs the
// bytes in onnxruntime-web's WebAssembly build, and reads them back with fromOnnx: the browser
// path of the README's guide, with no Node built-ins in the page.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
// The browser harness of @neurite/backend-wasm's e2e tests (esbuild bundle, static server, Chromium).
import { bundleWithEsbuild, CHROMIUM, launch, runPage, serve } from '../../backend-wasm/e2e/harness.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') {
  throw new Error(
    `Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH); CI=true requires this run`,
  );
}
const skip = haveChromium ? false : `Chromium not found at ${CHROMIUM}: 'apt-get install -y chromium' runs these tests`;

describe('@neurite/onnx and onnxruntime-web in Chromium', { skip, timeout: 300_000 }, () => {
  let browser;
  let server;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a model trained and exported in the page runs in onnxruntime-web and predicts what Neurite does', async () => {
    const out = await bundleWithEsbuild(join(here, 'site/page.ts'), join(here, '.out'), 'neurite onnx');
    // onnxruntime-web fetches its WebAssembly beside the page (env.wasm.wasmPaths).
    const dist = join(here, '..', 'node_modules', 'onnxruntime-web', 'dist');
    copyFileSync(join(dist, 'ort-wasm-simd-threaded.wasm'), join(out, 'ort-wasm-simd-threaded.wasm'));
    server = await serve(out, { isolated: false });
    const { results, errors } = await runPage(browser, server.url, '__onnxResults', 240_000);
    assert.equal(results.error, undefined, results.error);
    assert.deepEqual(errors, []);
    assert.deepEqual(results.dense.dims, [1, 32]);
    assert.deepEqual(results.cnn.dims, [3, 4]);
    // float32 on both sides, a few dozen terms per sum: a few ulps of values below 1 (test/bound.ts derives the general bound).
    for (const name of ['dense', 'cnn']) {
      assert.ok(results[name].worst < 1e-6, `${name}: onnxruntime-web differs by ${results[name].worst}`);
      assert.ok(results[name].worstBack < 1e-6, `${name}: fromOnnx differs by ${results[name].worstBack}`);
    }
  });
});
