import { type FloatArray, formatShape, getBackend, NeuriteError, ShapeError, Tensor, ValueError } from '@neurite/tensor';
import { type Schedule, type ScheduleConfig, scheduleFromConfig, toSchedule } from './schedules.ts';

export type NamedTensors = Record<string, Tensor>;
export type OptimizerName = 'gradientDescent' | 'momentum' | 'rmsprop' | 'adam';

export interface OptimizerConfig {
  name: OptimizerName;
  schedule: ScheduleConfig;
  beta?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Everything needed to resume training: the config, the step and epoch counters, and
 * the per-parameter slots (velocity, squared-gradient averages) named `slot.param`,
 * e.g. `m.W1`, so they store as tensors next to the weights.
 */
export interface OptimizerState {
  config: OptimizerConfig;
  iterations: number;
  epoch: number;
  slots: NamedTensors;
}

/**
 * Updates parameters in place from their gradients. `step` takes records keyed by
 * parameter name ({W1, b1, ...}, the course's dicts); slots are created lazily, on the
 * first step, with the shape and dtype of their parameter.
 */
export abstract class Optimizer {
  abstract readonly name: OptimizerName;
  readonly schedule: Schedule;
  /** Steps taken; Adam's bias correction uses it (1 on the first step). */
  iterations = 0;
  /** Completed epochs; the schedule reads it. */
  epoch = 0;
  protected readonly slots = new Map<string, Tensor>();

  constructor(learningRate: number | Schedule) {
    this.schedule = toSchedule(learningRate);
  }

  /** The learning rate of the current epoch. */
  get learningRate(): number {
    return this.schedule.at(this.epoch);
  }

  step(params: NamedTensors, grads: NamedTensors): void {
    this.iterations++;
    const lr = this.learningRate;
    for (const name in grads) {
      const param = params[name];
      const grad = grads[name];
      if (!(param instanceof Tensor)) throw new NeuriteError(`${this.name}.step: gradient '${name}' has no parameter of that name`);
      if (!(grad instanceof Tensor) || grad.size !== param.size || grad.dtype !== param.dtype) {
        const got = grad instanceof Tensor ? `${formatShape(grad.shape)} ${grad.dtype}` : typeof grad;
        throw new ShapeError(
          `${this.name}.step: gradient '${name}' must match its parameter ${formatShape(param.shape)} ${param.dtype}, received ${got}`,
        );
      }
      this.update(name, param.data as FloatArray, grad.data as FloatArray, lr, param);
    }
  }

  /** Called by `fit` after each epoch, so schedules advance. */
  endEpoch(): void {
    this.epoch++;
  }

  protected abstract update(name: string, param: FloatArray, grad: FloatArray, lr: number, like: Tensor): void;

  protected abstract extraConfig(): Omit<OptimizerConfig, 'name' | 'schedule'>;

  protected slot(kind: string, name: string, like: Tensor): FloatArray {
    const key = `${kind}.${name}`;
    let s = this.slots.get(key);
    if (!s) {
      s = new Tensor(like.dtype === 'float64' ? new Float64Array(like.size) : new Float32Array(like.size), like.shape);
      this.slots.set(key, s);
    }
    return s.data as FloatArray;
  }

  getConfig(): OptimizerConfig {
    return { name: this.name, schedule: this.schedule.config, ...this.extraConfig() };
  }

  getState(): OptimizerState {
    return { config: this.getConfig(), iterations: this.iterations, epoch: this.epoch, slots: Object.fromEntries(this.slots) };
  }

  setState(state: Omit<OptimizerState, 'config'> & { config?: OptimizerConfig }): void {
    if (!Number.isInteger(state?.iterations) || state.iterations < 0 || !Number.isInteger(state.epoch) || state.epoch < 0) {
      throw new ValueError(`${this.name}.setState: iterations and epoch must be non-negative integers`);
    }
    if (state.config && state.config.name !== this.name) {
      throw new ValueError(`${this.name}.setState: state belongs to a '${state.config.name}' optimizer`);
    }
    this.iterations = state.iterations;
    this.epoch = state.epoch;
    this.slots.clear();
    for (const [key, t] of Object.entries(state.slots ?? {})) {
      if (!(t instanceof Tensor)) throw new ValueError(`${this.name}.setState: slot '${key}' is not a Tensor`);
      this.slots.set(key, t);
    }
  }
}

function unit(fn: string, arg: string, v: number): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ValueError(`${fn}: ${arg} must be in [0, 1), received ${String(v)}`);
  return v;
}

