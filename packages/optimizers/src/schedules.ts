import { NeuriteError, ValueError } from '@neurite/tensor';

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
    throw new ValueError(`${fn}: ${arg} must be a ${allowZero ? 'non-negative' : 'positive'} finite number, received ${String(v)}`);
  }
  return v;
}

export function constant(learningRate: number): Schedule {
  positive('constant', 'learningRate', learningRate);
  return { config: { name: 'constant', learningRate }, at: () => learningRate };
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
  const decayRate = positive('inverseTimeDecay', 'decayRate', options?.decayRate, true);
  const decaySteps = positive('inverseTimeDecay', 'decaySteps', options.decaySteps ?? 1);
  const staircase = options.staircase ?? false;
  return {
    config: { name: 'inverseTimeDecay', learningRate, decayRate, decaySteps, staircase },
    at: (epoch) => {
      const p = epoch / decaySteps;
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
  const decayRate = positive('exponentialDecay', 'decayRate', options?.decayRate);
  const decaySteps = positive('exponentialDecay', 'decaySteps', options.decaySteps ?? 1);
  const staircase = options.staircase ?? false;
  return {
    config: { name: 'exponentialDecay', learningRate, decayRate, decaySteps, staircase },
    at: (epoch) => {
      const p = epoch / decaySteps;
      return learningRate * decayRate ** (staircase ? Math.floor(p) : p);
    },
  };
}

/** lr = lr0 · factor^floor(epoch/every): drop by `factor` every `every` epochs. */
export function stepDecay(learningRate: number, options: { factor: number; every: number }): Schedule {
  positive('stepDecay', 'learningRate', learningRate);
  const factor = positive('stepDecay', 'factor', options?.factor);
  const every = positive('stepDecay', 'every', options.every);
  return { config: { name: 'stepDecay', learningRate, factor, every }, at: (epoch) => learningRate * factor ** Math.floor(epoch / every) };
}

export function scheduleFromConfig(config: ScheduleConfig): Schedule {
  switch (config?.name) {
    case 'constant':
      return constant(config.learningRate);
    case 'inverseTimeDecay':
      return inverseTimeDecay(config.learningRate, config);
    case 'exponentialDecay':
      return exponentialDecay(config.learningRate, config);
    case 'stepDecay':
      return stepDecay(config.learningRate, config);
    default:
      throw new NeuriteError(`scheduleFromConfig: unknown schedule ${JSON.stringify((config as { name?: unknown })?.name)}`);
  }
}

/** A number is a constant learning rate. */
export function toSchedule(lr: number | Schedule, fn = 'optimizer'): Schedule {
  if (typeof lr === 'number') {
    positive(fn, 'learningRate', lr);
    return constant(lr);
  }
  if (lr && typeof lr.at === 'function') return lr;
  throw new ValueError(`${fn}: learningRate must be a positive number or a Schedule, received ${String(lr)}`);
}
