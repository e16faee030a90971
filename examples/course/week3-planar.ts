/**
 * Week 3 — "Planar data classification with one hidden layer": a 2-n_h-1 network
 * (tanh hidden, sigmoid output) on the flower data, W = randn·0.01 from numpy's legacy
 * stream seeded 2, 10000 iterations at learning rate 1.2, then the hidden-size sweep.
 *
 *   pnpm --filter examples course:week3 [--sweep]
 */
import { planarFlower } from '@neurite/datasets';
import { Dense, type History, Sequential } from '@neurite/layers';
import type { Tensor } from '@neurite/tensor';

/** The notebook's nn_model as a Sequential model. */
export function planarModel(n_h = 4, seed = 2, dtype: 'float32' | 'float64' = 'float64'): Sequential {
  return new Sequential({ inputUnits: 2, dtype, seed })
    .add(new Dense(n_h, { activation: 'tanh', kernelInitializer: 'randomNormal' }))
    .add(new Dense(1, { activation: 'sigmoid', kernelInitializer: 'randomNormal' }));
}

export function trainPlanar(
  X: Tensor,
  Y: Tensor,
  options: {
    n_h?: number;
    iterations?: number;
    learningRate?: number;
    seed?: number;
    printEvery?: number;
    log?: (line: string) => void;
  } = {},
): { model: Sequential; history: History; accuracy: number; msPerIteration: number } {
  const model = planarModel(options.n_h ?? 4, options.seed ?? 2);
  const start = performance.now();
  const history = model.fit(X, Y, {
    loss: 'binaryCrossEntropy',
    optimizer: 'gradientDescent',
    learningRate: options.learningRate ?? 1.2,
    iterations: options.iterations ?? 10000,
    printEvery: options.printEvery ?? 1000,
    ...(options.log ? { verbose: options.log } : {}),
  });
  const msPerIteration = (performance.now() - start) / history.steps;
  const accuracy = model.evaluate(X, Y).accuracy as number;
  return { model, history, accuracy, msPerIteration };
}

async function main(): Promise<void> {
  const { X, Y } = planarFlower({ dtype: 'float64' });
  const run = trainPlanar(X, Y, { log: console.log });
  // The notebook prints the accuracy with %d.
  console.log(`Accuracy: ${Math.trunc(run.accuracy * 100)}%  (${run.msPerIteration.toFixed(3)} ms/iteration)`);
  if (process.argv.includes('--sweep')) {
    for (const n_h of [1, 2, 3, 4, 5, 20, 50]) {
      const r = trainPlanar(X, Y, { n_h, iterations: 5000 });
      console.log(`Accuracy for ${n_h} hidden units: ${r.accuracy * 100} %`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
