import { getLoss, type LossName } from '@neurite/losses';
import { type OptimizerConfig, optimizerFromConfig } from '@neurite/optimizers';
import { formatShape, type Tensor } from '@neurite/tensor';
import { Dense } from './dense.ts';
import { Dropout } from './dropout.ts';
import { ModelFormatError } from './errors.ts';
import type { Layer, LayerConfig } from './layer.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
import { Sequential } from './sequential.ts';

export const FORMAT_VERSION = 1;
export const WEIGHTS_FILE = 'weights.safetensors';

/** The content of model.json. Tensors live in weights.safetensors under the names listed here. */
export interface ModelJson {
  format: 'neurite-model';
  formatVersion: number;
  name?: string;
  dtype: 'float32' | 'float64';
  inputUnits: number;
  layers: LayerConfig[];
  training: { iteration: number; loss: { name: string; config: Record<string, unknown> } | null; l2: number; savedAt: string };
  /** Optimizer config and counters; its slots are tensors `optimizer.<slot>.<param>` in the weights file. */
  optimizer: { config: OptimizerConfig; iterations: number; epoch: number; slots: string[] } | null;
  weights: { file: string; tensors: string[] };
}

/** A model as two byte-free parts (browser-safe): the JSON and the safetensors bytes. */
export interface ModelArtifacts {
  modelJson: ModelJson;
  weights: Uint8Array;
}

export function toBytes(model: Sequential, options: { includeOptimizer?: boolean } = {}): ModelArtifacts {
  const params = model.params();
  const tensors: Record<string, Tensor> = { ...params };
  const compiled = model.compiled;
  let optimizer: ModelJson['optimizer'] = null;
  if (compiled && (options.includeOptimizer ?? true)) {
    const state = compiled.optimizer.getState();
    for (const [k, t] of Object.entries(state.slots)) tensors[`optimizer.${k}`] = t;
    optimizer = { config: state.config, iterations: state.iterations, epoch: state.epoch, slots: Object.keys(state.slots) };
  }
  const modelJson: ModelJson = {
    format: 'neurite-model',
    formatVersion: FORMAT_VERSION,
    ...(model.name ? { name: model.name } : {}),
    dtype: model.dtype,
    inputUnits: model.inputUnits as number,
    layers: model.layers.map((l) => l.getConfig()),
    training: {
      iteration: model.iteration,
      loss: compiled ? { name: compiled.loss.name, config: compiled.loss.config } : null,
      l2: compiled?.l2 ?? 0,
      savedAt: new Date().toISOString(),
    },
    optimizer,
    weights: { file: WEIGHTS_FILE, tensors: Object.keys(tensors) },
  };
  return { modelJson, weights: encodeSafetensors(tensors, { format: 'neurite', dtype: model.dtype }) };
}

function fail(what: string): never {
  throw new ModelFormatError(`model.json: ${what}`);
}

function layerFromConfig(c: LayerConfig, i: number): Layer {
  if (c?.type === 'Dense') return new Dense(c.units, c);
  if (c?.type === 'Dropout') return new Dropout(c.rate, c);
  return fail(`layers[${i}] has unknown type ${JSON.stringify((c as { type?: unknown })?.type)}; expected "Dense" or "Dropout"`);
}

/** Validates model.json, rebuilds the model and fills in weights (and optimizer state). */
export function fromBytes(artifacts: ModelArtifacts, source = WEIGHTS_FILE): Sequential {
  const json = artifacts?.modelJson;
  if (!json || typeof json !== 'object') fail('expected a JSON object');
  if (json.format !== 'neurite-model') fail(`"format" must be "neurite-model", received ${JSON.stringify(json.format)}`);
  if (json.formatVersion !== FORMAT_VERSION) {
    fail(`unknown formatVersion ${JSON.stringify(json.formatVersion)}; this version of @neurite/layers reads version ${FORMAT_VERSION}`);
  }
  if (json.dtype !== 'float32' && json.dtype !== 'float64')
    fail(`"dtype" must be "float32" or "float64", received ${JSON.stringify(json.dtype)}`);
  if (!Number.isInteger(json.inputUnits) || json.inputUnits <= 0)
    fail(`"inputUnits" must be a positive integer, received ${JSON.stringify(json.inputUnits)}`);
  if (!Array.isArray(json.layers) || json.layers.length === 0) fail('"layers" must be a non-empty array');
  let layers: Layer[];
  try {
    layers = json.layers.map(layerFromConfig);
  } catch (error) {
    if (error instanceof ModelFormatError) throw error;
    fail(`invalid layer config: ${(error as Error).message}`);
  }
  const { tensors } = decodeSafetensors(artifacts.weights, source);
  const model = new Sequential({ inputUnits: json.inputUnits, dtype: json.dtype, layers, ...(json.name ? { name: json.name } : {}) });
  // Build to learn the expected shapes, then replace every weight with the stored one.
  model.build();
  const params = model.params();
  const loaded: Record<string, Tensor> = {};
  for (const [name, expected] of Object.entries(params)) {
    const t = tensors[name];
    if (!t) throw new ModelFormatError(`${source}: missing tensor '${name}' (model.json's layers need ${Object.keys(params).join(', ')})`);
    if (t.dtype !== json.dtype) throw new ModelFormatError(`${source}: tensor '${name}' is ${t.dtype}, model.json says ${json.dtype}`);
    if (t.shape.length !== expected.shape.length || t.shape.some((d, k) => d !== expected.shape[k])) {
      throw new ModelFormatError(
        `${source}: tensor '${name}' has shape ${formatShape(t.shape)}, the layers in model.json need ${formatShape(expected.shape)}`,
      );
    }
    loaded[name] = t;
  }
  model.setParams(loaded);
  model.iteration = Number.isInteger(json.training?.iteration) ? json.training.iteration : 0;
  if (json.training?.loss) {
    const loss = getLoss(json.training.loss.name as LossName, json.training.loss.config);
    let optimizer = null;
    if (json.optimizer) {
      optimizer = optimizerFromConfig(json.optimizer.config);
      const slots: Record<string, Tensor> = {};
      for (const key of json.optimizer.slots ?? []) {
        const t = tensors[`optimizer.${key}`];
        if (!t) throw new ModelFormatError(`${source}: missing optimizer tensor 'optimizer.${key}' listed in model.json`);
        slots[key] = t;
      }
      optimizer.setState({ iterations: json.optimizer.iterations, epoch: json.optimizer.epoch, slots });
    }
    model.compile({ loss, ...(optimizer ? { optimizer } : {}), l2: json.training.l2 ?? 0 });
  }
  return model;
}

/** model.json as text, and back, with a clear error for bad JSON. */
export function parseModelJson(text: string, source = 'model.json'): ModelJson {
  try {
    return JSON.parse(text) as ModelJson;
  } catch (error) {
    throw new ModelFormatError(`${source}: not valid JSON (${(error as Error).message})`);
  }
}
