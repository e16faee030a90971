import { grad, valueAndGrad, vjp } from '../autodiff/grad.ts';
import { gradCheck } from '../autodiff/gradcheck.ts';
import { arange, eye, full, linspace, ones, onesLike, scalar, tensor, zeros, zerosLike } from '../creation.ts';
import { ArgumentTypeError, BackendError, DTypeError, NeuriteError, ShapeError, ValueError } from '../errors.ts';
import * as op from '../ops/index.ts';
import { Generator, toGenerator } from '../random/generator.ts';
import { setBackend } from '../registry.ts';
import { Tensor } from '../tensor.ts';
import { broadcastShapes, formatShape, sizeOf } from '../validate.ts';
import { assert, assertClose, EXACT } from './assert.ts';
import {
  BIGINT_ARRAYS,
  type ErrorClass,
  expectRefusal,
  HUGE_SHAPES,
  NON_FINITE,
  NOT_BOOLEANS,
  NOT_COUNTS,
  NOT_DTYPES,
  NOT_NUMBERS,
  NOT_OPTIONS,
  NOT_SHAPES,
  NOT_TENSORS,
  numberRefusal,
  type ProbeCase,
  sample,
  show,
} from './refusal.ts';

// biome-ignore lint/suspicious/noExplicitAny: the probe passes what TypeScript would refuse, as JavaScript callers can.
type Loose = any;
const any = (v: unknown): Loose => v;
/** The ops by name, for the loops over families of ops. */
const OPS: Record<string, Loose> = { ...op };

type Float = 'float32' | 'float64';
const FLOATS: readonly Float[] = ['float32', 'float64'];

const BINARY = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
] as const;
const UNARY = [
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'square',
  'sign',
  'sigmoid',
  'tanh',
  'relu',
  'flatten',
  'erf',
  'selu',
  'gelu',
  'softplus',
  'silu',
] as const;
const REDUCE = ['sum', 'mean', 'max', 'min'] as const;

/** The class a shape argument's refusal has: a wrong kind (no array, a non-number entry) or a wrong value. */
function shapeRefusal(shape: unknown): ErrorClass {
  return Array.isArray(shape) && shape.every((d) => typeof d === 'number') ? ValueError : ArgumentTypeError;
}

/**
 * The bad-input probe of @neurite/tensor's public API on backend `backendName`: every public
 * function with wrong types, NaN and ±Infinity, negative, fractional and huge sizes, wrong
 * shapes and dtypes, strings for numbers, bigint arrays, unknown option keys and calls in the
 * wrong order, in both float dtypes where the dtype matters. Each case asserts the error class
 * and that the message starts with the function's name and names the argument. A last group
 * checks that the edges that are valid still compute the right values.
 */
