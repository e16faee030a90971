import { getLoss, type LossName } from '@neurite/losses';
import { type OptimizerConfig, optimizerFromConfig } from '@neurite/optimizers';
import { formatBytes, formatShape, type Tensor } from '@neurite/tensor';
import { ModelFormatError } from './errors.ts';
import { buildWithin, type Layer, type LayerConfig, type WeightBudget } from './layer.ts';
import { getLayerClass, layerTypeOf, registeredLayers } from './registry.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
import { Sequential } from './sequential.ts';
import { checkLayerShape, type LayerShape } from './shapes.ts';

export const FORMAT_VERSION = 1;
export const WEIGHTS_FILE = 'weights.safetensors';

/** A layer in model.json: its registered class name under `type`, then its config. */
export type SavedLayer = { type: string } & LayerConfig;

/** The content of model.json. Tensors live in weights.safetensors under the names listed here. */
export interface ModelJson {
  format: 'neurite-model';
  formatVersion: number;
  name?: string;
  dtype: 'float32' | 'float64';
  /** The input shape, null for the batch dimension: [n_x, null], or [null, 28, 28, 1]. */
  inputShape?: (number | null)[];
  /** n_x for the course's (n_x, m) inputs (files written before inputShape have only this). */
  inputUnits?: number;
  layers: SavedLayer[];
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

/** model.json's entry for a layer: `{ type, ...getConfig() }`, checked to survive JSON. */
function savedLayer(layer: Layer, i: number): SavedLayer {
  const type = layerTypeOf(layer, `toBytes: layers[${i}]`);
  const config = layer.getConfig();
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ModelFormatError(
      `toBytes: layers[${i}] (${type}).getConfig() must return a plain object, received ${JSON.stringify(config)}`,
    );
  }
  if ('type' in config)
    throw new ModelFormatError(`toBytes: layers[${i}] (${type}).getConfig() has a 'type' key, which model.json keeps for the class name`);
  return { type, ...(JSON.parse(JSON.stringify(config)) as LayerConfig) };
}

export function toBytes(model: Sequential, options: { includeOptimizer?: boolean } = {}): ModelArtifacts {
  const tensors: Record<string, Tensor> = {};
  for (const { key, weight } of model.namedWeights()) tensors[key] = weight.value;
  const compiled = model.compiled;
  let optimizer: ModelJson['optimizer'] = null;
  if (compiled && (options.includeOptimizer ?? true)) {
    const state = compiled.optimizer.getState();
    for (const [k, t] of Object.entries(state.slots)) tensors[`optimizer.${k}`] = t;
    optimizer = { config: state.config, iterations: state.iterations, epoch: state.epoch, slots: Object.keys(state.slots) };
  }
  const inputShape = model.inputShape as LayerShape;
  const modelJson: ModelJson = {
    format: 'neurite-model',
    formatVersion: FORMAT_VERSION,
    ...(model.name ? { name: model.name } : {}),
    dtype: model.dtype,
    inputShape: [...inputShape],
    ...(model.inputUnits !== null ? { inputUnits: model.inputUnits } : {}),
    layers: model.layers.map(savedLayer),
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

/**
 * Rebuilds layers[i] through the registry. The class's constructor (or `fromConfig`)
 * validates the values; keys the class does not know (a typo, a newer version's option)
 * are refused here rather than silently ignored.
 */
function layerFromConfig(c: SavedLayer, i: number): Layer {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) fail(`layers[${i}] must be an object, received ${JSON.stringify(c)}`);
  const cls = typeof c.type === 'string' ? getLayerClass(c.type) : undefined;
  if (!cls) {
    fail(
      `layers[${i}] has unknown type ${JSON.stringify(c.type)}; registered layers are ${registeredLayers().join(', ')} (call registerLayer for your own before loading)`,
    );
  }
  const { type, ...config } = c;
  let layer: Layer;
  try {
    layer = cls.fromConfig ? cls.fromConfig(config) : new (cls as unknown as new (config: LayerConfig) => Layer)(config);
  } catch (error) {
    fail(`layers[${i}] (${type}) has an invalid config: ${(error as Error).message}`);
  }
  const known = new Set(Object.keys(layer.getConfig()));
  const unknown = Object.keys(config).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    fail(
      `layers[${i}] (${type}) has unknown config key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; ${type} takes ${[...known].join(', ')}`,
    );
  }
  return layer;
}

function inputShapeOfJson(json: ModelJson): LayerShape {
  if (json.inputShape !== undefined) {
    try {
      return checkLayerShape(json.inputShape, '"inputShape"');
    } catch (error) {
      fail((error as Error).message);
    }
  }
  if (!Number.isInteger(json.inputUnits) || (json.inputUnits as number) <= 0)
    fail(`"inputUnits" must be a positive integer, received ${JSON.stringify(json.inputUnits)}`);
  return [json.inputUnits as number, null];
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
  const inputShape = inputShapeOfJson(json);
  if (!Array.isArray(json.layers) || json.layers.length === 0) fail('"layers" must be a non-empty array');
  const layers = json.layers.map(layerFromConfig);
  const { tensors } = decodeSafetensors(artifacts.weights, source);
  let model: Sequential;
  try {
    // Build to learn the expected shapes, then replace every weight with the stored one. The
    // initial weights drawn meanwhile may take no more memory than the stored ones really do.
    model = buildWithin(storedBudget(tensors, source), () =>
      new Sequential({ inputShape, dtype: json.dtype, layers, ...(json.name ? { name: json.name } : {}) }).build(),
    );
  } catch (error) {
    if (error instanceof ModelFormatError) throw error;
    fail(`the layers do not fit together: ${(error as Error).message}`);
  }
  const named = model.namedWeights();
  for (const { key, weight } of named) {
    const t = tensors[key];
    if (!t)
      throw new ModelFormatError(`${source}: missing tensor '${key}' (model.json's layers need ${named.map((n) => n.key).join(', ')})`);
    if (t.dtype !== json.dtype) throw new ModelFormatError(`${source}: tensor '${key}' is ${t.dtype}, model.json says ${json.dtype}`);
    if (t.shape.length !== weight.shape.length || t.shape.some((d, k) => d !== weight.shape[k])) {
      throw new ModelFormatError(
        `${source}: tensor '${key}' has shape ${formatShape(t.shape)}, the layers in model.json need ${formatShape(weight.shape)}`,
      );
    }
  }
  for (const { key, weight } of named) weight.value = tensors[key];
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

/**
 * The values the file's tensors hold, which the weights that model.json's layers declare must
 * fit in (counted in values, not bytes, so that a dtype mismatch gets its own message below).
 */
function storedBudget(tensors: Record<string, Tensor>, source: string): WeightBudget {
  const stored = Object.values(tensors).reduce((n, t) => n + t.size, 0);
  let left = stored;
  return {
    take(layer, weight, shape, dtype) {
      const need = shape.reduce((p, d) => p * d, 1);
      if (need > left) {
        throw new ModelFormatError(
          `${source}: model.json's ${layer} declares a weight '${weight}' of shape ${formatShape(shape)} (${need} values, ${formatBytes(need * (dtype === 'float64' ? 8 : 4))} as ${dtype}), but the file's tensors hold ${stored} values in all: model.json does not match its weights file`,
        );
      }
      left -= need;
    },
  };
}

/** model.json as text, and back, with a clear error for bad JSON. */
export function parseModelJson(text: string, source = 'model.json'): ModelJson {
  try {
    return JSON.parse(text) as ModelJson;
  } catch (error) {
    throw new ModelFormatError(`${source}: not valid JSON (${(error as Error).message})`);
  }
}
