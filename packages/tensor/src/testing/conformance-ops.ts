import type { Activation } from '../backend.ts';
import type { FloatDType } from '../dtype.ts';
import * as op from '../ops/index.ts';
import { setBackend } from '../registry.ts';
import type { Tensor } from '../tensor.ts';
import {
  assertClose,
  assertDType,
  assertWithin,
  EXACT,
  fromFixture,
  gamma,
  gemmErrorBound,
  TOLERANCE,
  type Tolerance,
  UNIT_ROUNDOFF,
} from './assert.ts';
import { expected, inputs } from './fixtures/conformance.ts';
import type { ConformanceCase } from './index.ts';

/** Builds an op's result from fixture inputs, read in the dtype under test. */
type Build = (t: (name: string) => Tensor) => Tensor;

const ACTIVATE: Record<Activation, (Z: Tensor) => Tensor> = {
  linear: (Z) => Z,
  sigmoid: op.sigmoid,
  tanh: op.tanh,
  relu: op.relu,
  leakyRelu: (Z) => op.leakyRelu(Z, 0.1),
};

const REDUCE = { sum: op.sum, mean: op.mean, max: op.max, min: op.min };

/**
 * Every op against numpy, in both float dtypes. Each row names the fixture key
 * (scripts/gen_fixtures.py computes the same expression under that key) and the call.
 */
