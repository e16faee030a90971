import {
  checkFloatTensor,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkPositive,
  DTypeError,
  describeValue,
  type FloatArray,
  formatShape,
  getBackend,
  isPlainObject,
  ShapeError,
  Tensor,
  ValueError,
  wrongType,
} from '@neurite/tensor';
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

  constructor(learningRate: number | Schedule, fn: string) {
    this.schedule = toSchedule(learningRate, fn);
  }

  /**
   * A factor on the schedule's rate: 1 unless a callback lowers it (reduceLROnPlateau in
   * @neurite/layers). It is not part of the saved config: a model file keeps the schedule.
   */
  learningRateScale = 1;

  /**
   * The learning rate of the current epoch: the schedule's times learningRateScale; a
   * schedule that returns anything but a positive number is named.
   */
  get learningRate(): number {
    const lr = this.schedule.at(this.epoch);
    if (typeof lr !== 'number' || !(lr > 0) || lr === Number.POSITIVE_INFINITY) {
      throw new ValueError(
        `${this.name}: the learning-rate schedule (${describeValue(this.schedule.config?.name)}) returned ${describeValue(lr)} at epoch ${this.epoch}; a schedule must return a positive finite number`,
      );
    }
    return lr * this.learningRateScale;
  }

  /**
   * One update of every parameter that has a gradient. Everything is checked before the
   * first parameter changes, so a bad gradient leaves the model as it was.
   */
  step(params: NamedTensors, grads: NamedTensors): void {
    const fn = `${this.name}.step`;
    if (!isPlainObject(params)) wrongType(fn, 'params', 'an object of Tensors by name ({ W1, b1, ... })', params);
    if (!isPlainObject(grads)) wrongType(fn, 'grads', 'an object of Tensors by name ({ W1, b1, ... })', grads);
    for (const name in grads) {
      const param = params[name];
      const grad = grads[name];
      if (!(param instanceof Tensor)) throw new ValueError(`${fn}: gradient '${name}' has no parameter of that name in params`);
      checkFloatTensor(param, fn, `params.${name}`);
      if (!(grad instanceof Tensor) || !sameShape(grad.shape, param.shape) || grad.dtype !== param.dtype) {
        const got = grad instanceof Tensor ? `${formatShape(grad.shape)} ${grad.dtype}` : describeValue(grad);
        const Cls = grad instanceof Tensor && sameShape(grad.shape, param.shape) ? DTypeError : ShapeError;
        throw new Cls(`${fn}: gradient '${name}' must match its parameter ${formatShape(param.shape)} ${param.dtype}, received ${got}`);
      }
      this.checkSlots(name, param);
    }
    const lr = this.learningRate;
    this.iterations++;
    for (const name in grads) {
      const param = params[name];
      this.update(name, param.data as FloatArray, grads[name].data as FloatArray, lr, param);
    }
  }

  /** Slots restored by setState must fit the parameter they update (shape and dtype). */
  private checkSlots(name: string, param: Tensor): void {
    for (const kind of this.slotKinds) {
      const s = this.slots.get(`${kind}.${name}`);
      if (s && (!sameShape(s.shape, param.shape) || s.dtype !== param.dtype)) {
        throw new ShapeError(
          `${this.name}.step: optimizer slot '${kind}.${name}' is ${formatShape(s.shape)} ${s.dtype} but parameter '${name}' is ${formatShape(param.shape)} ${param.dtype}; the optimizer state belongs to another model`,
        );
      }
    }
  }

  /** The per-parameter state this optimizer keeps, by slot prefix ('v', 's', 'm'). */
  protected abstract readonly slotKinds: readonly string[];

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

  /**
   * Restores what getState returned. Everything is checked before anything changes: the
   * counters, the optimizer's name, each slot's name (one of this optimizer's kinds), its
   * dtype, and its values (finite; the squared-gradient averages never negative, or the
   * next step's square root would be NaN). Shapes are checked against the parameters on
   * the next step.
   */
  setState(state: Omit<OptimizerState, 'config'> & { config?: OptimizerConfig }): void {
    const fn = `${this.name}.setState`;
    checkOptions(state, fn, ['config', 'iterations', 'epoch', 'slots'], 'state');
    checkInteger(state.iterations, fn, 'state.iterations', 0);
    checkInteger(state.epoch, fn, 'state.epoch', 0);
    if (state.config !== undefined) {
      if (!isPlainObject(state.config)) wrongType(fn, 'state.config', 'an optimizer config', state.config);
      if (state.config.name !== this.name) {
        const other = typeof state.config.name === 'string' ? `'${state.config.name}'` : describeValue(state.config.name);
        throw new ValueError(`${fn}: state belongs to a ${other} optimizer, not '${this.name}'`);
      }
    }
    const slots = state.slots ?? {};
    if (!isPlainObject(slots)) wrongType(fn, 'state.slots', 'an object of Tensors by slot name (m.W1, v.W1, ...)', slots);
    for (const [key, t] of Object.entries(slots)) {
      const kind = key.slice(0, key.indexOf('.'));
      if (!key.includes('.') || !this.slotKinds.includes(kind) || key.length === kind.length + 1) {
        const expected = this.slotKinds.length
          ? this.slotKinds.map((k) => `'${k}.<param>'`).join(' or ')
          : 'nothing (this optimizer keeps no slots)';
        throw new ValueError(`${fn}: slot '${key}' is not a slot of ${this.name}; expected ${expected}`);
      }
      checkFloatTensor(t, fn, `state.slots['${key}']`);
      const positive = kind === 's' || (kind === 'v' && this.name !== 'momentum');
      for (let i = 0; i < t.size; i++) {
        const v = t.data[i];
        if (!Number.isFinite(v) || (positive && v < 0)) {
          throw new ValueError(
            `${fn}: slot '${key}' must hold ${positive ? 'finite non-negative' : 'finite'} values, received ${v} at index ${i}`,
          );
        }
      }
    }
    this.iterations = state.iterations;
    this.epoch = state.epoch;
    this.slots.clear();
    for (const [key, t] of Object.entries(slots)) this.slots.set(key, t as Tensor);
  }
}