export function badInputCases(backendName: string): ProbeCase[] {
  const cases: ProbeCase[] = [];
  const c = (name: string, fn: () => void) =>
    cases.push({
      name,
      fn: () => {
        setBackend(backendName);
        fn();
      },
    });
  const refuse = (name: string, call: () => unknown, cls: ErrorClass, fn: string, ...mentions: string[]) =>
    c(name, () => {
      expectRefusal(call, cls, fn, ...mentions);
    });

  // --- creation -----------------------------------------------------------------------
  for (const shape of NOT_SHAPES) {
    for (const fn of ['zeros', 'ones'] as const) {
      refuse(`${fn}(${show(shape)})`, () => (fn === 'zeros' ? zeros : ones)(any(shape)), shapeRefusal(shape), fn, 'shape');
    }
    refuse(`full(${show(shape)}, 1)`, () => full(any(shape), 1), shapeRefusal(shape), 'full', 'shape');
    refuse(
      `tensor([1, 2], 'float32', ${show(shape)})`,
      () => tensor([1, 2], 'float32', any(shape)),
      shapeRefusal(shape),
      'tensor',
      'shape',
    );
    refuse(`new Tensor(data, ${show(shape)})`, () => new Tensor(new Float32Array(2), any(shape)), shapeRefusal(shape), 'Tensor', 'shape');
    refuse(`Generator.randn(${show(shape)})`, () => new Generator(1).randn(any(shape)), shapeRefusal(shape), 'randn', 'shape');
  }
  for (const shape of HUGE_SHAPES) {
    for (const dtype of FLOATS) {
      refuse(
        `zeros(${show(shape)}, ${dtype}) is refused before allocating`,
        () => zeros(shape, dtype),
        ValueError,
        'zeros',
        'shape',
        'elements',
      );
    }
    refuse(`ones(${show(shape)})`, () => ones(shape), ValueError, 'ones', 'shape');
    refuse(`full(${show(shape)}, 2)`, () => full(shape, 2), ValueError, 'full', 'shape');
    refuse(`Generator.rand(${show(shape)})`, () => new Generator(1).rand(shape), ValueError, 'rand', 'shape');
    refuse(`Generator.uniform(0, 1, ${show(shape)})`, () => new Generator(1).uniform(0, 1, shape), ValueError, 'uniform', 'shape');
  }
  refuse('eye(2**31)', () => eye(2 ** 31), ValueError, 'eye', 'shape', 'elements');
  refuse('eye(1e6, 1e6)', () => eye(1e6, 1e6), ValueError, 'eye', 'elements');
  for (const n of [...NOT_COUNTS, ...NOT_NUMBERS]) refuse(`eye(${show(n)})`, () => eye(any(n)), numberRefusal(n), 'eye', 'n');
  refuse('eye(2, -1)', () => eye(2, -1), ValueError, 'eye', 'm');
  for (const dtype of NOT_DTYPES) {
    refuse(`zeros([2], ${show(dtype)})`, () => zeros([2], any(dtype)), DTypeError, 'zeros', 'dtype');
    refuse(`tensor([1], ${show(dtype)})`, () => tensor([1], any(dtype)), DTypeError, 'tensor', 'dtype');
    refuse(`eye(2, 2, ${show(dtype)})`, () => eye(2, 2, any(dtype)), DTypeError, 'eye', 'dtype');
    refuse(`arange(3, undefined, 1, ${show(dtype)})`, () => arange(3, undefined, 1, any(dtype)), DTypeError, 'arange', 'dtype');
    refuse(`linspace(0, 1, 3, ${show(dtype)})`, () => linspace(0, 1, 3, any(dtype)), DTypeError, 'linspace', 'dtype');
    refuse(`cast(x, ${show(dtype)})`, () => op.cast(sample('float32'), any(dtype)), DTypeError, 'cast', 'dtype');
  }
  for (const dtype of ['int32', 'float16']) {
    refuse(`Generator.randn([2], ${dtype})`, () => new Generator(1).randn([2], any(dtype)), DTypeError, 'randn', 'dtype');
  }
  for (const v of NOT_NUMBERS.filter((x) => x !== null && !Array.isArray(x))) {
    refuse(`full([2], ${show(v)})`, () => full([2], any(v)), ArgumentTypeError, 'full', 'value');
    refuse(`scalar(${show(v)})`, () => scalar(any(v)), ArgumentTypeError, 'scalar', 'value');
  }
  for (const values of ['abc', {}, null, undefined, () => 1, 1n, true]) {
    refuse(`tensor(${show(values)})`, () => tensor(any(values)), ArgumentTypeError, 'tensor', 'values');
  }
  refuse('tensor([1, "a"])', () => tensor(any([1, 'a'])), ArgumentTypeError, 'tensor', 'values[1]');
  refuse('tensor([[1, 2], [3]]) is ragged', () => tensor([[1, 2], [3]]), ShapeError, 'tensor', 'values[1]', 'length 1');
  refuse('tensor([[1, 2], 3]) is ragged', () => tensor(any([[1, 2], 3])), ShapeError, 'tensor', 'values[1]');
  refuse('tensor([1n, 2n])', () => tensor(any([1n, 2n])), ArgumentTypeError, 'tensor', 'values[0]');
  refuse('tensor([1, 2], float32, [3])', () => tensor([1, 2], 'float32', [3]), ShapeError, 'tensor', '(3,)');
  refuse('tensor([1.5], int32)', () => tensor([1.5], 'int32'), ValueError, 'tensor', 'int32');
  refuse('tensor([2**40], int32)', () => tensor([2 ** 40], 'int32'), ValueError, 'tensor', 'int32');
  refuse('full([2], 0.5, int32)', () => full([2], 0.5, 'int32'), ValueError, 'full', 'value');
  for (const data of BIGINT_ARRAYS) {
    refuse(`tensor(${show(data)})`, () => tensor(any(data)), DTypeError, 'tensor', 'values', 'Big');
    refuse(`new Tensor(${show(data)}, [2])`, () => new Tensor(any(data), [2]), DTypeError, 'Tensor', 'data', 'Big');
  }
  for (const data of [new Uint8Array(2), new Int16Array(2), new Float32Array(2).buffer]) {
    refuse(
      `new Tensor(${show(data)}, [2])`,
      () => new Tensor(any(data), [2]),
      ArrayBuffer.isView(data) ? DTypeError : ArgumentTypeError,
      'Tensor',
      'data',
    );
  }
  for (const data of [[1, 2], null, undefined, 'ab', {}]) {
    refuse(`new Tensor(${show(data)}, [2])`, () => new Tensor(any(data), [2]), ArgumentTypeError, 'Tensor', 'data');
  }
  refuse('new Tensor(3 values, [2, 2])', () => new Tensor(new Float32Array(3), [2, 2]), ShapeError, 'Tensor', '(2, 2)');
  for (const x of NOT_TENSORS) {
    refuse(`zerosLike(${show(x)})`, () => zerosLike(any(x)), ArgumentTypeError, 'zerosLike', 'x');
    refuse(`onesLike(${show(x)})`, () => onesLike(any(x)), ArgumentTypeError, 'onesLike', 'x');
  }
  for (const v of [...NON_FINITE, '1', null, 1n]) {
    refuse(`arange(${show(v)})`, () => arange(any(v)), numberRefusal(v), 'arange', 'start');
    refuse(`arange(0, ${show(v)})`, () => arange(0, any(v)), numberRefusal(v), 'arange', 'stop');
    refuse(`arange(0, 5, ${show(v)})`, () => arange(0, 5, any(v)), numberRefusal(v), 'arange', 'step');
    refuse(`linspace(${show(v)}, 1)`, () => linspace(any(v), 1), numberRefusal(v), 'linspace', 'start');
    refuse(`linspace(0, ${show(v)})`, () => linspace(0, any(v)), numberRefusal(v), 'linspace', 'stop');
  }
  refuse('arange(0, 5, 0)', () => arange(0, 5, 0), ValueError, 'arange', 'step');
  refuse('arange(0, 1e12) is refused before allocating', () => arange(0, 1e12), ValueError, 'arange', 'elements');
  for (const n of [...NOT_COUNTS, '3', null])
    refuse(`linspace(0, 1, ${show(n)})`, () => linspace(0, 1, any(n)), numberRefusal(n), 'linspace', 'num');
  refuse('linspace(0, 1, 1e12)', () => linspace(0, 1, 1e12), ValueError, 'linspace', 'elements');

  // --- random -------------------------------------------------------------------------
  for (const seed of [-1, 2 ** 32, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null, 1n, {}]) {
    refuse(`new Generator(${show(seed)})`, () => new Generator(any(seed)), numberRefusal(seed), 'Generator', 'seed');
    refuse(`toGenerator(${show(seed)})`, () => toGenerator(any(seed)), numberRefusal(seed), 'toGenerator', 'rng');
  }
  for (const v of [...NON_FINITE, '0', null]) {
    refuse(`uniform(${show(v)}, 1, [2])`, () => new Generator(1).uniform(any(v), 1, [2]), numberRefusal(v), 'uniform', 'low');
    refuse(`uniform(0, ${show(v)}, [2])`, () => new Generator(1).uniform(0, any(v), [2]), numberRefusal(v), 'uniform', 'high');
    refuse(
      `normalTensor(${show(v)}, 1, [2])`,
      () => new Generator(1).normalTensor(any(v), 1, [2]),
      numberRefusal(v),
      'normalTensor',
      'mean',
    );
  }
  for (const v of [-1, ...NON_FINITE, '1']) {
    refuse(
      `normalTensor(0, ${show(v)}, [2])`,
      () => new Generator(1).normalTensor(0, any(v), [2]),
      numberRefusal(v),
      'normalTensor',
      'std',
    );
  }
  for (const v of [1.5, Number.NaN, '1', null]) {
    refuse(`randint(${show(v)}, 5)`, () => new Generator(1).randint(any(v), 5), numberRefusal(v), 'randint', 'low');
    refuse(`randint(0, ${show(v)})`, () => new Generator(1).randint(0, any(v)), numberRefusal(v), 'randint', 'high');
  }
  refuse('randint(5, 5)', () => new Generator(1).randint(5, 5), ValueError, 'randint', 'low < high');
  for (const size of [-1, 1.5, 1e12, '3'])
    refuse(`randint(0, 5, ${show(size)})`, () => new Generator(1).randint(0, 5, any(size)), numberRefusal(size), 'randint', 'size');
  for (const n of [-1, 1.5, Number.NaN, 1e12, '5', null])
    refuse(`permutation(${show(n)})`, () => new Generator(1).permutation(any(n)), numberRefusal(n), 'permutation', 'n');
  for (const items of ['abc', null, 5, {}])
    refuse(`shuffle(${show(items)})`, () => new Generator(1).shuffle(any(items)), ArgumentTypeError, 'shuffle', 'items');
  refuse('setState(null)', () => new Generator(1).setState(any(null)), ArgumentTypeError, 'Generator.setState', 'state');
  refuse(
    'setState({ key: [1, 2], pos: 0 })',
    () => new Generator(1).setState(any({ key: [1, 2], pos: 0, gauss: null })),
    ValueError,
    'Generator.setState',
    'state.key',
  );
  refuse(
    'setState(pos 700)',
    () => new Generator(1).setState({ ...new Generator(1).getState(), pos: 700 }),
    ValueError,
    'Generator.setState',
    'state.pos',
  );
  refuse(
    'setState(unknown key)',
    () => new Generator(1).setState(any({ ...new Generator(1).getState(), seed: 1 })),
    ValueError,
    'Generator.setState',
    'seed',
  );

  // --- elementwise, in both float dtypes ------------------------------------------------
  for (const dtype of FLOATS) {
    const x = () => sample(dtype);
    for (const fn of BINARY) {
      for (const v of [...NOT_TENSORS, undefined]) {
        refuse(`${fn}(x ${dtype}, ${show(v)})`, () => OPS[fn](x(), any(v)), ArgumentTypeError, fn, 'b');
      }
      refuse(`${fn}('2', x ${dtype})`, () => OPS[fn](any('2'), x()), ArgumentTypeError, fn, 'a');
      refuse(`${fn}: (2, 3) with (3, 2) ${dtype}`, () => OPS[fn](x(), sample(dtype, [3, 2])), ShapeError, fn, '(2,3)', '(3,2)');
      refuse(
        `${fn}: a broadcast to 1e10 elements is refused before allocating (${dtype})`,
        () => OPS[fn](zeros([1e5, 1], dtype), zeros([1, 1e5], dtype)),
        ValueError,
        fn,
        'elements',
      );
    }
    refuse(`x.add('1') (${dtype})`, () => x().add(any('1')), ArgumentTypeError, 'add', 'b');
    refuse(`x.mul(1n) (${dtype})`, () => x().mul(any(1n)), ArgumentTypeError, 'mul', 'b');
    for (const fn of UNARY) {
      for (const v of [...NOT_TENSORS, 2, undefined])
        refuse(`${fn}(${show(v)})`, () => OPS[fn](v), ArgumentTypeError, fn === 'flatten' ? 'reshape' : fn, 'x');
    }
    for (const alpha of [-1, 0, ...NON_FINITE, '0.1', null]) {
      refuse(`leakyRelu(x, ${show(alpha)}) (${dtype})`, () => op.leakyRelu(x(), any(alpha)), numberRefusal(alpha), 'leakyRelu', 'alpha');
      refuse(
        `leakyReluBackward(dA, A, ${show(alpha)}) (${dtype})`,
        () => op.leakyReluBackward(x(), x(), any(alpha)),
        numberRefusal(alpha),
        'leakyReluBackward',
        'alpha',
      );
      refuse(
        `linear(W, A, null, 'leakyRelu', ${show(alpha)}) (${dtype})`,
        () => op.linear(x(), sample(dtype, [3, 2]), null, 'leakyRelu', any(alpha)),
        numberRefusal(alpha),
        'linear',
        'alpha',
      );
    }
    for (const alpha of [-1, 0, ...NON_FINITE, '1', null]) {
      refuse(`elu(x, ${show(alpha)}) (${dtype})`, () => op.elu(x(), any(alpha)), numberRefusal(alpha), 'elu', 'alpha');
      refuse(
        `eluBackward(dA, A, ${show(alpha)}) (${dtype})`,
        () => op.eluBackward(x(), x(), any(alpha)),
        numberRefusal(alpha),
        'eluBackward',
        'alpha',
      );
    }
    for (const v of NOT_TENSORS) {
      refuse(`elu(${show(v)})`, () => op.elu(any(v)), ArgumentTypeError, 'elu', 'z');
      refuse(`leakyRelu(${show(v)})`, () => op.leakyRelu(any(v)), ArgumentTypeError, 'leakyRelu', 'z');
      refuse(`where(${show(v)}, 1, 0)`, () => op.where(any(v), 1, 0), ArgumentTypeError, 'where', 'cond');
      refuse(`where(cond, ${show(v)}, 0) (${dtype})`, () => op.where(x(), any(v), 0), ArgumentTypeError, 'where', 'a');
      refuse(`where(cond, 0, ${show(v)}) (${dtype})`, () => op.where(x(), 0, any(v)), ArgumentTypeError, 'where', 'b');
      refuse(`clip(${show(v)}, 0, 1)`, () => op.clip(any(v), 0, 1), ArgumentTypeError, 'clip', 'x');
    }
    refuse(
      `where: shapes (2, 1), (3,), (4,) (${dtype})`,
      () => op.where(zeros([2, 1], dtype), zeros([3], dtype), zeros([4], dtype)),
      ShapeError,
      'where',
      'broadcast',
    );
    for (const v of [Number.NaN, '0', null, 1n, {}]) {
      refuse(`clip(x, ${show(v)}, 1) (${dtype})`, () => op.clip(x(), any(v), 1), numberRefusal(v), 'clip', 'min');
      refuse(`clip(x, 0, ${show(v)}) (${dtype})`, () => op.clip(x(), 0, any(v)), numberRefusal(v), 'clip', 'max');
    }
    refuse(`clip(x, 1, 0) (${dtype})`, () => op.clip(x(), 1, 0), ValueError, 'clip', 'min', 'max');

    // --- activations --------------------------------------------------------------------
    for (const fn of ['softmax', 'logSoftmax'] as const) {
      for (const axis of ['0', 2, -3, 1.5, Number.NaN, null, [0], 1n]) {
        refuse(`${fn}(x, ${show(axis)}) (${dtype})`, () => OPS[fn](x(), any(axis)), numberRefusal(axis), fn, 'axis');
      }
      for (const v of NOT_TENSORS) refuse(`${fn}(${show(v)})`, () => OPS[fn](any(v)), ArgumentTypeError, fn, 'z');
      refuse(`${fn}(scalar, 0) has no axis (${dtype})`, () => OPS[fn](scalar(1, dtype), 0), ValueError, fn, 'axis', 'rank 0');
    }
    for (const act of ['swish', 'softmax', 'Relu', '', 5, null, undefined]) {
      refuse(
        `activationBackward(${show(act)}, dA, A) (${dtype})`,
        () => op.activationBackward(any(act), x(), x()),
        typeof act === 'string' ? ValueError : ArgumentTypeError,
        'activationBackward',
        'act',
      );
      if (act !== undefined) {
        refuse(
          `linear(W, A, null, ${show(act)}) (${dtype})`,
          () => op.linear(x(), sample(dtype, [3, 2]), null, any(act)),
          typeof act === 'string' ? ValueError : ArgumentTypeError,
          'linear',
          'activation',
        );
      }
    }
    for (const fn of [
      'sigmoidBackward',
      'tanhBackward',
      'reluBackward',
      'leakyReluBackward',
      'eluBackward',
      'seluBackward',
      'softplusBackward',
      'geluBackward',
      'siluBackward',
    ] as const) {
      // gelu's and silu's slopes come from Z, which their second argument is called.
      const saved = fn === 'geluBackward' || fn === 'siluBackward' ? 'Z' : 'A';
      for (const v of NOT_TENSORS.slice(0, 4)) {
        refuse(`${fn}(${show(v)}, ${saved})`, () => OPS[fn](any(v), x()), ArgumentTypeError, fn, 'dA');
        refuse(`${fn}(dA, ${show(v)})`, () => OPS[fn](x(), any(v)), ArgumentTypeError, fn, saved);
      }
      refuse(`${fn}: (2, 3) and (3, 2) (${dtype})`, () => OPS[fn](x(), sample(dtype, [3, 2])), ShapeError, fn, '(2, 3)', '(3, 2)');
    }

    // --- linear algebra -----------------------------------------------------------------
    const A = () => sample(dtype, [2, 3]);
    const B = () => sample(dtype, [3, 2]);
    for (const v of NOT_TENSORS) {
      refuse(`matmul(${show(v)}, b)`, () => op.matmul(any(v), B()), ArgumentTypeError, 'matmul', 'a');
      refuse(`matmul(a, ${show(v)}) (${dtype})`, () => op.matmul(A(), any(v)), ArgumentTypeError, 'matmul', 'b');
    }
    for (const o of NOT_OPTIONS)
      refuse(`matmul(a, b, ${show(o)}) (${dtype})`, () => op.matmul(A(), B(), any(o)), ArgumentTypeError, 'matmul', 'options');
    for (const flag of NOT_BOOLEANS) {
      refuse(
        `matmul(a, b, { transA: ${show(flag)} }) (${dtype})`,
        () => op.matmul(A(), B(), any({ transA: flag })),
        ArgumentTypeError,
        'matmul',
        'options.transA',
      );
      refuse(
        `matmul(a, b, { transB: ${show(flag)} }) (${dtype})`,
        () => op.matmul(A(), B(), any({ transB: flag })),
        ArgumentTypeError,
        'matmul',
        'options.transB',
      );
    }
    for (const key of ['transa', 'transpose', 'alpha', 'beta']) {
      refuse(
        `matmul(a, b, { ${key}: true }) (${dtype})`,
        () => op.matmul(A(), B(), any({ [key]: true })),
        ValueError,
        'matmul',
        `'${key}'`,
      );
    }
    refuse(`matmul: inner dimensions (2, 3)·(2, 3) (${dtype})`, () => op.matmul(A(), A()), ShapeError, 'matmul', 'inner dimensions');
    refuse(`matmul: 1-D operand (${dtype})`, () => op.matmul(sample(dtype, [3]), B()), ShapeError, 'matmul', '2-D');
    refuse(
      `matmul: a (1e5, 1)·(1, 1e5) product is refused before allocating (${dtype})`,
      () => op.matmul(zeros([1e5, 1], dtype), zeros([1, 1e5], dtype)),
      ValueError,
      'matmul',
      'elements',
    );
    for (const b of ['0', 1, [1, 2], {}])
      refuse(`linear(W, A, ${show(b)}) (${dtype})`, () => op.linear(A(), B(), any(b)), ArgumentTypeError, 'linear', 'b');
    refuse(
      `linear: b of the wrong shape (${dtype})`,
      () => op.linear(A(), B(), zeros([3, 1], dtype)),
      ShapeError,
      'linear',
      'b must have shape (2, 1)',
    );
    for (const v of NOT_TENSORS.slice(0, 4)) {
      refuse(`linear(${show(v)}, A)`, () => op.linear(any(v), B()), ArgumentTypeError, 'linear', 'W');
      refuse(`linear(W, ${show(v)})`, () => op.linear(A(), any(v)), ArgumentTypeError, 'linear', 'A');
    }

    // --- reductions ---------------------------------------------------------------------
    for (const fn of REDUCE) {
      for (const axis of ['1', 2, -3, 1.5, Number.NaN, null, [0, 0], [0, '1'], {}, 1n]) {
        const cls = Array.isArray(axis) ? (axis.every((a) => typeof a === 'number') ? ValueError : ArgumentTypeError) : numberRefusal(axis);
        refuse(`${fn}(x, ${show(axis)}) (${dtype})`, () => OPS[fn](x(), any(axis)), cls, fn, 'axis');
      }
      for (const k of NOT_BOOLEANS)
        refuse(`${fn}(x, 0, ${show(k)}) (${dtype})`, () => OPS[fn](x(), 0, any(k)), ArgumentTypeError, fn, 'keepDims');
      for (const v of NOT_TENSORS.slice(0, 5)) refuse(`${fn}(${show(v)})`, () => OPS[fn](any(v)), ArgumentTypeError, fn, 'x');
    }
    refuse(`max over a zero-size axis (${dtype})`, () => op.max(zeros([0, 3], dtype), 0), ValueError, 'max', 'zero-size');
    for (const axis of ['0', 2, 1.5, null])
      refuse(`argMax(x, ${show(axis)}) (${dtype})`, () => op.argMax(x(), any(axis)), numberRefusal(axis), 'argMax', 'axis');
    refuse(`argMax of an empty axis (${dtype})`, () => op.argMax(zeros([0, 2], dtype), 0), ValueError, 'argMax', 'empty');
    refuse(`x.sum('1') (method, ${dtype})`, () => x().sum(any('1')), ArgumentTypeError, 'sum', 'axis');

    // --- layout -------------------------------------------------------------------------
    for (const shape of ['a', null, 6, [-1, -1], [2.5, 2], ['2', 3], [1n]]) {
      const cls = Array.isArray(shape) && shape.every((d) => typeof d === 'number') ? ValueError : ArgumentTypeError;
      refuse(`reshape(x, ${show(shape)}) (${dtype})`, () => op.reshape(x(), any(shape)), cls, 'reshape', 'shape');
    }
    refuse(`reshape (2, 3) into (4, 2) (${dtype})`, () => op.reshape(x(), [4, 2]), ShapeError, 'reshape', 'size 6');
    refuse(`x.reshape([-1, 4]) (${dtype})`, () => x().reshape([-1, 4]), ShapeError, 'reshape', 'size 6');
    for (const axis of ['0', 4, 1.5, null]) {
      refuse(`expandDims(x, ${show(axis)}) (${dtype})`, () => op.expandDims(x(), any(axis)), numberRefusal(axis), 'expandDims', 'axis');
      refuse(`squeeze(x, ${show(axis)}) (${dtype})`, () => op.squeeze(x(), any(axis)), numberRefusal(axis), 'squeeze', 'axis');
    }
    refuse(`squeeze an axis of size 3 (${dtype})`, () => op.squeeze(x(), 1), ShapeError, 'squeeze', 'axis 1');
    for (const v of NOT_TENSORS.slice(0, 4)) {
      refuse(`expandDims(${show(v)}, 0)`, () => op.expandDims(any(v), 0), ArgumentTypeError, 'expandDims', 'x');
      refuse(`transpose(${show(v)})`, () => op.transpose(any(v)), ArgumentTypeError, 'transpose', 'x');
      refuse(`slice(${show(v)}, [0])`, () => op.slice(any(v), [0]), ArgumentTypeError, 'slice', 'x');
      refuse(`gather(${show(v)}, [0])`, () => op.gather(any(v), [0]), ArgumentTypeError, 'gather', 'x');
      refuse(`cast(${show(v)}, 'float64')`, () => op.cast(any(v), 'float64'), ArgumentTypeError, 'cast', 'x');
    }
    for (const perm of ['ab', 5, [0, 0], [0], [0, '1'], [1, 2], [0.5, 1]]) {
      refuse(
        `transpose(x, ${show(perm)}) (${dtype})`,
        () => op.transpose(x(), any(perm)),
        Array.isArray(perm) ? ValueError : ArgumentTypeError,
        'transpose',
        'perm',
      );
    }
    for (const begin of ['0', null, [0], [0, 0, 0]]) {
      refuse(
        `slice(x, ${show(begin)}) (${dtype})`,
        () => op.slice(x(), any(begin)),
        Array.isArray(begin) ? ValueError : ArgumentTypeError,
        'slice',
        'begin',
      );
    }
    for (const [begin, cls, arg] of [
      [[-1, 0], ValueError, 'begin[0]'],
      [[0, 1.5], ValueError, 'begin[1]'],
      [[0, '1'], ArgumentTypeError, 'begin[1]'],
      [[3, 0], ValueError, 'axis 0'],
    ] as const) {
      refuse(`slice(x, ${show(begin)}) (${dtype})`, () => op.slice(x(), any(begin)), cls, 'slice', arg);
    }
    for (const [size, cls, arg] of [
      ['2', ArgumentTypeError, 'size'],
      [[1], ValueError, 'size'],
      [[1, -2], ValueError, 'size[1]'],
      [[1, 1.5], ValueError, 'size[1]'],
      [[3, 1], ValueError, 'axis 0'],
    ] as const) {
      refuse(`slice(x, [0, 0], ${show(size)}) (${dtype})`, () => op.slice(x(), [0, 0], any(size)), cls, 'slice', arg);
    }
    for (const xs of ['a', null, 5, {}]) refuse(`concat(${show(xs)})`, () => op.concat(any(xs)), ArgumentTypeError, 'concat', 'xs');
    refuse('concat([])', () => op.concat([]), ValueError, 'concat', 'xs');
    refuse(`concat([x, '1']) (${dtype})`, () => op.concat([x(), any('1')]), ArgumentTypeError, 'concat', 'xs[1]');
    refuse(
      `concat((2, 3), (3, 2)) along 1 (${dtype})`,
      () => op.concat([x(), sample(dtype, [3, 2])], 1),
      ShapeError,
      'concat',
      '(2, 3)',
      '(3, 2)',
    );
    for (const axis of ['0', 2, 1.5])
      refuse(`concat([x, x], ${show(axis)}) (${dtype})`, () => op.concat([x(), x()], any(axis)), numberRefusal(axis), 'concat', 'axis');
    for (const [indices, cls, arg] of [
      ['0', ArgumentTypeError, 'indices'],
      [null, ArgumentTypeError, 'indices'],
      [[1.5], ValueError, 'index 1.5'],
      [[2], ValueError, 'index 2'],
      [[-3], ValueError, 'index -3'],
      [['1'], ArgumentTypeError, 'indices[0]'],
      [[Number.NaN], ValueError, 'index NaN'],
    ] as const) {
      refuse(`gather(x, ${show(indices)}) (${dtype})`, () => op.gather(x(), any(indices)), cls, 'gather', arg);
    }
    refuse(`gather(x, 2-D indices) (${dtype})`, () => op.gather(x(), zeros([1, 2], 'int32')), ShapeError, 'gather', 'indices');
    for (const axis of ['0', 2])
      refuse(`gather(x, [0], ${show(axis)}) (${dtype})`, () => op.gather(x(), [0], any(axis)), numberRefusal(axis), 'gather', 'axis');

    // --- autodiff -----------------------------------------------------------------------
    for (const f of [null, 'f', 5, {}]) {
      refuse(`grad(${show(f)})`, () => grad(any(f)), ArgumentTypeError, 'grad', 'f');
      refuse(`valueAndGrad(${show(f)})`, () => valueAndGrad(any(f)), ArgumentTypeError, 'valueAndGrad', 'f');
      refuse(`gradCheck(${show(f)}, [x])`, () => gradCheck(any(f), [x()]), ArgumentTypeError, 'gradCheck', 'f');
    }
    for (const v of NOT_TENSORS.slice(0, 5)) {
      refuse(`grad(f)(${show(v)})`, () => grad((t: Tensor) => op.sum(t))(any(v)), ArgumentTypeError, 'valueAndGrad', 'argument 0');
    }
    for (const v of NOT_TENSORS.slice(0, 4)) {
      refuse(`vjp(f, ${show(v)})`, () => vjp((t: Tensor) => op.exp(t), any(v)), ArgumentTypeError, 'vjp', 'argument 0');
      refuse(
        `vjp(f, x).backward(${show(v)}) (${dtype})`,
        () => vjp((t: Tensor) => op.exp(t), x()).backward(any(v)),
        ArgumentTypeError,
        'vjp.backward',
        'dy',
      );
    }
    refuse(`vjp('f', x)`, () => vjp(any('f'), x()), ArgumentTypeError, 'vjp', 'f');
    refuse(
      `vjp(f, x).backward(dy of the wrong shape) (${dtype})`,
      () => vjp((t: Tensor) => op.exp(t), x()).backward(sample(dtype, [3, 2])),
      ShapeError,
      'vjp.backward',
      'dy',
      '(2, 3)',
    );
    refuse(`grad of a non-scalar f (${dtype})`, () => grad((t: Tensor) => op.exp(t))(x()), ShapeError, 'grad', 'size 1', '(2, 3)');
    refuse(`grad of an f returning a number (${dtype})`, () => grad((_t: Tensor) => any(3))(x()), ArgumentTypeError, 'grad', "f's result");
    for (const eps of [0, -1, ...NON_FINITE, '1e-6', 2]) {
      refuse(
        `gradCheck(f, [x], ${show(eps)}) (${dtype})`,
        () => gradCheck((t) => op.sum(t), [x()], any(eps)),
        numberRefusal(eps),
        'gradCheck',
        'epsilon',
      );
    }
    refuse(`gradCheck(f, 'x')`, () => gradCheck((t) => op.sum(t), any('x')), ArgumentTypeError, 'gradCheck', 'args');
    refuse(`gradCheck(f, [1])`, () => gradCheck((t) => op.sum(t), any([1])), ArgumentTypeError, 'gradCheck', 'args[0]');

    // --- conv and pooling (the course's layouts) -----------------------------------------
    const img = () => sample(dtype, [1, 4, 4, 2]);
    const filt = () => sample(dtype, [2, 2, 2, 3]);
    for (const v of NOT_TENSORS.slice(0, 4)) {
      refuse(`conv2d(${show(v)}, W)`, () => op.conv2d(any(v), filt()), NeuriteError, 'conv2d', 'A_prev');
      refuse(`conv2d(A, ${show(v)})`, () => op.conv2d(img(), any(v)), NeuriteError, 'conv2d', 'W');
      refuse(`maxPool2d(${show(v)})`, () => op.maxPool2d(any(v), { poolSize: 2 } as Loose), NeuriteError, 'maxPool2d', 'A_prev');
    }
    refuse(`conv2d: 3-D image (${dtype})`, () => op.conv2d(sample(dtype, [4, 4, 2]), filt()), ShapeError, 'conv2d', '4-D');
    refuse(`conv2d: channels differ (${dtype})`, () => op.conv2d(sample(dtype, [1, 4, 4, 3]), filt()), ShapeError, 'conv2d');
    for (const s of [0, -1, 1.5, '1', [1], null]) {
      refuse(
        `conv2d(A, W, { stride: ${show(s)} }) (${dtype})`,
        () => op.conv2d(img(), filt(), any({ stride: s })),
        ValueError,
        'conv2d',
        'stride',
      );
    }
    refuse(`conv2d(A, W, { strides: 1 }) (${dtype})`, () => op.conv2d(img(), filt(), any({ strides: 1 })), ValueError, 'conv2d', 'strides');
    refuse(
      `conv2d(A, W, { padding: 'full' }) (${dtype})`,
      () => op.conv2d(img(), filt(), any({ padding: 'full' })),
      ValueError,
      'conv2d',
      'padding',
    );
    refuse(`pad(x, -1) (${dtype})`, () => op.pad(x(), any(-1)), ValueError, 'pad', 'padWidth');
    refuse(`pad(x, 1, NaN) (${dtype})`, () => op.pad(x(), 1, Number.NaN), ValueError, 'pad', 'value');
  }

  // --- shape helpers, the registry --------------------------------------------------------
  for (const shape of NOT_SHAPES.slice(0, 8)) {
    refuse(`sizeOf(${show(shape)})`, () => sizeOf(any(shape)), shapeRefusal(shape), 'sizeOf', 'shape');
    refuse(
      `broadcastShapes([2], ${show(shape)})`,
      () => broadcastShapes([2], any(shape)),
      shapeRefusal(shape),
      'broadcastShapes',
      'shapes[1]',
    );
  }
  refuse('broadcastShapes([2, 3], [3, 2])', () => broadcastShapes([2, 3], [3, 2]), ShapeError, 'broadcastShapes', '(2,3)', '(3,2)');
  refuse("formatShape('2,3')", () => formatShape(any('2,3')), ArgumentTypeError, 'formatShape', 'shape');
  refuse("setBackend('gpu')", () => setBackend('gpu'), BackendError, 'setBackend', "'gpu'");
  for (const name of [null, 5, {}])
    refuse(`setBackend(${show(name)})`, () => setBackend(any(name)), ArgumentTypeError, 'setBackend', 'name');
  refuse('item() of a (2, 3) tensor', () => sample('float32').item(), ShapeError, 'item', '(2, 3)');

  // --- valid edges still compute the right values ----------------------------------------------
  c('valid edges: size-0 shapes, NaN and Infinity as values and operands', () => {
    assert(zeros([0, 3]).size === 0, 'zeros([0, 3]) has no elements');
    assertClose(op.add(tensor([1, Number.NaN]), Number.POSITIVE_INFINITY), [Number.POSITIVE_INFINITY, Number.NaN], EXACT);
    assertClose(op.clip(tensor([-5, 0.5, 5]), 0, Number.POSITIVE_INFINITY), [0, 0.5, 5], EXACT);
    assertClose(full([2], Number.NaN), [Number.NaN, Number.NaN], EXACT);
    assertClose(arange(0), [], EXACT);
    assertClose(linspace(0, 1, 0), [], EXACT);
    assertClose(eye(0), [], EXACT);
    assertClose(op.sum(zeros([0, 3]), 0), [0, 0, 0], EXACT);
  });
  for (const dtype of FLOATS) {
    c(`pow follows IEEE 754 and numpy: 1^NaN = 1, (±1)^±Inf = 1, NaN^0 = 1 (${dtype})`, () => {
      const a = tensor([1, 1, 1, -1, -1, Number.NaN, Number.NaN, 2, -8, 0, 0], dtype);
      const b = tensor(
        [
          Number.NaN,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          0,
          1,
          0.5,
          1 / 3,
          0,
          -1,
        ],
        dtype,
      );
      // numpy: np.power(a, b) elementwise; (-8)^(1/3) is NaN for real powers.
      const want = [1, 1, 1, 1, 1, 1, Number.NaN, Math.fround(Math.SQRT2), Number.NaN, 1, Number.POSITIVE_INFINITY];
      assertClose(op.pow(a, b), dtype === 'float64' ? want.map((v, i) => (i === 7 ? Math.SQRT2 : v)) : want, {
        rtol: dtype === 'float32' ? 1e-7 : 1e-15,
      });
    });
  }
  c('leakyRelu accepts any positive finite slope', () => {
    assertClose(op.leakyRelu(tensor([-2, 3], 'float64'), 1.5), [-3, 3], EXACT);
  });
  return cases;
}
