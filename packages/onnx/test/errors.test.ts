import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conv2D, Dense, Flatten, Layer, type LayerShape, Sequential } from '@neurite/layers';
import { Generator, NeuriteError, type Tensor, ValueError } from '@neurite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { fromOnnx, OnnxFormatError, OnnxUnsupportedError, toOnnx } from '../src/index.ts';
import { loadOnnx, saveOnnx } from '../src/node.ts';
import { ATTRIBUTE_TYPE, DATA_TYPE, encodeModel, type OnnxModel, type OnnxNode, type OnnxTensor } from '../src/proto.ts';
import { floatTensor } from '../src/tensors.ts';

const dir = mkdtempSync(join(tmpdir(), 'neurite-onnx-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A hand-made model: input x (batch, 3) float32, the nodes given, output y. */
function graph(nodes: OnnxNode[], initializer: OnnxTensor[], outputDims: { dimValue?: number; dimParam?: string }[] = []): Uint8Array {
  const info = (name: string, dim: { dimValue?: number; dimParam?: string }[]) => ({
    name,
    type: { tensorType: { elemType: DATA_TYPE.FLOAT, shape: { dim } } },
  });
  const model: OnnxModel = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: nodes,
      initializer,
      input: [info('x', [{ dimParam: 'batch' }, { dimValue: 3 }])],
      output: [info('y', outputDims)],
    },
  };
  return encodeModel(model);
}
const W = (name: string, dims: number[]) => floatTensor(name, dims, new Float64Array(dims.reduce((p, d) => p * d, 1)).fill(0.5), 'float32');
const transB = { name: 'transB', type: ATTRIBUTE_TYPE.INT, i: 1 };

function small(): Sequential {
  return new Sequential({ inputShape: [null, 4, 4, 1], seed: 1 })
    .add(new Conv2D(2, 3, { activation: 'relu' }))
    .add(new Flatten())
    .add(new Dense(2, { activation: 'softmax' }))
    .build();
}

