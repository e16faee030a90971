import { type FloatDType, type Generator, NeuriteError, Tensor, ValueError } from '@neurite/tensor';

/**
 * Weight initializers. Each draws from an explicit Generator, in C order, so that with
 * `new Generator(seed)` (numpy's legacy stream) the course's weights come out exactly:
 * `randomNormal()` is `np.random.randn(n, n_prev) * 0.01`, `courseDeep()` is
 * `np.random.randn(n, n_prev) / np.sqrt(n_prev)`. `zeros` draws nothing.
 * Shapes are (n[l], n[l-1]): fanIn is shape[1], fanOut is shape[0]. Conv filters are
 * (f_h, f_w, n_C_prev, n_C): fanIn is f_h·f_w·n_C_prev, fanOut f_h·f_w·n_C (as Keras counts).
 */
export type InitializerConfig =
  | { name: 'zeros' }
  | { name: 'ones' }
  | { name: 'randomNormal'; mean: number; stddev: number }
  | { name: 'courseDeep' }
  | { name: 'heNormal' }
  | { name: 'glorotNormal' }
  | { name: 'glorotUniform' };

export type InitializerName = InitializerConfig['name'];

export interface Initializer {
  readonly config: InitializerConfig;
  init(shape: readonly number[], rng: Generator, dtype: FloatDType): Tensor;
}

function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 2) return [shape[1], shape[0]];
  if (shape.length > 2) {
    const field = shape.slice(0, -2).reduce((p, d) => p * d, 1);
    return [field * shape[shape.length - 2], field * shape[shape.length - 1]];
  }
  return [shape[0] ?? 1, shape[0] ?? 1];
}

/** Draws randn(shape) in float64 and maps each value, storing in `dtype`. */
function mapped(shape: readonly number[], rng: Generator, dtype: FloatDType, f: (v: number) => number): Tensor {
  const z = rng.randn(shape, 'float64').data;
  const out = dtype === 'float64' ? new Float64Array(z.length) : new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = f(z[i]);
  return new Tensor(out, shape);
}

function constantFill(value: number): (shape: readonly number[], _rng: Generator, dtype: FloatDType) => Tensor {
  return (shape, _rng, dtype) => {
    const size = shape.reduce((p, d) => p * d, 1);
    const data = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
    if (value !== 0) data.fill(value);
    return new Tensor(data, shape);
  };
}

export const zeros = (): Initializer => ({ config: { name: 'zeros' }, init: constantFill(0) });
export const ones = (): Initializer => ({ config: { name: 'ones' }, init: constantFill(1) });

/** mean + stddev·N(0, 1); the default stddev 0.01 is the course's small random init. */
export function randomNormal(options: { mean?: number; stddev?: number } = {}): Initializer {
  const mean = options.mean ?? 0;
  const stddev = options.stddev ?? 0.01;
  if (!Number.isFinite(mean) || !(stddev >= 0) || !Number.isFinite(stddev)) {
    throw new ValueError(`randomNormal: mean must be finite and stddev non-negative, received mean=${mean}, stddev=${stddev}`);
  }
  // randn * 0.01 as the course writes it; mean 0 adds nothing, so the values are numpy's.
  return {
    config: { name: 'randomNormal', mean, stddev },
    init: (s, rng, dt) => mapped(s, rng, dt, (v) => (mean === 0 ? v * stddev : mean + v * stddev)),
  };
}

/** The course's week-4 L-layer init: randn(n[l], n[l-1]) / sqrt(n[l-1]). */
export function courseDeep(): Initializer {
  return {
    config: { name: 'courseDeep' },
    init: (s, rng, dt) => {
      const root = Math.sqrt(fans(s)[0]);
      return mapped(s, rng, dt, (v) => v / root);
    },
  };
}

/** He et al. for ReLU: randn · sqrt(2 / fanIn), as in the course's second part. */
export function heNormal(): Initializer {
  return {
    config: { name: 'heNormal' },
    init: (s, rng, dt) => {
      const scale = Math.sqrt(2 / fans(s)[0]);
      return mapped(s, rng, dt, (v) => v * scale);
    },
  };
}

/** Glorot/Xavier normal: randn · sqrt(2 / (fanIn + fanOut)). */
export function glorotNormal(): Initializer {
  return {
    config: { name: 'glorotNormal' },
    init: (s, rng, dt) => {
      const [fanIn, fanOut] = fans(s);
      const scale = Math.sqrt(2 / (fanIn + fanOut));
      return mapped(s, rng, dt, (v) => v * scale);
    },
  };
}

/** Glorot/Xavier uniform: U(−l, l) with l = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(): Initializer {
  return {
    config: { name: 'glorotUniform' },
    init: (s, rng, dt) => {
      const [fanIn, fanOut] = fans(s);
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return rng.uniform(-limit, limit, s, dt);
    },
  };
}

/** An initializer from a name, a config, or itself. */
export function getInitializer(spec: Initializer | InitializerName | InitializerConfig, arg = 'initializer'): Initializer {
  if (spec && typeof spec === 'object' && 'init' in spec) return spec;
  const config = (typeof spec === 'string' ? { name: spec } : spec) as InitializerConfig;
  switch (config?.name) {
    case 'zeros':
      return zeros();
    case 'ones':
      return ones();
    case 'randomNormal':
      return randomNormal(config);
    case 'courseDeep':
      return courseDeep();
    case 'heNormal':
      return heNormal();
    case 'glorotNormal':
      return glorotNormal();
    case 'glorotUniform':
      return glorotUniform();
    default:
      throw new NeuriteError(
        `${arg}: unknown initializer ${JSON.stringify((config as { name?: unknown })?.name ?? spec)}; expected zeros, ones, randomNormal, courseDeep, heNormal, glorotNormal or glorotUniform`,
      );
  }
}
