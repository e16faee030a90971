import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { oneHot } from '@neurite/datasets';
import { Dense, Dropout, type InitializerConfig, type ModelJson, Sequential, Unflatten } from '@neurite/layers';
import { loadModel as loadModelFolder, saveModelSync } from '@neurite/layers/node';
import type { OptimizerName } from '@neurite/optimizers';
import { NeuriteError, type Tensor } from '@neurite/tensor';
import { readInputText } from '@neurite/tensor/node';
import { cnnLayers, parseCnnItem } from './cnn.ts';
import type { DataFile } from './data/files.ts';
import type { InputSpec } from './data/load.ts';
import { FileError, fileErrorFor, UsageError } from './errors.ts';
import { CLI_FILE } from './folder.ts';
import { checkMeta } from './meta.ts';
import { ValueProblem } from './parse.ts';
import type { Resolved } from './resolve.ts';

export { CLI_FILE };

export interface History {
  iterations: number[];
  costs: number[];
  /** Validation costs at the same iterations (the --validation-split set, else the test set), when there is one. */
  testCosts: number[];
  /** Training accuracy at the same iterations (checkpoints written before it was recorded lack it). */
  accuracies?: number[];
  /** Validation accuracy at the same iterations, when there is a validation set. */
  testAccuracies?: number[];
}

export interface CliMeta {
  format: 'neurite-cli';
  version: 1;
  settings: Resolved;
  data: string;
  input: InputSpec;
  classes: string[];
  /** Passes over the data completed (iterations or epochs, see settings.unit). */
  done: number;
  finished: boolean;
  history: History;
  seconds: number;
  /** Size and SHA-256 of the data files training read (--data, --test-data); see data/files.ts. */
  dataFiles?: DataFile[];
}

const INITIALIZERS: Record<Resolved['init'], InitializerConfig> = {
  small: { name: 'randomNormal', mean: 0, stddev: 0.01 },
  scaled: { name: 'courseDeep' },
  he: { name: 'heNormal' },
  xavier: { name: 'glorotNormal' },
  zeros: { name: 'zeros' },
};

const OPTIMIZERS: Record<Resolved['optimizer'], OptimizerName> = {
  gd: 'gradientDescent',
  momentum: 'momentum',
  rmsprop: 'rmsprop',
  adam: 'adam',
};

/**
 * The course's models as a Sequential: hidden Dense layers (each followed by Dropout when
 * asked), then one sigmoid unit for two classes or a softmax over k. Weights are drawn layer
 * by layer, W before b, from numpy's legacy stream seeded with --seed: W1 then W2 for the
 * shallow model, exactly the course's order. A cnn takes the same columns (n_x, m) and
 * starts with Unflatten, which turns them back into the images `input` describes.
 */
export function buildModel(s: Resolved, nx: number, classes: number, input?: InputSpec): Sequential {
  const kernelInitializer = INITIALIZERS[s.init];
  const activation = s.activation === 'leaky-relu' ? 'leakyRelu' : s.activation;
  const model = new Sequential({ inputUnits: nx, dtype: s.dtype, seed: s.seed });
  if (s.model === 'cnn') {
    if (input?.kind !== 'image') throw new UsageError('--model cnn needs images: --data digits, mnist:<dir> or cats:<train.h5>,<test.h5>');
    model.add(new Unflatten([input.height, input.width, input.channels]));
    try {
      const items = (s.layers as string[]).map(parseCnnItem);
      for (const layer of cnnLayers(items, s, kernelInitializer)) model.add(layer);
    } catch (error) {
      if (error instanceof ValueProblem) throw new UsageError(`--layers: ${error.message}`);
      throw error;
    }
  } else {
    (s.layers as number[]).forEach((units, i) => {
      model.add(new Dense(units, { activation, kernelInitializer }));
      if (s.dropout > 0) model.add(new Dropout(s.dropout, { seed: s.seed + i + 1 }));
    });
  }
  model.add(
    classes > 2
      ? new Dense(classes, { activation: 'softmax', kernelInitializer: s.model === 'cnn' ? { name: 'glorotUniform' } : kernelInitializer })
      : new Dense(1, { activation: 'sigmoid', kernelInitializer: s.model === 'cnn' ? { name: 'glorotUniform' } : kernelInitializer }),
  );
  try {
    model.build();
  } catch (error) {
    // A cnn's layers can shrink the image to nothing (too many pools); the layer's message says where.
    if (s.model === 'cnn' && error instanceof Error && error.name === 'ShapeError') throw new UsageError(`--layers: ${error.message}`);
    throw error;
  }
  model.compile({
    loss: classes > 2 ? 'categoricalCrossEntropy' : 'binaryCrossEntropy',
    optimizer: OPTIMIZERS[s.optimizer],
    learningRate: s.lr,
    l2: s.l2,
  });
  return model;
}

