import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Conv2D, Dense, Flatten, MaxPool2D, Sequential } from '@neurite/layers';
import { saveModel } from '@neurite/layers/node';
import { fromOnnx } from '@neurite/onnx';
import { Generator } from '@neurite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { events, neurite, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('neurite export', () => {
  it('writes <model>.onnx beside the folder; the file predicts what the model does', async () => {
    const model = new Sequential({ inputShape: [null, 6, 6, 1], seed: 3 })
      .add(new Conv2D(2, 3, { activation: 'relu' }))
      .add(new MaxPool2D(2))
      .add(new Flatten())
      .add(new Dense(3, { activation: 'softmax' }))
      .build();
    const dir = join(tmp.dir, 'digits-model');
    await saveModel(model, dir);
    const r = await neurite(['export', '--model', dir, '--format', 'onnx']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${dir}.onnx (`);
    expect(r.stdout).toContain('ONNX opset 17): X (m, 6, 6, 1) -> AL (3, m)');
    const back = fromOnnx(readFileSync(`${dir}.onnx`));
    const X = new Generator(1).randn([4, 6, 6, 1]);
    const a = model.predictProba(X).data;
    const b = back.predictProba(X).data;
    // The same float32 weights and kernels on both sides.
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6);
  });

  it('--out, --layout rows and --json', async () => {
    const dir = join(tmp.dir, 'flower');
    await saveModel(
      new Sequential({ inputUnits: 2, seed: 1 })
        .add(new Dense(4, { activation: 'tanh' }))
        .add(new Dense(1, { activation: 'sigmoid' }))
        .build(),
      dir,
    );
    const out = join(tmp.dir, 'out', 'flower-rows.onnx');
    const r = await neurite(['export', '--model', dir, '--format', 'onnx', '--out', out, '--layout', 'rows', '--json']);
    expect(r.code).toBe(0);
    const [result] = events(r.stdout);
    expect(result).toMatchObject({
      file: out,
      format: 'onnx',
      opset: 17,
      irVersion: 8,
      layout: 'rows',
      input: { shape: '(m, 2)' },
      output: { shape: '(m, 1)' },
    });
    expect(result.bytes).toBe(readFileSync(out).length);
  });

  it('refuses to replace an existing file without --overwrite, before loading the model', async () => {
    const dir = join(tmp.dir, 'kept');
    await saveModel(new Sequential({ inputUnits: 2, seed: 1 }).add(new Dense(1, { activation: 'sigmoid' })).build(), dir);
    const out = join(tmp.dir, 'kept-user-file.onnx');
    writeFileSync(out, "the user's own file");
    const refused = await neurite(['export', '--model', dir, '--format', 'onnx', '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--out: '${out}' already exists`);
    expect(refused.stderr).toContain('--overwrite');
    expect(readFileSync(out, 'utf8')).toBe("the user's own file");
    // Checked before the model is read: a missing model folder still reports the existing file.
    const first = await neurite(['export', '--model', join(tmp.dir, 'nope'), '--format', 'onnx', '--out', out]);
    expect(first.stderr).toContain('already exists');
    const replaced = await neurite(['export', '--model', dir, '--format', 'onnx', '--out', out, '--overwrite']);
    expect(replaced.code).toBe(0);
    expect(fromOnnx(readFileSync(out)).layers[0].describe()).toBe('Dense (sigmoid)');
    const folder = await neurite(['export', '--model', dir, '--format', 'onnx', '--out', tmp.dir, '--overwrite']);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('is a directory');
  });

  it('refuses an unknown format, a missing folder or a missing --format, by name', async () => {
    const bad = await neurite(['export', '--model', tmp.dir, '--format', 'tflite']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/tflite/);
    const missing = await neurite(['export', '--model', join(tmp.dir, 'nope'), '--format', 'onnx']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--model: model folder');
    const noFormat = await neurite(['export', '--model', tmp.dir]);
    expect(noFormat.code).toBe(2);
    expect(noFormat.stderr).toMatch(/--format/);
  });
});
