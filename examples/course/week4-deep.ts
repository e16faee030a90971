/**
 * Week 4 — "Deep Neural Network for Image Classification: Application".
 * The two-layer model [12288, 7, 1] and the L-layer model [12288, 20, 7, 5, 1] on the cat
 * images, with the course's seeding (numpy's legacy stream, seed 1), initializations and
 * learning rate, printing the notebook's lines.
 *
 *   pnpm --filter examples course:week4 [--iterations 2500] [--model two|deep|both]
 */
import { accuracy, Dense, type History, Sequential } from '@neurite/layers';
import { backendInfo, type Tensor } from '@neurite/tensor';
import { loadCats } from './data.ts';

export interface DeepRun {
  history: History;
  trainAccuracy: number;
  testAccuracy: number;
  msPerIteration: number;
}

/** Sequential's equivalent of the notebook's two_layer_model. */
export function twoLayerModel(seed = 1, hidden = 7): Sequential {
  return new Sequential({ inputUnits: 12288, dtype: 'float64', seed })
    .add(new Dense(hidden, { activation: 'relu', kernelInitializer: 'randomNormal' }))
    .add(new Dense(1, { activation: 'sigmoid', kernelInitializer: 'randomNormal' }));
}

/** The notebook's L_layer_model: randn(n[l], n[l-1]) / sqrt(n[l-1]) for every layer. */
export function lLayerModel(layerDims: number[] = [12288, 20, 7, 5, 1], seed = 1): Sequential {
  const model = new Sequential({ inputUnits: layerDims[0], dtype: 'float64', seed });
  layerDims.slice(1).forEach((units, i) => {
    const last = i === layerDims.length - 2;
    model.add(new Dense(units, { activation: last ? 'sigmoid' : 'relu', kernelInitializer: 'courseDeep' }));
  });
  return model;
}

export function train(
  model: Sequential,
  data: { trainX: Tensor; trainY: Tensor; testX: Tensor; testY: Tensor },
  options: { iterations?: number; learningRate?: number; printEvery?: number; log?: (line: string) => void } = {},
): DeepRun {
  const start = performance.now();
  const iterations = options.iterations ?? 2500;
  const history = model.fit(data.trainX, data.trainY, {
    loss: 'binaryCrossEntropy',
    optimizer: 'gradientDescent',
    learningRate: options.learningRate ?? 0.0075,
    iterations,
    printEvery: options.printEvery ?? 100,
    // The notebook prints the full float: "Cost after iteration 0: 0.6930497356599888".
    costFormat: String,
    ...(options.log ? { verbose: options.log } : {}),
  });
  const msPerIteration = (performance.now() - start) / history.steps;
  const trainAccuracy = accuracy(model.predict(data.trainX), data.trainY);
  const testAccuracy = accuracy(model.predict(data.testX), data.testY);
  return { history, trainAccuracy, testAccuracy, msPerIteration };
}

/** The notebook (v1.2) also prints the cost of the last iteration. */
function printLast(run: DeepRun): void {
  const i = run.history.iterations.length - 1;
  if (run.history.iterations[i] % 100 !== 0) console.log(`Cost after iteration ${run.history.iterations[i]}: ${run.history.costs[i]}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const iterations = Number(flag('iterations') ?? 2500);
  const which = flag('model') ?? 'both';
  const data = await loadCats();
  console.log(`backend: ${backendInfo().name}`);
  if (which === 'two' || which === 'both') {
    console.log('Two-layer model [12288, 7, 1]');
    const model = twoLayerModel();
    console.log(model.build().summary());
    const run = train(model, data, { iterations, log: console.log });
    printLast(run);
    console.log(`train Accuracy: ${run.trainAccuracy}`);
    console.log(`test Accuracy: ${run.testAccuracy}`);
    console.log(`(${run.msPerIteration.toFixed(1)} ms/iteration)\n`);
  }
  if (which === 'deep' || which === 'both') {
    console.log('L-layer model [12288, 20, 7, 5, 1]');
    const model = lLayerModel();
    console.log(model.build().summary());
    const run = train(model, data, { iterations, log: console.log });
    printLast(run);
    console.log(`Train Accuracy: ${run.trainAccuracy}`);
    console.log(`Test Accuracy: ${run.testAccuracy}`);
    console.log(`(${run.msPerIteration.toFixed(1)} ms/iteration)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
