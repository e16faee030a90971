// @neurite/layers/browser in real Chromium: IndexedDB survives a page reload, localStorage
// round-trips small models and refuses big ones by name, a downloaded file loads back through
// an <input type="file">. The fixture page is storage-page/, built here with vite.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { APP, CHROMIUM, launch, RESULTS, serve, watchErrors } from './harness.mjs';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: CI=true requires the e2e run`);
const skip = haveChromium ? false : `Chromium not found at ${CHROMIUM}`;
const OUT = join(RESULTS, 'storage-dist');

describe('model storage in Chromium', { skip, timeout: 120_000 }, () => {
  let server;
  let browser;
  let context;
  before(async () => {
    const { build } = await import('vite');
    await build({
      root: join(APP, 'test-e2e/storage-page'),
      base: './',
      logLevel: 'warn',
      configFile: false,
      resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
      build: { outDir: OUT, emptyOutDir: true, target: 'es2022' },
    });
    mkdirSync(RESULTS, { recursive: true });
    server = await serve(OUT);
    browser = await launch();
    context = await browser.newContext({ acceptDownloads: true });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  const open = async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.waitForFunction(() => 'neurite' in window);
    return { page, errors };
  };

  it('a model saved to IndexedDB loads back after a page reload and predicts identically', async () => {
    const { page, errors } = await open();
    const saved = await page.evaluate(() => window.neurite.saveIndexedDB('flower'));
    assert.equal(saved.info.name, 'flower');
    assert.equal(saved.predictions.length, 500);
    await page.reload();
    await page.waitForFunction(() => 'neurite' in window);
    const loaded = await page.evaluate(() => window.neurite.loadIndexedDB('flower'));
    // Bit for bit: the same float32 weights give the same float32 outputs, read through the same code.
    assert.deepEqual(loaded.predictions, saved.predictions);
    assert.equal(loaded.iteration, saved.iteration);
    assert.deepEqual(
      loaded.list.map((m) => m.name),
      ['flower'],
    );
    // A taken name is refused without overwrite, and replaced with it.
    const taken = await page.evaluate(() => window.neurite.takenIndexedDB('flower'));
    assert.match(
      taken,
      /^ModelError: saveToIndexedDB: a model named 'flower' is already saved in the database 'neurite-models'; pass \{ overwrite: true \}/,
    );
    const again = await page.evaluate(() => window.neurite.saveIndexedDB('flower', true));
    assert.equal(again.info.name, 'flower');
    const missing = await page.evaluate(() => window.neurite.missingIndexedDB('flowr'));
    assert.match(missing, /^ModelError: loadFromIndexedDB: no model named 'flowr' in the database 'neurite-models' \(saved: 'flower'\)/);
    assert.equal(await page.evaluate(() => window.neurite.deleteIndexedDB('flower')), true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('localStorage keeps a small model and refuses a big one, naming its size and IndexedDB', async () => {
    const { page, errors } = await open();
    const saved = await page.evaluate(() => window.neurite.saveLocal('small'));
    await page.reload();
    await page.waitForFunction(() => 'neurite' in window);
    assert.deepEqual(await page.evaluate(() => window.neurite.loadLocal('small')), saved);
    const taken = await page.evaluate(() => window.neurite.takenLocal('small'));
    assert.match(
      taken,
      /^ModelError: saveToLocalStorage: a model named 'small' is already saved in localStorage; pass \{ overwrite: true \}/,
    );
    assert.deepEqual(await page.evaluate(() => window.neurite.saveLocal('small', true)), saved);
    const big = await page.evaluate(() => window.neurite.tooBigLocal());
    assert.match(
      big,
      /^ModelError: saveToLocalStorage: the model 'big' takes [\d.]+ MiB as localStorage text .* more than localStorage's 10\.00 MiB; save it with saveToIndexedDB/,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a downloaded model file loads back through a file input', async () => {
    const { page, errors } = await open();
    const [download, predictions] = await Promise.all([
      page.waitForEvent('download'),
      page.evaluate(() => window.neurite.download('flower.safetensors')),
    ]);
    assert.equal(download.suggestedFilename(), 'flower.safetensors');
    const path = join(RESULTS, 'flower.safetensors');
    await download.saveAs(path);
    // A safetensors file: numpy and PyTorch read its 8-byte header length and JSON header.
    const bytes = readFileSync(path);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    assert.deepEqual(header.W1.shape, [8, 2]);
    assert.equal(JSON.parse(header.__metadata__['neurite.model']).format, 'neurite-model');
    await page.reload();
    await page.waitForFunction(() => 'neurite' in window);
    await page.setInputFiles('#upload', path);
    await page.waitForFunction(() => window.neurite.uploaded() !== 'nothing uploaded');
    assert.deepEqual(await page.evaluate(() => window.neurite.uploaded()), predictions);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
