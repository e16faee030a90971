// Deno suite for @neurite/onnx: a trained model goes to ONNX bytes and back (protobufjs under
// Deno's npm support), saveOnnx and loadOnnx round-trip a file, and bad bytes are refused by name.
// Run from packages/onnx: ../../node_modules/.bin/deno test --conditions=source --allow-read --allow-write --allow-env deno/
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conv2D, Dense, Flatten, MaxPool2D, Sequential } from '@neurite/layers';
import { Generator, NeuriteError } from '@neurite/tensor';
import { fromOnnx, OnnxFormatError, toOnnx } from '../src/index.ts';
import { loadOnnx, saveOnnx } from '../src/node.ts';

function assert(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

Deno.test('a CNN goes to ONNX and back and predicts the same', () => {
  const model = new Sequential({ inputShape: [null, 6, 6, 2], seed: 1 })
    .add(new Conv2D(3, 3, { padding: 'same', activation: 'gelu' }))
    .add(new MaxPool2D(2))
    .add(new Flatten())
    .add(new Dense(2, { activation: 'softmax' }))
    .build();
  const X = new Generator(2).randn([3, 6, 6, 2]);
  const back = fromOnnx(toOnnx(model));
  const a = model.predictProba(X).data;
  const b = back.predictProba(X).data;
  for (let i = 0; i < a.length; i++) assert(Math.abs(a[i] - b[i]) < 1e-6, `output ${i}: ${a[i]} vs ${b[i]}`);
});

Deno.test('saveOnnx and loadOnnx round-trip a file; a truncated one is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-onnx-deno-'));
  try {
    const model = new Sequential({ inputUnits: 3, seed: 4 }).add(new Dense(2, { activation: 'tanh' })).build();
    const path = join(dir, 'model.onnx');
    const n = saveOnnx(model, path);
    assert(n > 0, 'bytes written');
    assert(loadOnnx(path).layers[0].describe() === 'Dense (tanh)', 'the layer comes back');
    const bytes = toOnnx(model);
    let error: unknown;
    try {
      fromOnnx(bytes.subarray(0, bytes.length - 5));
    } catch (e) {
      error = e;
    }
    assert(error instanceof OnnxFormatError && error instanceof NeuriteError, `expected OnnxFormatError, got ${String(error)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
