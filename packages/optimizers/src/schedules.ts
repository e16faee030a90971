import { checkBoolean, checkInteger, checkOneOf, checkOptions, describeValue, isPlainObject, ValueError, wrongType } from '@neurite/tensor';

/**
 * A learning rate as a function of the epoch number (starting at 0), with a JSON config
 * so it saves with the model. With full-batch gradient descent an epoch is an iteration.
 */
export interface Schedule {
  readonly config: ScheduleConfig;
  at(epoch: number): number;
}

export type ScheduleConfig =
  | { name: 'constant'; learningRate: number }
  | { name: 'inverseTimeDecay'; learningRate: number; decayRate: number; decaySteps: number; staircase: boolean }
  | { name: 'exponentialDecay'; learningRate: number; decayRate: number; decaySteps: number; staircase: boolean }
  | { name: 'stepDecay'; learningRate: number; factor: number; every: number };

function positive(fn: string, arg: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    const message = `${fn}: ${arg} must be a ${allowZero ? 'non-negative' : 'positive'} finite number, received ${describeValue(v)}`;
    if (typeof v !== 'number') wrongType(fn, arg, `a ${allowZero ? 'non-negative' : 'positive'} finite number`, v);
    throw new ValueError(message);
  }
  return v;
}

/** A schedule's epoch: a non-negative integer (a fractional or negative one would extrapolate). */
function epochOf(fn: string, epoch: unknown): number {
  return checkInteger(epoch, fn, 'epoch', 0);
}

const DECAY_KEYS = ['decayRate', 'decaySteps', 'staircase'] as const;
const STEP_KEYS = ['factor', 'every'] as const;

export function constant(learningRate: number): Schedule {
  positive('constant', 'learningRate', learningRate);
  return {
    config: { name: 'constant', learningRate },
    at: (epoch) => {
      epochOf('constant.at', epoch);
      return learningRate;
    },
  };
}

export interface DecayOptions {
  decayRate: number;
  /** Epochs per unit of decay (default 1). */
  decaySteps?: number;
  /** Decay in whole steps of `decaySteps` epochs rather than continuously. */
  staircase?: boolean;
}

/**
 * lr = lr0 / (1 + decayRate · epoch/decaySteps): the course's `update_lr`; with
 * `staircase` and `decaySteps: 1000` it is the course's `schedule_lr_decay`.
 */
export function inverseTimeDecay(learningRate: number, options: DecayOptions): Schedule {
  positive('inverseTimeDecay', 'learningRate', learningRate);
  const o = decayOptions('inverseTimeDecay', options);
  const decayRate = positive('inverseTimeDecay', 'options.decayRate', o.decayRate, true);
  const decaySteps = positive('inverseTimeDecay', 'options.decaySteps', orDefault(o.decaySteps, 1));
  const staircase = o.staircase === undefined ? false : checkBoolean(o.staircase, 'inverseTimeDecay', 'options.staircase');
  return {
    config: { name: 'inverseTimeDecay', learningRate, decayRate, decaySteps, staircase },
    at: (epoch) => {
      const p = epochOf('inverseTimeDecay.at', epoch) / decaySteps;
      return learningRate / (1 + decayRate * (staircase ? Math.floor(p) : p));
    },
  };
}

/** The course's "scheduled" decay: inverse time decay applied every `timeInterval` epochs. */
export function scheduledDecay(learningRate: number, decayRate: number, timeInterval = 1000): Schedule {
  return inverseTimeDecay(learningRate, { decayRate, decaySteps: timeInterval, staircase: true });
}

