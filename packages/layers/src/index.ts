/**
 * @neurite/layers: the Layer contract (open to users' own layers), the built-in layers,
 * initializers, the Sequential model (fit, evaluate, predict, summary, serialization to
 * model.json + safetensors bytes), and the course's step-by-step functions with explicit
 * caches. Browser-safe; saving to and loading from folders is in `@neurite/layers/node`.
 */
export { Activation, type ActivationLayerCache, type ActivationOptions } from './activation-layer.ts';
export { ACTIVATIONS, type ActivationName } from './activations.ts';
export { BatchNormalization, type BatchNormalizationCache, type BatchNormalizationOptions } from './batch-norm.ts';
export { floatDTypeOf, reuseBuffer } from './buffers.ts';
export {
  type Callback,
  type EpochEvent,
  type History,
  type IterationEvent,
  progressLogger,
  type RecordEvent,
  type TrainBeginInfo,
} from './callbacks.ts';
export { Conv2D, type Conv2DCache, type Conv2DOptions } from './conv2d.ts';
export {
  type ConvCache,
  type ConvHparameters,
  type CoursePoolMode,
  convBackward,
  convForward,
  convSingleStep,
  createMaskFromWindow,
  distributeValue,
  type PoolCache,
  type PoolHparameters,
  poolBackward,
  poolForward,
  zeroPad,
} from './course/conv.ts';
export {
  type ActivationCache,
  accuracy,
  type CourseActivation,
  computeCost,
  initializeParameters,
  initializeParametersDeep,
  type LinearCache,
  linearActivationBackward,
  linearActivationForward,
  linearBackward,
  linearForward,
  type ModelOptions,
  modelBackward,
  modelForward,
  type Parameters,
  predict,
  updateParameters,
} from './course/deep.ts';
export { initializeWithZeros, type LogisticGrads, logisticPredict, optimize, propagate } from './course/logistic.ts';
export { type CsvLoggerOptions, csvLogger } from './csv-logger.ts';
export { Dense, type DenseCache, type DenseOptions } from './dense.ts';
export { Dropout, type DropoutCache } from './dropout.ts';
export { type EarlyStoppingOptions, earlyStopping } from './early-stopping.ts';
export { FolderError, ModelError, ModelFormatError, TrainingError } from './errors.ts';
export type { EvaluateOptions, EvaluateResult, FitOptions } from './fit.ts';
export { Flatten, type FlattenCache } from './flatten.ts';
export {
  courseDeep,
  getInitializer,
  glorotNormal,
  glorotUniform,
  heNormal,
  type Initializer,
  type InitializerConfig,
  type InitializerName,
  ones,
  randomNormal,
  zeros,
} from './initializers.ts';
export {
  type BackwardContext,
  type BackwardResult,
  type BuildContext,
  type ForwardContext,
  type ForwardResult,
  Layer,
  type LayerConfig,
  type LayerOptions,
  type OutputActivation,
} from './layer.ts';
export {
  auc,
  binaryAccuracy,
  categoricalAccuracy,
  f1,
  METRIC_NAMES,
  type Metric,
  type MetricFunction,
  type MetricName,
  type MetricSpec,
  meanAbsoluteError,
  meanSquaredError,
  metricFromFunction,
  precision,
  recall,
  rocAuc,
} from './metrics.ts';
export { Monitor, type MonitorMode } from './monitor.ts';
export {
  AveragePool2D,
  type AveragePool2DOptions,
  GlobalAveragePooling2D,
  type GlobalPoolCache,
  MaxPool2D,
  type Pool2DCache,
  type Pool2DOptions,
} from './pooling.ts';
export { AutodiffCache } from './propagation.ts';
export { type ReduceLROnPlateauOptions, reduceLROnPlateau } from './reduce-lr.ts';
export { getLayerClass, type LayerClass, registeredLayers, registerLayer } from './registry.ts';
export { type DecodedSafetensors, decodeSafetensors, encodeSafetensors } from './safetensors.ts';
export { type Compiled, Sequential, type SequentialOptions } from './sequential.ts';
export {
  FORMAT_VERSION,
  fromBytes,
  type ModelArtifacts,
  type ModelJson,
  parseModelJson,
  type SavedLayer,
  toBytes,
} from './serialization.ts';
export { formatLayerShape, type LayerShape } from './shapes.ts';
export { type CompileOptions, runStep } from './training.ts';
export { Unflatten, type UnflattenOptions } from './unflatten.ts';
export { Weight, type WeightOptions } from './weight.ts';
export type { NamedWeight } from './weight-names.ts';
