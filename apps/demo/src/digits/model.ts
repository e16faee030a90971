import { Conv2D, Dense, Flatten, MaxPool2D, Sequential } from '@neurite/layers';
import type { TrainSettings } from './protocol.ts';

/**
 * The page's network: a LeNet-style pair of 5x5 convolutions, each followed by 2x2 max
 * pooling, and a softmax over the ten digits: 5,994 weights. Small on purpose: a training
 * example costs 1.7 MFLOP (forward 0.65: the two convolutions 0.23 and 0.41; backward the
 * filters' gradients, and the second convolution's input gradient), so an epoch of 4,000
 * digits is 6.8 GFLOP, seconds on the wasm backend.
 */
export function digitsModel(): Sequential {
  return new Sequential({
    inputShape: [null, 28, 28, 1],
    seed: 1,
    layers: [
      new Conv2D(8, 5, { activation: 'relu' }), // (m, 24, 24, 8)
      new MaxPool2D(2), // (m, 12, 12, 8)
      new Conv2D(16, 5, { activation: 'relu' }), // (m, 8, 8, 16)
      new MaxPool2D(2), // (m, 4, 4, 16)
      new Flatten(), // (256, m)
      new Dense(10, { activation: 'softmax' }),
    ],
  });
}

export const TRAINING = { loss: 'categoricalCrossEntropy', optimizer: 'adam', learningRate: 0.01, batchSize: 32 } as const;

export const DEFAULT_SETTINGS: TrainSettings = { examples: 4000, epochs: 2 };
export const EXAMPLE_CHOICES = [1000, 2000, 4000, 8000];
export const EPOCH_CHOICES = [1, 2, 3];

/**
 * Settings from the query string (?examples=2000&epochs=1), which the page keeps so a link
 * reproduces a run; anything out of range falls back to the default, with the reason.
 */
export function settingsFromQuery(query: string): { settings: TrainSettings; problems: string[] } {
  const q = new URLSearchParams(query);
  const problems: string[] = [];
  const read = (key: keyof TrainSettings, min: number, max: number): number => {
    const raw = q.get(key);
    if (raw === null) return DEFAULT_SETTINGS[key];
    const v = Number(raw);
    if (Number.isInteger(v) && v >= min && v <= max) return v;
    problems.push(`${key} must be a whole number from ${min} to ${max}, received "${raw}"; using ${DEFAULT_SETTINGS[key]}`);
    return DEFAULT_SETTINGS[key];
  };
  return { settings: { examples: read('examples', 100, 8000), epochs: read('epochs', 1, 10) }, problems };
}
