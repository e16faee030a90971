// The page of browser.test.mjs: Neurite trains a model in the page, toOnnx exports it there, and
// onnxruntime-web (WebAssembly) runs the bytes; fromOnnx reads them back. Results go to
// globalThis.__onnxResults.
import { Conv2D, Dense, Flatten, MaxPool2D, Sequential } from '@neurite/layers';
import { fromOnnx, toOnnx } from '@neurite/onnx';
import { Generator, type Tensor, tensor } from '@neurite/tensor';
// The WebAssembly (CPU) build; 'onnxruntime-web' adds WebGPU and WebNN.
import * as ort from 'onnxruntime-web/wasm';

const results: Record<string, unknown> = {};

async function run(name: string, model: Sequential, X: Tensor): Promise<void> {
  const bytes = toOnnx(model);
  const session = await ort.InferenceSession.create(bytes);
  const feeds = { X: new ort.Tensor('float32', Float32Array.from(X.data), X.shape as number[]) };
  const out = (await session.run(feeds)).AL;
  const ours = model.predictProba(X).data;
  const theirs = out.data as Float32Array;
  const back = fromOnnx(bytes).predictProba(X).data;
  results[name] = {
    dims: out.dims,
    worst: Math.max(...Array.from(theirs, (v, i) => Math.abs(v - ours[i]))),
    worstBack: Math.max(...Array.from(back, (v, i) => Math.abs(v - ours[i]))),
  };
}

try {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = { wasm: new URL('./ort-wasm-simd-threaded.wasm', location.href).href };
  const X = new Generator(1).randn([2, 32]);
  const Y = tensor([Array.from({ length: 32 }, (_, j) => (X.data[j] * X.data[32 + j] > 0 ? 1 : 0))]);
  const dense = new Sequential({ inputUnits: 2, seed: 2 })
    .add(new Dense(6, { activation: 'gelu' }))
    .add(new Dense(1, { activation: 'sigmoid' }));
  dense.fit(X, Y, { loss: 'binaryCrossEntropy', learningRate: 0.5, iterations: 50 });
  await run('dense', dense, X);
  const cnn = new Sequential({ inputShape: [null, 6, 6, 2], seed: 3 })
    .add(new Conv2D(3, 3, { padding: 'same', activation: 'relu' }))
    .add(new MaxPool2D(2))
    .add(new Flatten())
    .add(new Dense(3, { activation: 'softmax' }))
    .build();
  await run('cnn', cnn, new Generator(4).randn([4, 6, 6, 2]));
} catch (error) {
  results.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
results.done = true;
(globalThis as { __onnxResults?: unknown }).__onnxResults = results;
document.getElementById('status')!.textContent = 'done';
