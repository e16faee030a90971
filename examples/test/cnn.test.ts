import { neuriteBackend } from '@neurite/backend-native';
import { registerBackend, setBackend, Tensor } from '@neurite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { catCnn, withMirrors } from '../cnn/cats-cnn.ts';
import { lenet, trainDigits } from '../cnn/digits-lenet.ts';
import { BACKENDS } from './backends.ts';

/**
 * The full runs (examples/cnn, `pnpm --filter examples cnn:digits`) take minutes; here a short
 * seeded one: the network on 1,000 of the 8,000 training digits for 2 epochs (32 Adam steps an
 * epoch), scored on the 2,000 held-out digits. Chance is 10%; such a run lands near 90%, and a
 * broken convolution, pooling or loss stays near chance, so the bar is a wide 75%.
 */
describe('digits: the LeNet-style network, a short seeded run', () => {
  const backend = BACKENDS.includes('native') ? 'native' : 'js';
  if (backend === 'native') registerBackend(neuriteBackend.name, neuriteBackend.load, neuriteBackend.priority);
  afterAll(() => setBackend('js'));

  it(`learns far above chance on ${backend}, and the same seed gives the same weights`, async () => {
    setBackend(backend);
    const run = await trainDigits({ train: 1000, epochs: 2, batchSize: 32, seed: 1 });
    expect(run.testAccuracy).toBeGreaterThan(0.75);
    expect(run.history.epochs).toBe(2);
    const [a, b] = [await trainDigits({ train: 300, epochs: 1, seed: 1 }), await trainDigits({ train: 300, epochs: 1, seed: 1 })];
    expect(Array.from(a.model.layers[0].weights[0].value.data)).toEqual(Array.from(b.model.layers[0].weights[0].value.data));
  });

  it("has LeNet-5's layout: 61,706 parameters with its 6 and 16 filters, 120,382 with 16 and 32", () => {
    // conv 5·5·1·6 + 6, conv 5·5·6·16 + 16, dense 400·120 + 120, 120·84 + 84, 84·10 + 10.
    expect(lenet(1, [6, 16], 0).build().summary()).toMatch(/Total params: 61,706/);
    expect(156 + 2416 + 48120 + 10164 + 850).toBe(61706);
    // conv 5·5·1·16 + 16, conv 5·5·16·32 + 32, dense 800·120 + 120, then as above.
    expect(lenet().build().summary()).toMatch(/Total params: 120,382/);
    expect(416 + 12832 + 96120 + 10164 + 850).toBe(120382);
  });
});

describe('cats: the small CNN', () => {
  it('takes the course columns (12288, m) and has 3 convolutions', () => {
    const model = catCnn().build();
    expect(model.layers.map((l) => l.className)).toEqual([
      'Unflatten',
      'Conv2D',
      'MaxPool2D',
      'Conv2D',
      'MaxPool2D',
      'Conv2D',
      'MaxPool2D',
      'Flatten',
      'Dense',
      'Dense',
    ]);
  });

  it('withMirrors appends each image flipped left to right', () => {
    // Two 64x64x3 images whose pixel value codes its (row, column, channel).
    const m = 2;
    const X = new Tensor(new Float32Array(12288 * m), [12288, m]);
    for (let p = 0; p < 12288; p++) for (let j = 0; j < m; j++) X.data[p * m + j] = p + j / 10;
    const Y = new Tensor(Float32Array.from([1, 0]), [1, m]);
    const out = withMirrors(X, Y);
    expect(out.X.shape).toEqual([12288, 4]);
    expect(Array.from(out.Y.data)).toEqual([1, 0, 1, 0]);
    const at = (row: number, col: number, ch: number, j: number) => out.X.data[(row * 192 + col * 3 + ch) * 4 + j];
    expect(at(5, 0, 2, 0)).toBeCloseTo(5 * 192 + 2, 4);
    expect(at(5, 63, 2, 2)).toBeCloseTo(5 * 192 + 2, 4);
    expect(at(7, 10, 1, 3)).toBeCloseTo(7 * 192 + 53 * 3 + 1 + 0.1, 4);
  });
});