/** W −= lr·dW, with the backend's in-place kernel. */
export class GradientDescent extends Optimizer {
  readonly name = 'gradientDescent';
  protected update(_n: string, param: FloatArray, grad: FloatArray, lr: number): void {
    getBackend().sgdUpdate(param, grad, lr);
  }
  protected extraConfig() {
    return {};
  }
}

/** The course's momentum: v = βv + (1 − β)·dW; W −= lr·v. */
export class Momentum extends Optimizer {
  readonly name = 'momentum';
  readonly beta: number;
  constructor(learningRate: number | Schedule, options: { beta?: number } = {}) {
    super(learningRate);
    this.beta = unit('Momentum', 'beta', options.beta ?? 0.9);
  }
  protected update(name: string, param: FloatArray, grad: FloatArray, lr: number, like: Tensor): void {
    const v = this.slot('v', name, like);
    const b = this.beta;
    for (let i = 0; i < param.length; i++) {
      v[i] = b * v[i] + (1 - b) * grad[i];
      param[i] -= lr * v[i];
    }
  }
  protected extraConfig() {
    return { beta: this.beta };
  }
}

/** s = βs + (1 − β)·dW²; W −= lr·dW / (√s + ε). */
export class RMSProp extends Optimizer {
  readonly name = 'rmsprop';
  readonly beta: number;
  readonly epsilon: number;
  constructor(learningRate: number | Schedule, options: { beta?: number; epsilon?: number } = {}) {
    super(learningRate);
    this.beta = unit('RMSProp', 'beta', options.beta ?? 0.999);
    this.epsilon = options.epsilon ?? 1e-8;
  }
  protected update(name: string, param: FloatArray, grad: FloatArray, lr: number, like: Tensor): void {
    const s = this.slot('s', name, like);
    const b = this.beta;
    for (let i = 0; i < param.length; i++) {
      s[i] = b * s[i] + (1 - b) * grad[i] * grad[i];
      param[i] -= (lr * grad[i]) / (Math.sqrt(s[i]) + this.epsilon);
    }
  }
  protected extraConfig() {
    return { beta: this.beta, epsilon: this.epsilon };
  }
}

/** Adam with bias correction, as in the course: the backend's fused in-place update. */
export class Adam extends Optimizer {
  readonly name = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(learningRate: number | Schedule = 0.001, options: { beta1?: number; beta2?: number; epsilon?: number } = {}) {
    super(learningRate);
    this.beta1 = unit('Adam', 'beta1', options.beta1 ?? 0.9);
    this.beta2 = unit('Adam', 'beta2', options.beta2 ?? 0.999);
    this.epsilon = options.epsilon ?? 1e-8;
  }
  protected update(name: string, param: FloatArray, grad: FloatArray, lr: number, like: Tensor): void {
    const m = this.slot('m', name, like);
    const v = this.slot('v', name, like);
    getBackend().adamUpdate(param, grad, m, v, { lr, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, t: this.iterations });
  }
  protected extraConfig() {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

export function optimizerFromConfig(config: OptimizerConfig): Optimizer {
  const schedule = scheduleFromConfig(config?.schedule);
  switch (config.name) {
    case 'gradientDescent':
      return new GradientDescent(schedule);
    case 'momentum':
      return new Momentum(schedule, config);
    case 'rmsprop':
      return new RMSProp(schedule, config);
    case 'adam':
      return new Adam(schedule, config);
    default:
      throw new NeuriteError(
        `optimizerFromConfig: unknown optimizer ${JSON.stringify(config.name)}; expected gradientDescent, momentum, rmsprop or adam`,
      );
  }
}

/** An optimizer by name (`'adam'`, `{ name: 'adam', learningRate: 0.01 }`) or the optimizer itself. */
export function getOptimizer(
  spec: Optimizer | OptimizerName | { name: OptimizerName; learningRate?: number | Schedule },
  learningRate: number | Schedule = 0.01,
): Optimizer {
  if (spec instanceof Optimizer) return spec;
  const named: { name: OptimizerName; learningRate?: number | Schedule } =
    typeof spec === 'string' ? { name: spec } : (spec ?? ({} as { name: OptimizerName }));
  const { name } = named;
  const lr = named.learningRate ?? learningRate;
  switch (name) {
    case 'gradientDescent':
      return new GradientDescent(lr);
    case 'momentum':
      return new Momentum(lr, spec as object);
    case 'rmsprop':
      return new RMSProp(lr, spec as object);
    case 'adam':
      return new Adam(lr, spec as object);
    default:
      throw new NeuriteError(
        `getOptimizer: unknown optimizer ${JSON.stringify(name)}; expected gradientDescent, momentum, rmsprop or adam`,
      );
  }
}