const ROWS: [string, Build][] = [
  ['add', (t) => op.add(t('A'), t('B'))],
  ['sub', (t) => op.sub(t('A'), t('B'))],
  ['mul', (t) => op.mul(t('A'), t('B'))],
  ['div', (t) => op.div(t('A'), t('P'))],
  ['pow', (t) => op.pow(t('P'), t('E'))],
  ['pow_scalar', (t) => op.pow(t('A'), 2)],
  ['maximum', (t) => op.maximum(t('A'), t('B'))],
  ['minimum', (t) => op.minimum(t('A'), t('B'))],
  ['add_row', (t) => op.add(t('A'), t('row'))],
  ['sub_col', (t) => op.sub(t('A'), t('col'))],
  ['mul_scalar', (t) => op.mul(t('A'), 1.5)],
  ['rsub_scalar', (t) => op.sub(1.5, t('A'))],
  ['div_scalar_by', (t) => op.div(2, t('P'))],
  ['add_rank3_rank1', (t) => op.add(t('T'), t('v3'))],
  ['mul_rank3_row', (t) => op.mul(t('T'), t('row'))],
  ['add_one1_v5', (t) => op.add(t('one1'), t('v5'))],
  ['add_row_col', (t) => op.add(t('row'), t('col'))],
  ['add_empty', (t) => op.add(t('empty03'), t('row'))],
  ['pow_row', (t) => op.pow(t('P'), t('row'))],
  ['maximum_col', (t) => op.maximum(t('A'), t('col'))],
  ['equal', (t) => op.equal(t('A'), t('Q'))],
  ['notEqual', (t) => op.notEqual(t('A'), t('Q'))],
  ['less', (t) => op.less(t('A'), t('Q'))],
  ['lessEqual', (t) => op.lessEqual(t('A'), t('Q'))],
  ['greater', (t) => op.greater(t('A'), t('Q'))],
  ['greaterEqual', (t) => op.greaterEqual(t('A'), t('Q'))],
  ['greater_row', (t) => op.greater(t('A'), t('row'))],
  ['less_scalar', (t) => op.less(t('A'), 0.25)],
  ['where', (t) => op.where(op.greater(t('A'), 0), t('A'), t('B'))],
  ['where_bcast', (t) => op.where(t('mask41'), t('A'), t('row'))],
  ['where_scalars', (t) => op.where(op.greater(t('A'), 0), 1, -2)],
  ['clip', (t) => op.clip(t('A'), -0.5, 0.5)],
  ['sign', (t) => op.sign(t('A'))],
  ['square', (t) => op.square(t('A'))],
  ['exp', (t) => op.exp(t('A'))],
  ['log', (t) => op.log(t('P'))],
  ['sqrt', (t) => op.sqrt(t('P'))],
  ['abs', (t) => op.abs(t('A'))],
  ['neg', (t) => op.neg(t('A'))],
  ['sigmoid', (t) => op.sigmoid(t('Z'))],
  ['tanh', (t) => op.tanh(t('Z'))],
  ['relu', (t) => op.relu(t('Z'))],
  ['leakyRelu', (t) => op.leakyRelu(t('Z'))],
  ['leakyRelu_0.2', (t) => op.leakyRelu(t('Z'), 0.2)],
  ['softmax_0', (t) => op.softmax(t('Z'))],
  ['softmax_1', (t) => op.softmax(t('Z'), 1)],
  ['logSoftmax_0', (t) => op.logSoftmax(t('Z'), 0)],
  ['logSoftmax_1', (t) => op.logSoftmax(t('Z'), -1)],
  ['softmax_big_0', (t) => op.softmax(t('big'), 0)],
  ['softmax_big_1', (t) => op.softmax(t('big'), 1)],
  ['logSoftmax_big_0', (t) => op.logSoftmax(t('big'), 0)],
  ['logSoftmax_big_1', (t) => op.logSoftmax(t('big'), 1)],
  ['softmax_T_1', (t) => op.softmax(t('T'), 1)],
  ...(['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'] as Activation[]).map((a): [string, Build] => [
    `backward_${a}`,
    (t) => op.activationBackward(a, t('dA'), ACTIVATE[a](t('Z')), 0.1),
  ]),
  ...moreActivationRows(),
  ['sigmoid_edge', (t) => op.sigmoid(t('edge'))],
  ['tanh_edge', (t) => op.tanh(t('edge'))],
  ['exp_edge', (t) => op.exp(t('edge'))],
  ['log_edge', (t) => op.log(t('login'))],
  ['max_nan', (t) => op.max(t('nan23'), 1)],
  ['min_nan', (t) => op.min(t('nan23'), 0)],
  ['max_nan_all', (t) => op.max(t('nan23'))],
  ['maximum_nan', (t) => op.maximum(t('nan23'), t('ones23'))],
  ['minimum_nan', (t) => op.minimum(t('ones23'), t('nan23'))],
  ['relu_nan', (t) => op.relu(t('nan23'))],
  ...reductionRows(),
  ['sum_empty', (t) => op.sum(t('empty03'), 0)],
  ['matmul', (t) => op.matmul(t('G1'), t('G2'))],
  ['matmul', (t) => op.matmul(t('G1t'), t('G2'), { transA: true })],
  ['matmul', (t) => op.matmul(t('G1'), t('G2t'), { transB: true })],
  ['matmul', (t) => op.matmul(t('G1t'), t('G2t'), { transA: true, transB: true })],
  ['matmul_sq_nn', (t) => op.matmul(t('S1'), t('S2'))],
  ['matmul_sq_tn', (t) => op.matmul(t('S1'), t('S2'), { transA: true })],
  ['matmul_sq_nt', (t) => op.matmul(t('S1'), t('S2'), { transB: true })],
  ['matmul_sq_tt', (t) => op.matmul(t('S1'), t('S2'), { transA: true, transB: true })],
  ...(['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'] as Activation[]).map((a): [string, Build] => [
    `linear_${a}`,
    (t) => op.linear(t('W'), t('X'), t('b'), a, 0.1),
  ]),
  ['linear_nobias', (t) => op.linear(t('W'), t('X'), null, 'tanh')],
  ['reshape_34', (t) => op.reshape(t('A'), [3, 4])],
  ['reshape_T', (t) => op.reshape(t('T'), [-1, 3])],
  ['flatten_T', (t) => op.flatten(t('T'))],
  ['expandDims_1', (t) => op.expandDims(t('A'), 1)],
  ['expandDims_m1', (t) => op.expandDims(t('A'), -1)],
  ['squeeze_col', (t) => op.squeeze(t('col'))],
  ['squeeze_row_0', (t) => op.squeeze(t('row'), 0)],
  ['transpose', (t) => op.transpose(t('A'))],
  ['transpose', (t) => op.permute(t('A'), [1, 0])],
  ['transpose', (t) => t('A').T],
  ['transpose_120', (t) => op.transpose(t('T'), [1, 2, 0])],
  ['transpose_201', (t) => op.transpose(t('T'), [2, 0, 1])],
  ['slice_T', (t) => op.slice(t('T'), [1, 1, 0], [1, 2, -1])],
  ['slice_A', (t) => op.slice(t('A'), [1, 0])],
  ['slice_mid', (t) => op.slice(t('A'), [1, 1], [2, 1])],
  ['slice_empty', (t) => op.slice(t('A'), [2, 0], [0, 3])],
  ['concat_0', (t) => op.concat([t('A'), t('B')], 0)],
  ['concat_1', (t) => op.concat([t('A'), t('B'), t('col')], 1)],
  ['concat_T_2', (t) => op.concat([t('T'), t('T2')], -1)],
  ['gather_0', (t) => op.gather(t('A'), [2, 0, 2], 0)],
  ['gather_1', (t) => op.gather(t('A'), [1, -1], 1)],
  ['gather_T_1', (t) => op.gather(t('T'), [3, 0], 1)],
];

