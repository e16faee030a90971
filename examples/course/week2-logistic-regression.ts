/**
 * Week 2 — "Logistic Regression with a Neural Network mindset": the notebook's
 * initialize_with_zeros / propagate / optimize / predict on the cat images.
 *
 *   pnpm --filter examples course:week2
 */
import { initializeWithZeros, logisticPredict, optimize } from '@neurite/layers';
import type { Tensor } from '@neurite/tensor';
import { loadCats } from './data.ts';

export interface LogisticRun {
  costs: number[];
  trainAccuracy: number;
  testAccuracy: number;
  w: Tensor;
  b: number;
}

/** Percent of predictions equal to Y, the notebook's 100 − mean(|Ŷ − Y|)·100. */
function percent(pred: Tensor, Y: Tensor): number {
  let err = 0;
  for (let i = 0; i < Y.size; i++) err += Math.abs(pred.data[i] - Y.data[i]);
  return 100 - (err / Y.size) * 100;
}

/** The notebook's model(): zeros init, gradient descent, train/test accuracy. */
export function model(
  data: { trainX: Tensor; trainY: Tensor; testX: Tensor; testY: Tensor },
  numIterations = 2000,
  learningRate = 0.005,
  printCost: boolean | ((line: string) => void) = false,
): LogisticRun {
  const { w: w0, b: b0 } = initializeWithZeros(data.trainX.shape[0]);
  const { params, costs } = optimize(w0, b0, data.trainX, data.trainY, numIterations, learningRate, printCost);
  const trainAccuracy = percent(logisticPredict(params.w, params.b, data.trainX), data.trainY);
  const testAccuracy = percent(logisticPredict(params.w, params.b, data.testX), data.testY);
  return { costs, trainAccuracy, testAccuracy, w: params.w, b: params.b };
}

async function main(): Promise<void> {
  const data = await loadCats();
  const run = model(data, 2000, 0.005, true);
  console.log(`train accuracy: ${run.trainAccuracy} %`);
  console.log(`test accuracy: ${run.testAccuracy} %`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
