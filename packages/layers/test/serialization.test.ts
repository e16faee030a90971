import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam } from '@neurite/optimizers';
import { Generator, type Tensor, tensor } from '@neurite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, Dropout, decodeSafetensors, encodeSafetensors, fromBytes, ModelFormatError, Sequential, toBytes } from '../src/index.ts';
import { loadModel, saveModel, saveModelSync } from '../src/node.ts';

const root = mkdtempSync(join(tmpdir(), 'neurite-layers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const hasNumpy = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function trained(dropout = true): { model: Sequential; X: Tensor; Y: Tensor } {
  const g = new Generator(4);
  const X = g.randn([3, 20], 'float64');
  const Y = tensor([Array.from({ length: 20 }, (_, j) => (X.data[j] > 0 ? 1 : 0))], 'float64');
  const model = new Sequential({ inputUnits: 3, dtype: 'float64', seed: 2, name: 'tiny' }).add(
    new Dense(4, { activation: 'leakyRelu', alpha: 0.2 }),
  );
  if (dropout) model.add(new Dropout(0.1, { seed: 5 }));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.fit(X, Y, { iterations: 10, optimizer: new Adam(0.01) });
  return { model, X, Y };
}

describe('safetensors', () => {
  it('lays out the header length, padded JSON header and little-endian data', () => {
    const bytes = encodeSafetensors({ a: tensor([1.5, -2], 'float32'), b: tensor([[3]], 'float64') }, { note: 'x' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.a).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
    expect(header.b).toEqual({ dtype: 'F64', shape: [1, 1], data_offsets: [8, 16] });
    expect(header.__metadata__).toEqual({ note: 'x' });
    const dv = new DataView(bytes.buffer, 8 + n);
    expect(dv.getFloat32(0, true)).toBe(1.5);
    expect(dv.getFloat64(8, true)).toBe(3);
    const back = decodeSafetensors(bytes);
    expect(Array.from(back.tensors.a.data)).toEqual([1.5, -2]);
    expect(back.tensors.b.shape).toEqual([1, 1]);
  });

  it.skipIf(!hasNumpy)('numpy reads the weights file (python3 parses the header and np.frombuffer)', async () => {
    const { model } = trained();
    const dir = join(root, 'for-numpy');
    await saveModel(model, dir);
    const script = `
import json, struct, sys, numpy as np
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
out = {}
for name, e in header.items():
    if name == '__metadata__': continue
    b, end = e['data_offsets']
    a = np.frombuffer(raw[8 + n + b: 8 + n + end], dtype={'F32': '<f4', 'F64': '<f8'}[e['dtype']]).reshape(e['shape'])
    out[name] = {'shape': list(a.shape), 'sum': float(a.sum()), 'first': float(a.ravel()[0])}
print(json.dumps(out))`;
    const got = JSON.parse(execFileSync('python3', ['-c', script, join(dir, 'weights.safetensors')], { encoding: 'utf8' }));
    for (const [name, t] of Object.entries(model.params())) {
      expect(got[name].shape).toEqual([...t.shape]);
      expect(got[name].first).toBe(t.data[0]);
      expect(got[name].sum).toBeCloseTo(
        Array.from(t.data).reduce((a, b) => a + b, 0),
        12,
      );
    }
    expect(got['optimizer.m.W1'].shape).toEqual([4, 3]);
  });
});

describe('model files', () => {
  it('toBytes/fromBytes round-trips topology, weights, optimizer state and iteration count', () => {
    // No dropout here: a Dropout layer's mask stream restarts from its seed on load.
    const { model, X, Y } = trained(false);
    const copy = fromBytes(toBytes(model));
    expect(copy.name).toBe('tiny');
    expect(copy.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
    expect(copy.iteration).toBe(10);
    expect(Array.from(copy.predictProba(X).data)).toEqual(Array.from(model.predictProba(X).data));
    // Training on from the copy equals training on from the original: the Adam state came along.
    model.fit(X, Y, { iterations: 3 });
    copy.fit(X, Y, { iterations: 3 });
    expect(Array.from(copy.params().W1.data)).toEqual(Array.from(model.params().W1.data));
  });

  it('saves a folder with model.json and weights.safetensors and loads it back', async () => {
    const { model, X } = trained();
    const dir = join(root, 'saved');
    await saveModel(model, dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.safetensors']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.formatVersion).toBe(1);
    expect(json.dtype).toBe('float64');
    expect(json.optimizer.config.name).toBe('adam');
    const loaded = await loadModel(dir);
    expect(Array.from(loaded.predictProba(X).data)).toEqual(Array.from(model.predictProba(X).data));
    // Replacing it must be asked for; then it works and leaves no temporary folders.
    await expect(saveModel(model, dir)).rejects.toThrow(/already holds a model .*overwrite: true/);
    await saveModel(model, dir, { overwrite: true });
    expect(readdirSync(root).filter((f) => f.includes('.neurite-'))).toEqual([]);
  });

  it('a failed save leaves neither a half-written folder nor a temporary one', () => {
    const blocker = join(root, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const { model } = trained();
    expect(() => saveModelSync(model, join(blocker, 'model'))).toThrow();
    expect(existsSync(join(blocker, 'model'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('.neurite-'))).toEqual([]);
  });

  describe('loading names what is wrong', () => {
    const fresh = async (name: string) => {
      const dir = join(root, name);
      await saveModel(trained().model, dir);
      return dir;
    };
    it('missing folder and missing files', async () => {
      await expect(loadModel(join(root, 'nowhere'))).rejects.toThrow(/not a model folder/);
      const dir = await fresh('no-weights');
      rmSync(join(dir, 'weights.safetensors'));
      await expect(loadModel(dir)).rejects.toThrow(/missing file .*weights\.safetensors/);
      rmSync(join(dir, 'model.json'));
      await expect(loadModel(dir)).rejects.toThrow(/missing file .*model\.json/);
    });
    it('bad JSON and unknown format version', async () => {
      const dir = await fresh('bad-json');
      const path = join(dir, 'model.json');
      const json = JSON.parse(readFileSync(path, 'utf8'));
      writeFileSync(path, JSON.stringify({ ...json, formatVersion: 99 }));
      await expect(loadModel(dir)).rejects.toThrow(/unknown formatVersion 99/);
      writeFileSync(path, '{"format": "neurite-model",');
      await expect(loadModel(dir)).rejects.toThrow(ModelFormatError);
      await expect(loadModel(dir)).rejects.toThrow(/not valid JSON/);
    });
    it('shape mismatch between model.json and the weights', async () => {
      const dir = await fresh('mismatch');
      const path = join(dir, 'model.json');
      const json = JSON.parse(readFileSync(path, 'utf8'));
      json.layers[0].units = 5;
      writeFileSync(path, JSON.stringify(json));
      await expect(loadModel(dir)).rejects.toThrow(/tensor 'W1' has shape \(4, 3\), the layers in model.json need \(5, 3\)/);
    });
    it('truncated weights', async () => {
      const dir = await fresh('truncated');
      const path = join(dir, 'weights.safetensors');
      const bytes = readFileSync(path);
      writeFileSync(path, bytes.subarray(0, bytes.length - 16));
      await expect(loadModel(dir)).rejects.toThrow(/truncated/);
      writeFileSync(path, bytes.subarray(0, 5));
      await expect(loadModel(dir)).rejects.toThrow(/truncated/);
    });
    it('unknown layer types and bad dtypes in the header', () => {
      const { modelJson, weights } = toBytes(trained().model);
      expect(() => fromBytes({ modelJson: { ...modelJson, layers: [{ type: 'Conv3D' } as never] }, weights })).toThrow(
        /layers\[0\] has unknown type "Conv3D"/,
      );
      const bad = encodeSafetensors({ W1: tensor([1], 'float64') });
      const text = new TextDecoder().decode(bad).replace('F64', 'I64');
      expect(() => decodeSafetensors(new TextEncoder().encode(text))).toThrow(/dtype "I64"; expected "F32" or "F64"/);
    });
  });
});