/** erf and the activations beyond the course's: forward, extremes, and backward from A (from Z for gelu and silu). */
function moreActivationRows(): [string, Build][] {
  const fwd: [string, (Z: Tensor) => Tensor][] = [
    ['erf', op.erf],
    ['elu', (Z) => op.elu(Z)],
    ['elu_0.5', (Z) => op.elu(Z, 0.5)],
    ['selu', op.selu],
    ['gelu', op.gelu],
    ['softplus', op.softplus],
    ['silu', op.swish],
  ];
  const rows: [string, Build][] = [];
  for (const [key, f] of fwd) rows.push([key, (t) => f(t('Zact'))], [`${key}_edge`, (t) => f(t('edgeAct'))]);
  rows.push(
    ['backward_elu', (t) => op.activationBackward('elu', t('dAact'), op.elu(t('Zact'), 0.1), 0.1)],
    ['backward_selu', (t) => op.seluBackward(t('dAact'), op.selu(t('Zact')))],
    ['backward_softplus', (t) => op.softplusBackward(t('dAact'), op.softplus(t('Zact')))],
    ['backward_gelu', (t) => op.geluBackward(t('dAact'), t('Zact'))],
    ['backward_silu', (t) => op.activationBackward('silu', t('dAact'), t('Zact'))],
    ['backward_gelu_edge', (t) => op.geluBackward(t('onesAct'), t('edgeAct'))],
    ['backward_silu_edge', (t) => op.siluBackward(t('onesAct'), t('edgeAct'))],
  );
  return rows;
}

function reductionRows(): [string, Build][] {
  const axes: [string, number | number[] | undefined][] = [
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['m1', -1],
    ['02', [0, 2]],
    ['all', undefined],
  ];
  const rows: [string, Build][] = [];
  for (const [name, reduce] of Object.entries(REDUCE)) {
    for (const [tag, axis] of axes) {
      rows.push([`${name}_${tag}`, (t) => reduce(t('T'), axis)]);
      rows.push([`${name}_${tag}_keep`, (t) => reduce(t('T'), axis, true)]);
    }
  }
  return rows;
}

/**
 * Products and reductions err in proportion to the magnitudes they sum, not to the result
 * (which may cancel to near zero): γ_{K+1}·(|W|·|X|) for matmul and linear (gemmErrorBound;
 * the bias adds one term, the activation is 1-Lipschitz and rounds once more), and
 * γ_{n+1}·n·max|x| for a sum or mean of n elements (max|x| over the whole input: looser than
 * Σ|x| along the axis, and computed here rather than by the backend under test).
 */