/** Y as the output layer wants it: (1, m) 0/1 for a sigmoid unit, one-hot (k, m) for softmax. */
export function targetsFor(model: Sequential, labels: Tensor): Tensor {
  const k = model.outputUnits;
  return k === 1 ? (labels.dtype === model.dtype ? labels : labels.cast(model.dtype)) : oneHot(labels, k, model.dtype);
}

/**
 * Saves model.json + weights.safetensors (with optimizer state) + the CLI's file, all or
 * nothing, through the layers' atomic save (fsynced, survives kill -9). `overwrite` replaces
 * a model already there; checkOut has refused anything else before training.
 */
export function saveModelFolder(dir: string, model: Sequential, meta: CliMeta, overwrite: boolean): void {
  try {
    saveModelSync(model, dir, { includeOptimizer: true, overwrite, files: { [CLI_FILE]: `${JSON.stringify(meta, null, 2)}\n` } });
  } catch (error) {
    if (error instanceof NeuriteError)
      throw new FileError(dir, `cannot write model folder '${dir}': ${error.message.replace(/^saveModel: /, '')}`);
    const reason = error instanceof Error ? error.message : String(error);
    throw new FileError(dir, `cannot write model folder '${dir}': ${reason}`);
  }
}

export interface LoadedModel {
  model: Sequential;
  meta: CliMeta | null;
  json: ModelJson;
}

/** neurite-cli.json holds settings and the cost history: a few MB even for a long run. */
const CLI_FILE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Loads a model folder (putting back a model a crashed save left aside, as loadModel does);
 * any problem is a FileError naming the folder or the file.
 */
export async function loadModelFolderChecked(dir: string, flag: string): Promise<LoadedModel> {
  let model: Sequential;
  try {
    model = await loadModelFolder(dir);
  } catch (error) {
    if (!existsSync(dir)) throw new FileError(dir, `${flag}: model folder '${dir}' does not exist`);
    if (!statSync(dir).isDirectory())
      throw new FileError(dir, `${flag}: '${dir}' is not a folder; a model is a folder with model.json and weights.safetensors`);
    const jsonPath = join(dir, 'model.json');
    if (!existsSync(jsonPath)) throw new FileError(jsonPath, `${flag}: '${dir}' is not a model folder: '${jsonPath}' is missing`);
    throw new FileError(dir, `${flag}: cannot load model '${dir}': ${(error as Error).message}`);
  }
  const read = (path: string, expected: string) =>
    readInputText(path, { fn: flag, expected, maxBytes: CLI_FILE_MAX_BYTES, error: fileErrorFor(path) });
  const json = JSON.parse(read(join(dir, 'model.json'), 'a model.json file')) as ModelJson;
  const metaPath = join(dir, CLI_FILE);
  let meta: CliMeta | null = null;
  if (existsSync(metaPath)) {
    const text = read(metaPath, `the CLI's ${CLI_FILE}`);
    try {
      meta = checkMeta(JSON.parse(text));
    } catch (error) {
      throw new FileError(metaPath, `${flag}: '${metaPath}' is corrupt: ${(error as Error).message}`);
    }
  }
  return { model, meta, json };
}

/** For models saved outside the CLI: guess inputs from the size (12288 = the course's 64x64 RGB). */
export function inputOf(loaded: LoadedModel): { input: InputSpec; classes: string[] } {
  if (loaded.meta) return { input: loaded.meta.input, classes: loaded.meta.classes };
  const n = loaded.model.inputUnits ?? 0;
  const k = loaded.model.outputUnits;
  const classes = k === 1 ? ['0', '1'] : Array.from({ length: k }, (_, i) => String(i));
  if (n === 12288)
    return { input: { kind: 'image', height: 64, width: 64, channels: 3, divide: 255 }, classes: k === 1 ? ['non-cat', 'cat'] : classes };
  if (n === 784) return { input: { kind: 'image', height: 28, width: 28, channels: 1, divide: 255 }, classes };
  return { input: { kind: 'features', names: Array.from({ length: n }, (_, i) => `x${i + 1}`) }, classes };
}
