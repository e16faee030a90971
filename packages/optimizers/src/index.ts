/**
 * @neurite/optimizers: gradient descent, momentum, RMSProp and Adam updating parameters
 * in place, learning-rate schedules, and state that saves with the model.
 */
export {
  Adam,
  GradientDescent,
  getOptimizer,
  Momentum,
  type NamedTensors,
  Optimizer,
  type OptimizerConfig,
  type OptimizerName,
  type OptimizerState,
  optimizerFromConfig,
  RMSProp,
} from './optimizer.ts';
export {
  constant,
  type DecayOptions,
  exponentialDecay,
  inverseTimeDecay,
  type Schedule,
  type ScheduleConfig,
  scheduledDecay,
  scheduleFromConfig,
  stepDecay,
  toSchedule,
} from './schedules.ts';