function errorBound(key: string, t: (name: string) => Tensor, dtype: FloatDType): ArrayLike<number> | null {
  const u = UNIT_ROUNDOFF[dtype];
  const fixture = expected[key];
  const matmul: Record<string, [string, string, boolean, boolean]> = {
    matmul: ['G1', 'G2', false, false],
    matmul_sq_nn: ['S1', 'S2', false, false],
    matmul_sq_tn: ['S1', 'S2', true, false],
    matmul_sq_nt: ['S1', 'S2', false, true],
    matmul_sq_tt: ['S1', 'S2', true, true],
  };
  if (matmul[key]) {
    const [a, b, transA, transB] = matmul[key];
    return gemmErrorBound(t(a), t(b), { transA, transB, dtype });
  }
  if (key.startsWith('linear_')) {
    const W = t('W');
    const b = t('b');
    const k = W.shape[1];
    const bound = gemmErrorBound(W, t('X'), { dtype });
    const n = t('X').shape[1];
    return bound.map((e, i) => e + gamma(k + 2, dtype) * Math.abs(b.data[Math.floor(i / n)]) + 2 * u * Math.abs(fixture.data[i]));
  }
  const reduction = /^(sum|mean)_(\w+?)(_keep)?$/.exec(key);
  if (reduction && key !== 'sum_empty') {
    const T = t('T');
    const axis = { '0': [0], '1': [1], '2': [2], m1: [2], '02': [0, 2], all: [0, 1, 2] }[reduction[2]] as number[];
    const count = axis.reduce((c, a) => c * T.shape[a], 1);
    const maxAbs = Math.max(...Array.from(T.data, Math.abs));
    const perTerm = reduction[1] === 'sum' ? maxAbs : maxAbs / count;
    return new Float64Array(fixture.data.length).fill(gamma(count + 1, dtype) * count * perTerm + u * maxAbs);
  }
  return null;
}

function inputReader(dtype: FloatDType): (name: string) => Tensor {
  return (name) => {
    const f = inputs[name];
    if (!f) throw new Error(`conformance: no fixture input '${name}'`);
    return fromFixture(f, dtype);
  };
}

export function opCases(backendName: string): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const seen = new Map<string, number>();
  for (const [key, build] of ROWS) {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    for (const dtype of ['float32', 'float64'] as const) {
      cases.push({
        name: `op ${key}${n > 1 ? ` #${n}` : ''} ${dtype}`,
        fn: () => {
          setBackend(backendName);
          const want = expected[key];
          if (!want) throw new Error(`conformance: no fixture expected '${key}'`);
          const got = build(inputReader(dtype));
          assertDType(got, dtype, key);
          const bound = errorBound(key, inputReader(dtype), dtype);
          if (bound) assertWithin(got, want, bound, key);
          else assertClose(got, want, TOLERANCE[dtype], key);
        },
      });
    }
  }
  return cases.concat(exactCases(backendName));
}

/** Ops whose results are integers or exact roundings: no tolerance at all. */
function exactCases(backendName: string): ConformanceCase[] {
  const exact = (name: string, key: string, dtype: 'int32' | FloatDType, build: () => Tensor, tol: Tolerance = EXACT) => ({
    name,
    fn: () => {
      setBackend(backendName);
      const got = build();
      assertDType(got, dtype, key);
      assertClose(got, expected[key], tol, key);
    },
  });
  const cases: ConformanceCase[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    const t = inputReader(dtype);
    cases.push(
      exact(`argMax axis 0 ${dtype}`, 'argMax_0', 'int32', () => op.argMax(t('T'), 0)),
      exact(`argMax axis 1 ${dtype}`, 'argMax_1', 'int32', () => op.argMax(t('T'), 1)),
      exact(`argMax axis 2 ${dtype}`, 'argMax_2', 'int32', () => t('T').argMax(-1)),
      exact(`argMax flattened ${dtype}`, 'argMax_all', 'int32', () => op.argMax(t('T'))),
      exact(`argMax NaN wins ${dtype}`, 'argMax_nan', 'int32', () => op.argMax(t('nan23'), 1)),
    );
  }
  cases.push(
    exact('cast float64 -> float32 rounds like numpy', 'cast_f32', 'float32', () => op.cast(fromFixture(inputs.F, 'float64'), 'float32')),
    exact('cast float64 -> int32 truncates like numpy', 'cast_i32', 'int32', () => op.cast(fromFixture(inputs.trunc, 'float64'), 'int32')),
    exact('cast float32 -> float64 keeps values', 'cast_f32', 'float64', () =>
      op.cast(op.cast(fromFixture(inputs.F, 'float64'), 'float32'), 'float64'),
    ),
  );
  return cases;
}