/** lr = lr0 · decayRate^(epoch/decaySteps). */
export function exponentialDecay(learningRate: number, options: DecayOptions): Schedule {
  positive('exponentialDecay', 'learningRate', learningRate);
  const o = decayOptions('exponentialDecay', options);
  const decayRate = positive('exponentialDecay', 'options.decayRate', o.decayRate);
  const decaySteps = positive('exponentialDecay', 'options.decaySteps', orDefault(o.decaySteps, 1));
  const staircase = o.staircase === undefined ? false : checkBoolean(o.staircase, 'exponentialDecay', 'options.staircase');
  return {
    config: { name: 'exponentialDecay', learningRate, decayRate, decaySteps, staircase },
    at: (epoch) => {
      const p = epochOf('exponentialDecay.at', epoch) / decaySteps;
      return learningRate * decayRate ** (staircase ? Math.floor(p) : p);
    },
  };
}

/** lr = lr0 · factor^floor(epoch/every): drop by `factor` every `every` epochs. */
export function stepDecay(learningRate: number, options: { factor: number; every: number }): Schedule {
  positive('stepDecay', 'learningRate', learningRate);
  if (!isPlainObject(options)) wrongType('stepDecay', 'options', 'an object { factor, every }', options);
  checkOptions(options, 'stepDecay', STEP_KEYS);
  const factor = positive('stepDecay', 'options.factor', options.factor);
  const every = positive('stepDecay', 'options.every', options.every);
  return {
    config: { name: 'stepDecay', learningRate, factor, every },
    at: (epoch) => learningRate * factor ** Math.floor(epochOf('stepDecay.at', epoch) / every),
  };
}

/** A decay's options: an object (decayRate is required), no unknown keys. */
function decayOptions(fn: string, options: DecayOptions): DecayOptions {
  if (!isPlainObject(options)) wrongType(fn, 'options', 'an object { decayRate, decaySteps?, staircase? }', options);
  return checkOptions(options, fn, DECAY_KEYS);
}

const SCHEDULE_KEYS: Record<ScheduleConfig['name'], readonly string[]> = {
  constant: ['name', 'learningRate'],
  inverseTimeDecay: ['name', 'learningRate', ...DECAY_KEYS],
  exponentialDecay: ['name', 'learningRate', ...DECAY_KEYS],
  stepDecay: ['name', 'learningRate', ...STEP_KEYS],
};

export function scheduleFromConfig(config: ScheduleConfig): Schedule {
  const fn = 'scheduleFromConfig';
  if (!isPlainObject(config)) wrongType(fn, 'config', 'a schedule config ({ name, learningRate, ... })', config);
  const name = checkOneOf(config.name, fn, 'config.name', Object.keys(SCHEDULE_KEYS) as ScheduleConfig['name'][]);
  checkOptions(config, fn, SCHEDULE_KEYS[name], 'config');
  const { name: _name, learningRate, ...rest } = config as ScheduleConfig & Record<string, unknown>;
  switch (name) {
    case 'constant':
      return constant(learningRate);
    case 'inverseTimeDecay':
      return inverseTimeDecay(learningRate, rest as unknown as DecayOptions);
    case 'exponentialDecay':
      return exponentialDecay(learningRate, rest as unknown as DecayOptions);
    case 'stepDecay':
      return stepDecay(learningRate, rest as unknown as { factor: number; every: number });
  }
}

/** A number is a constant learning rate. */
/**
 * A number is a constant learning rate; a Schedule is an object with `at(epoch)` and a
 * `config`. Anything else, a string like '0.1' included (strings have an `at` method), is
 * refused by name.
 */
export function toSchedule(lr: number | Schedule, fn = 'optimizer'): Schedule {
  if (typeof lr === 'number') {
    positive(fn, 'learningRate', lr);
    return constant(lr);
  }
  if (typeof lr === 'object' && lr !== null && typeof lr.at === 'function' && !Array.isArray(lr)) {
    if (!isPlainObject(lr.config) || typeof lr.config.name !== 'string') {
      wrongType(fn, 'learningRate.config', 'a schedule config with a name (see Schedule; it saves with the model)', lr.config);
    }
    return lr;
  }
  return wrongType(fn, 'learningRate', 'a positive finite number or a Schedule', lr);
}

/** An option's value, or its default when it was left out (undefined only: null is a value, and refused). */
function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}
