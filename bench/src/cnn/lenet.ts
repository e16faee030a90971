import { Conv2D, Dense, Flatten, MaxPool2D, Sequential } from '@neurite/layers';
import type { CnnSpec } from '../workloads.ts';

/** The bench's LeNet (see CnnSpec) as a Neurite Sequential, built; weights from `seed` until setParams. */
export function neuriteLenet(spec: CnnSpec, seed = 1): Sequential {
  const [c1, c2] = spec.filters;
  const [d1, d2] = spec.dense;
  return new Sequential({
    inputShape: [null, 28, 28, 1],
    dtype: 'float32',
    seed,
    layers: [
      new Conv2D(c1, 5, { activation: 'relu', padding: 'same' }),
      new MaxPool2D(2),
      new Conv2D(c2, 5, { activation: 'relu' }),
      new MaxPool2D(2),
      new Flatten(),
      new Dense(d1, { activation: 'relu' }),
      new Dense(d2, { activation: 'relu' }),
      new Dense(10, { activation: 'softmax' }),
    ],
  }).build();
}