const UNIT = { min: 0, below: 1 };

/** A decay factor β in [0, 1). */
function unit(fn: string, arg: string, v: unknown): number {
  return checkNumber(v, fn, arg, UNIT);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The hyperparameters each optimizer takes, for option checks and configs. */
export const HYPERPARAMETERS: Record<OptimizerName, readonly string[]> = {
  gradientDescent: [],
  momentum: ['beta'],
  rmsprop: ['beta', 'epsilon'],
  adam: ['beta1', 'beta2', 'epsilon'],
};

const OPTIMIZER_NAMES: readonly OptimizerName[] = ['gradientDescent', 'momentum', 'rmsprop', 'adam'];

/** W −= lr·dW, with the backend's in-place kernel. */
export class GradientDescent extends Optimizer {
  readonly name = 'gradientDescent';
  protected readonly slotKinds: readonly string[] = [];
  constructor(learningRate: number | Schedule, options?: Record<string, never>) {
    super(learningRate, 'GradientDescent');
    checkOptions(options, 'GradientDescent', HYPERPARAMETERS.gradientDescent);
  }
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
  protected readonly slotKinds: readonly string[] = ['v'];
  readonly beta: number;
  constructor(learningRate: number | Schedule, options?: { beta?: number }) {
    super(learningRate, 'Momentum');
    const o = checkOptions(options, 'Momentum', HYPERPARAMETERS.momentum);
    this.beta = unit('Momentum', 'options.beta', orDefault(o.beta, 0.9));
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
  protected readonly slotKinds: readonly string[] = ['s'];
  readonly beta: number;
  readonly epsilon: number;
  constructor(learningRate: number | Schedule, options?: { beta?: number; epsilon?: number }) {
    super(learningRate, 'RMSProp');
    const o = checkOptions(options, 'RMSProp', HYPERPARAMETERS.rmsprop);
    this.beta = unit('RMSProp', 'options.beta', orDefault(o.beta, 0.999));
    this.epsilon = checkPositive(orDefault(o.epsilon, 1e-8), 'RMSProp', 'options.epsilon');
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
  protected readonly slotKinds: readonly string[] = ['m', 'v'];
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(learningRate: number | Schedule = 0.001, options?: { beta1?: number; beta2?: number; epsilon?: number }) {
    super(learningRate, 'Adam');
    const o = checkOptions(options, 'Adam', HYPERPARAMETERS.adam);
    this.beta1 = unit('Adam', 'options.beta1', orDefault(o.beta1, 0.9));
    this.beta2 = unit('Adam', 'options.beta2', orDefault(o.beta2, 0.999));
    this.epsilon = checkPositive(orDefault(o.epsilon, 1e-8), 'Adam', 'options.epsilon');
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

/** An optimizer from its saved config ({ name, schedule, ...hyperparameters }). */
export function optimizerFromConfig(config: OptimizerConfig): Optimizer {
  const fn = 'optimizerFromConfig';
  if (!isPlainObject(config)) wrongType(fn, 'config', 'an optimizer config ({ name, schedule, ... })', config);
  const name = checkOneOf(config.name, fn, 'config.name', OPTIMIZER_NAMES);
  checkOptions(config, fn, ['name', 'schedule', ...HYPERPARAMETERS[name]], 'config');
  return create(name, scheduleFromConfig(config.schedule), pick(config, HYPERPARAMETERS[name]));
}

type OptimizerSpec = { name: OptimizerName; learningRate?: number | Schedule } & Partial<
  Record<'beta' | 'beta1' | 'beta2' | 'epsilon', number>
>;

/** An optimizer by name (`'adam'`, `{ name: 'adam', learningRate: 0.01, beta1: 0.8 }`) or the optimizer itself. */
export function getOptimizer(spec: Optimizer | OptimizerName | OptimizerSpec, learningRate: number | Schedule = 0.01): Optimizer {
  const fn = 'getOptimizer';
  if (spec instanceof Optimizer) return spec;
  if (typeof spec === 'string') return create(checkOneOf(spec, fn, 'optimizer', OPTIMIZER_NAMES), toSchedule(learningRate, fn), {});
  if (!isPlainObject(spec)) wrongType(fn, 'optimizer', 'an Optimizer, a name or { name, learningRate, ... }', spec);
  const name = checkOneOf(spec.name, fn, 'optimizer.name', OPTIMIZER_NAMES);
  checkOptions(spec, fn, ['name', 'learningRate', ...HYPERPARAMETERS[name]], 'optimizer');
  return create(name, toSchedule(orDefault(spec.learningRate, learningRate), fn), pick(spec, HYPERPARAMETERS[name]));
}

function pick(source: object, keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) {
    const v = (source as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v as number;
  }
  return out;
}

function create(name: OptimizerName, schedule: Schedule, options: Record<string, number>): Optimizer {
  switch (name) {
    case 'gradientDescent':
      return new GradientDescent(schedule);
    case 'momentum':
      return new Momentum(schedule, options);
    case 'rmsprop':
      return new RMSProp(schedule, options);
    case 'adam':
      return new Adam(schedule, options);
  }
}

/** An option's value, or its default when it was left out (undefined only: null is a value, and refused). */
function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}