describe('fromOnnx: bad files get an error naming the problem, and nothing crashes', () => {
  it('every truncation of a valid file, and random corruption, is refused with a NeuriteError', () => {
    const bytes = toOnnx(small());
    for (let n = 0; n < bytes.length; n++) {
      let error: unknown;
      try {
        fromOnnx(bytes.subarray(0, n), { source: 'model.onnx' });
      } catch (e) {
        error = e;
      }
      expect(error, `prefix of ${n} bytes`).toBeInstanceOf(NeuriteError);
      expect((error as Error).message).toMatch(n === 0 ? /model.onnx: the file is empty/ : /model.onnx/);
    }
    expect(() => fromOnnx(bytes.subarray(0, bytes.length - 3))).toThrow(/not a readable ONNX model.*truncated/);
    const g = new Generator(3);
    for (let k = 0; k < 300; k++) {
      const bad = bytes.slice();
      for (let j = 0; j < 3; j++) bad[Math.floor(g.random() * bad.length)] = Math.floor(g.random() * 256);
      try {
        fromOnnx(bad);
      } catch (e) {
        // A flipped weight byte still reads; anything else must be refused by name, never a TypeError or RangeError.
        expect(e, `corruption ${k}: ${(e as Error).message}`).toBeInstanceOf(NeuriteError);
      }
    }
  });

  it('not ONNX at all', () => {
    expect(() => fromOnnx(new TextEncoder().encode('{"format": "neurite-model"}'))).toThrow(OnnxFormatError);
    expect(() => fromOnnx('model.onnx' as unknown as Uint8Array)).toThrow(/bytes must be a Uint8Array or ArrayBuffer/);
    expect(() => fromOnnx(new Uint8Array(4), { sauce: 1 } as never)).toThrow(ValueError);
    expect(() => fromOnnx(encodeModel({ irVersion: 8, opsetImport: [{ version: 17 }] }))).toThrow(/has no graph/);
    expect(() => fromOnnx(encodeModel({ irVersion: 8, graph: { name: 'g' } }))).toThrow(/imports no opset/);
  });

  it('an unsupported op names the op and the node', () => {
    const bytes = graph([{ name: 'my_lstm', opType: 'LSTM', input: ['x'], output: ['y'] }], []);
    expect(() => fromOnnx(bytes)).toThrow(OnnxUnsupportedError);
    expect(() => fromOnnx(bytes)).toThrow(/node 'my_lstm' \(LSTM\): the op LSTM is not supported; fromOnnx reads Gemm, MatMul/);
    const custom = graph([{ name: 'fused', opType: 'FusedGemm', domain: 'com.microsoft', input: ['x'], output: ['y'] }], []);
    expect(() => fromOnnx(custom)).toThrow(/node 'fused' \(FusedGemm\) is in domain 'com.microsoft'/);
    const grouped = new Sequential({ inputShape: [null, 4, 4, 2], seed: 1 }).add(new Conv2D(2, 1)).build();
    // Grouped convolution: the same file with group = 2 (and filters of one channel).
    const node = {
      name: 'conv',
      opType: 'Conv',
      input: ['x', 'w'],
      output: ['y'],
      attribute: [{ name: 'group', type: ATTRIBUTE_TYPE.INT, i: 2 }],
    };
    const nchw = encodeModel({
      irVersion: 8,
      opsetImport: [{ version: 17 }],
      graph: {
        node: [node],
        initializer: [W('w', [2, 1, 1, 1])],
        input: [
          {
            name: 'x',
            type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'b' }, { dimValue: 2 }, { dimValue: 4 }, { dimValue: 4 }] } } },
          },
        ],
        output: [{ name: 'y' }],
      },
    });
    expect(grouped.layers).toHaveLength(1);
    expect(() => fromOnnx(nchw)).toThrow(/node 'conv' \(Conv\): group = 2 \(grouped or depthwise convolution\) has no Neurite layer/);
  });

  it('a graph that is not a chain names the value and its readers', () => {
    const residual = graph(
      [
        { name: 'act', opType: 'Relu', input: ['x'], output: ['a'] },
        { name: 'skip', opType: 'Add', input: ['x', 'a'], output: ['y'] },
      ],
      [],
    );
    expect(() => fromOnnx(residual)).toThrow(
      /the value 'x' feeds 2 nodes \(node 'act' \(Relu\), node 'skip' \(Add\)\); a Sequential is a chain/,
    );
    const two = encodeModel({
      irVersion: 8,
      opsetImport: [{ version: 17 }],
      graph: {
        node: [{ opType: 'Add', input: ['a', 'b'], output: ['y'] }],
        input: [{ name: 'a' }, { name: 'b' }],
        output: [{ name: 'y' }],
      },
    });
    expect(() => fromOnnx(two)).toThrow(/a Sequential has one input; the graph has 2 \('a', 'b'\)/);
    const computedWeight = graph(
      [
        { name: 'w', opType: 'Relu', input: ['x'], output: ['wx'] },
        { name: 'mm', opType: 'MatMul', input: ['x', 'wx'], output: ['y'] },
      ],
      [],
    );
    expect(() => fromOnnx(computedWeight)).toThrow(NeuriteError);
  });

  it('wrong shapes name the node, the tensor and both sizes', () => {
    const gemm = (b: OnnxTensor, c?: OnnxTensor, out: { dimValue?: number; dimParam?: string }[] = []) =>
      graph(
        [{ name: 'fc', opType: 'Gemm', input: ['x', 'W', ...(c ? ['b'] : [])], output: ['y'], attribute: [transB] }],
        c ? [b, c] : [b],
        out,
      );
    expect(() => fromOnnx(gemm(W('W', [2, 4])))).toThrow(/node 'fc' \(Gemm\): its weight maps 4 features, but the layer receives 3/);
    expect(() => fromOnnx(gemm(W('W', [2, 3]), W('b', [5])))).toThrow(/its bias C \(5\) must hold 2 values/);
    expect(() => fromOnnx(gemm(W('W', [2, 3]), undefined, [{ dimParam: 'batch' }, { dimValue: 4 }]))).toThrow(
      /the output 'y' is declared \(batch, 4\), but the layers compute \(batch, 2\)/,
    );
    const short = W('W', [2, 3]);
    short.rawData = short.rawData?.subarray(0, 20);
    expect(() => fromOnnx(gemm(short))).toThrow(/initializer 'W': raw_data holds 20 bytes, but FLOAT of shape \(2, 3\) needs 24/);
    const halfTyped: OnnxTensor = { name: 'W', dims: [2, 3], dataType: DATA_TYPE.FLOAT, floatData: [1, 2, 3] };
    expect(() => fromOnnx(gemm(halfTyped))).toThrow(/initializer 'W': holds 3 values, but its shape \(2, 3\) needs 6/);
    const double: OnnxTensor = floatTensor('W', [2, 3], [1, 2, 3, 4, 5, 6], 'float64');
    expect(() => fromOnnx(gemm(double))).toThrow(/its weight B 'W' is float64, but the model's input is float32/);
    const bn = graph(
      [{ name: 'bn', opType: 'BatchNormalization', input: ['x', 's', 'b', 'm', 'v'], output: ['y'] }],
      [W('s', [3]), W('b', [3]), W('m', [4]), W('v', [3])],
    );
    expect(() => fromOnnx(bn)).toThrow(/node 'bn' \(BatchNormalization\): its mean \(4\) must hold 3 values, one per feature/);
    const dangling = graph([{ name: 'relu', opType: 'Relu', input: ['x'], output: ['r'] }], []);
    expect(() => fromOnnx(dangling)).toThrow(/the chain of layers ends at 'r', which no node reads, but the graph's output is 'y'/);
    const undefinedInput = graph([{ name: 'relu', opType: 'Relu', input: ['nothing'], output: ['y'] }], []);
    expect(() => fromOnnx(undefinedInput)).toThrow(
      /node 'relu' \(Relu\) reads 'nothing', which no earlier node, input or initializer defines/,
    );
  });

  it('external data: a missing file, a location outside the folder, bytes past its end', () => {
    const external: OnnxTensor = {
      name: 'W',
      dims: [2, 3],
      dataType: DATA_TYPE.FLOAT,
      dataLocation: 1,
      externalData: [{ key: 'location', value: 'w.bin' }],
    };
    const bytes = graph([{ name: 'fc', opType: 'Gemm', input: ['x', 'W'], output: ['y'], attribute: [transB] }], [external]);
    expect(() => fromOnnx(bytes, { externalData: { 'other.bin': new Uint8Array(24) } })).toThrow(
      /external file 'w.bin', which externalData does not hold \(it has 'other.bin'\)/,
    );
    expect(() => fromOnnx(bytes, { externalData: { 'w.bin': new Uint8Array(8) } })).toThrow(
      /bytes 0 to 8 of 'w.bin'|raw_data holds 8 bytes/,
    );
    expect(fromOnnx(bytes, { externalData: { 'w.bin': new Uint8Array(24) } }).layers).toHaveLength(1);
    writeFileSync(join(dir, 'ext.onnx'), bytes);
    expect(() => loadOnnx(join(dir, 'ext.onnx'))).toThrow(/its weights are in 'w.bin', which is not in/);
    writeFileSync(join(dir, 'w.bin'), new Uint8Array(24));
    expect(loadOnnx(join(dir, 'ext.onnx')).layers).toHaveLength(1);
    const outside: OnnxTensor = { ...external, externalData: [{ key: 'location', value: '../secret.bin' }] };
    writeFileSync(
      join(dir, 'escape.onnx'),
      graph([{ name: 'fc', opType: 'Gemm', input: ['x', 'W'], output: ['y'], attribute: [transB] }], [outside]),
    );
    expect(() => loadOnnx(join(dir, 'escape.onnx'))).toThrow(/external data location '..\/secret.bin' is outside the model's folder/);
    expect(() => loadOnnx(join(dir, 'missing.onnx'))).toThrow(/does not exist or is not a file/);
  });
});

class Scale extends Layer {
  computeOutputShape(s: LayerShape): LayerShape {
    return s;
  }
  forward(A: Tensor): Tensor {
    return A.mul(2);
  }
}

describe('toOnnx and saveOnnx: bad input is refused before anything is written', () => {
  it('a layer without an ONNX form is named, with how to teach one', () => {
    const model = new Sequential({ inputUnits: 3, layers: [new Dense(2), new Scale()] }).build();
    expect(() => toOnnx(model)).toThrow(OnnxUnsupportedError);
    expect(() => toOnnx(model)).toThrow(/layer 2, Scale, has no ONNX export .*registerOnnxExporter\('Scale'/);
  });

  it('options and models are checked', () => {
    const model = new Sequential({ inputUnits: 3, layers: [new Dense(2)] }).build();
    expect(() => toOnnx(model, { layout: 'nchw' as 'rows' })).toThrow(/layout must be 'course' or 'rows'/);
    expect(() => toOnnx(model, { lay: 'rows' } as never)).toThrow(ValueError);
    expect(() => toOnnx(model, { inputName: 'X', outputName: 'X' })).toThrow(/must differ/);
    expect(() => toOnnx(model, { dtype: 'int32' as 'float32' })).toThrow(/dtype must be 'float32' or 'float64'/);
    expect(() => toOnnx({} as Sequential)).toThrow(/model must be a Sequential/);
    expect(() => toOnnx(new Sequential({ layers: [new Dense(2)] }))).toThrow(/the model is not built/);
  });

  it('saveOnnx writes atomically and leaves the old file when the export fails', () => {
    const path = join(dir, 'models', 'flower.onnx');
    const model = new Sequential({ inputUnits: 3, seed: 2, layers: [new Dense(2, { activation: 'tanh' })] }).build();
    const n = saveOnnx(model, path);
    const first = readFileSync(path);
    expect(first.length).toBe(n);
    expect(fromOnnx(first).layers[0].describe()).toBe('Dense (tanh)');
    const broken = new Sequential({ inputUnits: 3, layers: [new Scale()] }).build();
    expect(() => saveOnnx(broken, path)).toThrow(OnnxUnsupportedError);
    expect(readFileSync(path)).toEqual(first);
    mkdirSync(join(dir, 'a-folder'));
    expect(() => saveOnnx(model, join(dir, 'a-folder'))).toThrow(/is a directory/);
    expect(existsSync(join(dir, 'models')) && readFileSync(path).length).toBe(n);
    expect(loadOnnx(path).layers[0].describe()).toBe('Dense (tanh)');
  });
});
