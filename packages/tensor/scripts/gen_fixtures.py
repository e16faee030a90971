#!/usr/bin/env python3
"""Expected values for @neurite/tensor's tests, computed by numpy.

Writes
  src/testing/fixtures/conformance.ts  inputs and expected outputs of every op (conformance suite)
  src/testing/fixtures/generator.ts    numpy legacy RandomState streams (generator cases)
  test/fixtures/numpy.ts               creation functions and printing (tensor.test.ts)

Inputs are drawn from numpy with fixed seeds and rounded to float32, so the same input
is exact in both dtypes; expected values are computed in float64 from those inputs, and
the tests compare float32 results with a float32 tolerance and float64 results with a
float64 one. Run from anywhere:

    python3 packages/tensor/scripts/gen_fixtures.py
"""

import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)

# --------------------------------------------------------------------------- helpers


def num(x):
    """A JS literal for one number: shortest round-trip repr, Infinity/NaN spelled out."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x)) if not (x == 0 and math.copysign(1, x) < 0) else "-0"
    return repr(x)


def arr(a):
    a = np.asarray(a, dtype=np.float64)
    shape = ", ".join(str(d) for d in a.shape)
    data = ", ".join(num(v) for v in a.ravel())
    return "{ shape: [%s], data: [%s] }" % (shape, data)


def ints(xs):
    return "[%s]" % ", ".join(str(int(v)) for v in xs)


def f32(a):
    """float32-exact values held in float64."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def sigmoid(z):
    # The stable form: never exp of a positive number.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def softmax(z, axis):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z, axis):
    s = z - z.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def act(name, z, alpha=0.01):
    if name == "linear":
        return z
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    if name == "leakyRelu":
        return np.where(z < 0, alpha * z, z)
    raise ValueError(name)


def act_backward(name, dA, A, alpha=0.01):
    if name == "linear":
        return dA
    if name == "sigmoid":
        return dA * A * (1 - A)
    if name == "tanh":
        return dA * (1 - A * A)
    if name == "relu":
        return np.where(A > 0, dA, 0)
    if name == "leakyRelu":
        return np.where(A > 0, dA, alpha * dA)
    raise ValueError(name)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
erf = np.vectorize(math.erf)
erfc = np.vectorize(math.erfc)


def more_activations(I, X):
    """erf and the activations beyond the course's, forward (on ordinary and extreme inputs) and
    backward. Their own RandomState, so the inputs above keep their values. Slopes are written
    in terms of Z here, independently of the kernels' forms in terms of the output A."""
    ra = np.random.RandomState(20250101)
    I["Zact"] = f32(4 * ra.randn(5, 6))
    I["dAact"] = f32(ra.randn(5, 6))
    I["edgeAct"] = np.array([-1000.0, -50.0, -20.0, -5.0, -1e-3, -1e-8, 0.0, 1e-8, 1e-3, 0.5, 5.0, 20.0, 50.0, 1000.0])
    I["onesAct"] = np.ones(14)
    Z, dA, edge = I["Zact"], I["dAact"], I["edgeAct"]
    sig = lambda z: sigmoid(z)
    Phi = lambda z: 0.5 * erfc(-z / math.sqrt(2))
    phi = lambda z: np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        fwd = {
            "erf": erf,
            "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
            "elu_0.5": lambda z: np.where(z > 0, z, 0.5 * np.expm1(np.minimum(z, 0))),
            "selu": lambda z: SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0))),
            "gelu": lambda z: z * Phi(z),
            "softplus": lambda z: np.logaddexp(0, z),
            "silu": lambda z: z * sig(z),
        }
        slope = {
            "elu": lambda z: np.where(z > 0, 1.0, 0.1 * np.exp(np.minimum(z, 0))),
            "selu": lambda z: np.where(z > 0, SELU_SCALE, SELU_SCALE * SELU_ALPHA * np.exp(np.minimum(z, 0))),
            "softplus": sig,
            "gelu": lambda z: Phi(z) + z * phi(z),
            "silu": lambda z: sig(z) * (1 + z * (1 - sig(z))),
        }
        for name, f in fwd.items():
            X[name] = f(Z)
            X["%s_edge" % name] = f(edge)
        for name, g in slope.items():
            X["backward_%s" % name] = dA * g(Z)
        for name in ("gelu", "silu"):
            X["backward_%s_edge" % name] = slope[name](edge)
        X["erf_grad"] = 2 / math.sqrt(math.pi) * np.exp(-Z * Z)


def write(path, header, body):
    full = os.path.join(PKG, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write("// biome-ignore-all format: generated by scripts/gen_fixtures.py\n")
        f.write("// biome-ignore-all lint: numbers from numpy, not hand-typed constants\n")
        f.write("// Generated by packages/tensor/scripts/gen_fixtures.py with numpy %s; do not edit.\n" % np.__version__)
        f.write("// Regenerate: python3 packages/tensor/scripts/gen_fixtures.py\n")
        f.write(header)
        f.write(body)
    print("wrote %s (%d bytes)" % (path, os.path.getsize(full)))


# --------------------------------------------------------------------------- conformance


def conformance():
    rs = np.random.RandomState(20240601)
    I = {}
    I["A"] = f32(rs.randn(4, 3))
    I["B"] = f32(rs.randn(4, 3))
    I["P"] = f32(rs.uniform(0.5, 2.0, (4, 3)))
    I["E"] = f32(rs.uniform(-2.0, 2.0, (4, 3)))
    I["row"] = f32(rs.randn(1, 3))
    I["col"] = f32(rs.randn(4, 1))
    I["T"] = f32(rs.randn(2, 4, 3))
    I["T2"] = f32(rs.randn(2, 4, 2))
    I["v3"] = f32(rs.randn(3))
    I["v5"] = f32(rs.randn(5))
    I["one1"] = f32(rs.randn(1))
    I["empty03"] = np.zeros((0, 3))
    # Q equals A in about half its entries (and surely in some), so comparisons see ties.
    pick = rs.rand(4, 3) < 0.5
    pick.ravel()[[0, 5]] = False
    pick.ravel()[[1, 6]] = True
    I["Q"] = np.where(pick, I["B"], I["A"])
    I["mask41"] = np.array([[1.0], [0.0], [0.0], [1.0]])
    I["Z"] = f32(3 * rs.randn(4, 3))
    I["dA"] = f32(rs.randn(4, 3))
    I["G1"] = f32(rs.randn(3, 4))
    I["G2"] = f32(rs.randn(4, 5))
    I["G1t"] = I["G1"].T.copy()
    I["G2t"] = I["G2"].T.copy()
    I["S1"] = f32(rs.randn(4, 4))
    I["S2"] = f32(rs.randn(4, 4))
    I["W"] = f32(rs.randn(3, 4))
    I["X"] = f32(rs.randn(4, 5))
    I["b"] = f32(rs.randn(3, 1))
    I["edge"] = np.array([-1000.0, -20.0, -1.0, 0.0, 1.0, 20.0, 1000.0])
    I["nan23"] = np.array([[1.0, np.nan, 3.0], [-1.0, 2.0, -np.inf]])
    I["ones23"] = np.ones((2, 3))
    I["login"] = np.array([0.0, 1.0, 0.5, -1.0, np.inf])
    I["big"] = np.array([[1000.0, -1000.0, 0.0], [999.0, 1.0, -2.0]])
    I["param"] = f32(rs.randn(6))
    I["grad"] = f32(rs.randn(6))
    I["grad2"] = f32(rs.randn(6))

    A, B, P, E, row, col, T = I["A"], I["B"], I["P"], I["E"], I["row"], I["col"], I["T"]
    X = {}
    # Elementwise binary, same shapes and broadcast.
    X["add"] = A + B
    X["sub"] = A - B
    X["mul"] = A * B
    X["div"] = A / P
    X["pow"] = P ** E
    X["pow_scalar"] = A ** 2
    X["maximum"] = np.maximum(A, B)
    X["minimum"] = np.minimum(A, B)
    X["add_row"] = A + row
    X["sub_col"] = A - col
    X["mul_scalar"] = A * 1.5
    X["rsub_scalar"] = 1.5 - A
    X["div_scalar_by"] = 2.0 / P
    X["add_rank3_rank1"] = T + I["v3"]
    X["mul_rank3_row"] = T * row
    X["add_one1_v5"] = I["one1"] + I["v5"]
    X["add_row_col"] = row + col
    X["add_empty"] = I["empty03"] + row
    X["pow_row"] = P ** row
    X["maximum_col"] = np.maximum(A, col)
    # Comparisons write 1 or 0.
    Q = I["Q"]
    X["equal"] = (A == Q) * 1.0
    X["notEqual"] = (A != Q) * 1.0
    X["less"] = (A < Q) * 1.0
    X["lessEqual"] = (A <= Q) * 1.0
    X["greater"] = (A > Q) * 1.0
    X["greaterEqual"] = (A >= Q) * 1.0
    X["greater_row"] = (A > row) * 1.0
    X["less_scalar"] = (A < 0.25) * 1.0
    X["where"] = np.where(A > 0, A, B)
    X["where_bcast"] = np.where(I["mask41"] != 0, A, row)
    X["where_scalars"] = np.where(A > 0, 1.0, -2.0)
    X["clip"] = np.clip(A, -0.5, 0.5)
    X["sign"] = np.sign(A)
    X["square"] = np.square(A)
    # Unary.
    X["exp"] = np.exp(A)
    X["log"] = np.log(P)
    X["sqrt"] = np.sqrt(P)
    X["abs"] = np.abs(A)
    X["neg"] = -A
    # Activations and their backward forms.
    Z, dA = I["Z"], I["dA"]
    X["sigmoid"] = sigmoid(Z)
    X["tanh"] = np.tanh(Z)
    X["relu"] = np.maximum(Z, 0)
    X["leakyRelu"] = act("leakyRelu", Z, 0.01)
    X["leakyRelu_0.2"] = act("leakyRelu", Z, 0.2)
    for axis in (0, 1):
        X["softmax_%d" % axis] = softmax(Z, axis)
        X["logSoftmax_%d" % axis] = log_softmax(Z, axis)
        X["softmax_big_%d" % axis] = softmax(I["big"], axis)
        X["logSoftmax_big_%d" % axis] = log_softmax(I["big"], axis)
    X["softmax_T_1"] = softmax(T, 1)
    for name in ("linear", "sigmoid", "tanh", "relu", "leakyRelu"):
        Aout = act(name, Z, 0.1)
        X["backward_%s" % name] = act_backward(name, dA, Aout, 0.1)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        edge = I["edge"]
        X["sigmoid_edge"] = sigmoid(edge)
        X["tanh_edge"] = np.tanh(edge)
        X["exp_edge"] = np.exp(edge)
        X["log_edge"] = np.log(I["login"])
        X["max_nan"] = np.max(I["nan23"], axis=1)
        X["min_nan"] = np.min(I["nan23"], axis=0)
        X["max_nan_all"] = np.max(I["nan23"])
        X["maximum_nan"] = np.maximum(I["nan23"], I["ones23"])
        X["minimum_nan"] = np.minimum(I["ones23"], I["nan23"])
        X["relu_nan"] = np.maximum(I["nan23"], 0)
    # Reductions on the rank-3 T.
    for op, fn in (("sum", np.sum), ("mean", np.mean), ("max", np.max), ("min", np.min)):
        for tag, axis in (("0", 0), ("1", 1), ("2", 2), ("m1", -1), ("02", (0, 2)), ("all", None)):
            X["%s_%s" % (op, tag)] = fn(T, axis=axis)
            X["%s_%s_keep" % (op, tag)] = fn(T, axis=axis, keepdims=True)
    X["sum_empty"] = np.sum(I["empty03"], axis=0)
    X["argMax_0"] = np.argmax(T, axis=0)
    X["argMax_1"] = np.argmax(T, axis=1)
    X["argMax_2"] = np.argmax(T, axis=2)
    X["argMax_all"] = np.argmax(T)
    X["argMax_nan"] = np.argmax(I["nan23"], axis=1)
    # matmul with every transpose flag.
    G1, G2, S1, S2 = I["G1"], I["G2"], I["S1"], I["S2"]
    X["matmul"] = G1 @ G2
    X["matmul_sq_nn"] = S1 @ S2
    X["matmul_sq_tn"] = S1.T @ S2
    X["matmul_sq_nt"] = S1 @ S2.T
    X["matmul_sq_tt"] = S1.T @ S2.T
    W, Xin, b = I["W"], I["X"], I["b"]
    for name in ("linear", "sigmoid", "tanh", "relu", "leakyRelu"):
        X["linear_%s" % name] = act(name, W @ Xin + b, 0.1)
    X["linear_nobias"] = np.tanh(W @ Xin)
    more_activations(I, X)
    # Layout.
    X["reshape_34"] = A.reshape(3, 4)
    X["reshape_T"] = T.reshape(-1, 3)
    X["flatten_T"] = T.reshape(-1)
    X["expandDims_1"] = np.expand_dims(A, 1)
    X["expandDims_m1"] = np.expand_dims(A, -1)
    X["squeeze_col"] = np.squeeze(col)
    X["squeeze_row_0"] = np.squeeze(row, 0)
    X["transpose"] = A.T
    X["transpose_120"] = np.transpose(T, (1, 2, 0))
    X["transpose_201"] = np.transpose(T, (2, 0, 1))
    X["slice_T"] = T[1:2, 1:3, 0:]
    X["slice_A"] = A[1:, 0:]
    X["slice_mid"] = A[1:3, 1:2]
    X["slice_empty"] = A[2:2, :]
    X["concat_0"] = np.concatenate([A, B], 0)
    X["concat_1"] = np.concatenate([A, B, col], 1)
    X["concat_T_2"] = np.concatenate([T, I["T2"]], 2)
    X["gather_0"] = np.take(A, [2, 0, 2], axis=0)
    X["gather_1"] = np.take(A, [1, -1], axis=1)
    X["gather_T_1"] = np.take(T, [3, 0], axis=1)
    F = np.random.RandomState(7).randn(5)
    I["F"] = F
    X["cast_f32"] = F.astype(np.float32)
    I["trunc"] = np.array([-2.7, -0.5, 0.5, 2.7, 7.0])
    X["cast_i32"] = I["trunc"].astype(np.int32)
    # Optimizer kernels, in place on the backend.
    lr = 0.1
    X["sgd"] = I["param"] - lr * I["grad"]
    p, m, v = I["param"].copy(), np.zeros(6), np.zeros(6)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t, g in ((1, I["grad"]), (2, I["grad2"]), (3, I["grad"])):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    X["adam_param"], X["adam_m"], X["adam_v"] = p, m, v

    body = "export const inputs: Record<string, ArrayFixture> = {\n"
    body += "".join("  %s: %s,\n" % (key(k), arr(v)) for k, v in I.items())
    body += "};\n\nexport const expected: Record<string, ArrayFixture> = {\n"
    body += "".join("  %s: %s,\n" % (key(k), arr(v)) for k, v in X.items())
    body += "};\n"
    header = (
        "\n/** A numpy array: shape and C-order values (float64, or float32-exact for inputs). */\n"
        "export interface ArrayFixture {\n  shape: number[];\n  data: number[];\n}\n\n"
        "export const numpyVersion = '%s';\n\n" % np.__version__
    )
    write("src/testing/fixtures/conformance.ts", header, body)


def key(k):
    return k if k.replace("_", "a").isalnum() and not k[0].isdigit() else "'%s'" % k


# --------------------------------------------------------------------------- generator

SEEDS = [0, 1, 2, 42, 2**32 - 1]
RANDINT = [(0, 10, 8), (0, 16, 8), (0, 256, 6), (3, 4, 4), (-5, 5, 8), (0, 1000, 6), (0, 2**31, 4), (0, 2**32, 4), (7, 8, 2)]


def generator():
    out = []
    for s in SEEDS:
        rs = np.random.RandomState(s)
        rand5 = rs.rand(5)
        rs = np.random.RandomState(s)
        randn_a, randn_b, randn_c = rs.randn(3), rs.randn(3), rs.randn(1)
        rand2 = rs.rand(2)
        randn_d = rs.randn(1)
        state = rs.get_state()
        rs = np.random.RandomState(s)
        randint = [rs.randint(lo, hi, size=n) for lo, hi, n in RANDINT]
        rs = np.random.RandomState(s)
        perm10 = rs.permutation(10)
        shuffled = np.arange(7)
        rs.shuffle(shuffled)
        perm1 = rs.permutation(1)
        after = rs.rand(1)
        rs = np.random.RandomState(s)
        uniform = rs.uniform(-2.0, 3.0, size=4)
        rs = np.random.RandomState(s)
        rs.rand(5)
        rs.randn(1)
        mid = rs.get_state()
        out.append(
            "  {\n"
            "    seed: %d,\n    rand5: %s,\n" % (s, "[%s]" % ", ".join(num(v) for v in rand5))
            + "    randn3: [%s],\n" % ", ".join(num(v) for v in randn_a)
            + "    randn3b: [%s],\n" % ", ".join(num(v) for v in randn_b)
            + "    randn1: [%s],\n" % ", ".join(num(v) for v in randn_c)
            + "    rand2AfterRandn: [%s],\n" % ", ".join(num(v) for v in rand2)
            + "    randn1b: [%s],\n" % ", ".join(num(v) for v in randn_d)
            + "    posAfterRandn: %d,\n" % state[2]
            + "    randint: [%s],\n" % ", ".join(ints(r) for r in randint)
            + "    permutation10: %s,\n    shuffle7: %s,\n    permutation1: %s,\n" % (ints(perm10), ints(shuffled), ints(perm1))
            + "    randAfterShuffle: %s,\n" % num(after[0])
            + "    uniform: [%s],\n" % ", ".join(num(v) for v in uniform)
            + "    stateAfterRand5Randn1: { pos: %d, key0: %d, key623: %d, hasGauss: %s, gauss: %s },\n"
            % (mid[2], mid[1][0], mid[1][623], "true" if mid[3] else "false", num(mid[4]))
            + "  },\n"
        )
    header = (
        "\n/** numpy's legacy RandomState streams; randint ranges are (low, high, size) in `randintCalls` order. */\n"
        "export const randintCalls: [number, number, number][] = [%s];\n\n"
        % ", ".join("[%d, %d, %d]" % r for r in RANDINT)
    )
    write("src/testing/fixtures/generator.ts", header, "export const streams = [\n%s];\n" % "".join(out))


# --------------------------------------------------------------------------- creation and printing


def tensor_fixtures():
    creation = {
        "zeros23": np.zeros((2, 3)),
        "ones4": np.ones(4),
        "full22": np.full((2, 2), -2.5),
        "arange5": np.arange(5.0),
        "arange_2_11_3": np.arange(2.0, 11.0, 3.0),
        "arange_1_0_m025": np.arange(1.0, 0.0, -0.25),
        "arange_0_1_01": np.arange(0.0, 1.0, 0.1),
        "linspace_0_1_5": np.linspace(0, 1, 5),
        "linspace_0_312_200": np.linspace(0, 3.12, 200),
        "linspace_312_624_200": np.linspace(3.12, 6.24, 200),
        "linspace_m1_1_7": np.linspace(-1, 1, 7),
        "linspace_2_3_1": np.linspace(2, 3, 1),
        "eye3": np.eye(3),
        "eye23": np.eye(2, 3),
    }
    reprs = [
        [[1.5, -2.0], [3.0, 4.0]],
        [0.1, 0.25, 1 / 3],
        [1.0, 2.0, 3.0],
        [-0.5, 0.0, 12.125],
        [1e-5, 1.0, 1000.0],
        [1.5e-5, 2.0, 300.0],
        [1e8, 1.0],
        [float("nan"), 1.5, float("inf")],
        [float("nan"), 10.0, 200.0],
        [-1.5, float("nan")],
        [float("inf"), 1e-5, 1.0],
        [float("nan"), 1e9],
        np.arange(8.0).reshape(2, 2, 2).tolist(),
        np.arange(6.0).reshape(3, 2).tolist(),
        np.full(1001, 0.5).tolist(),
        [],
        3.25,
    ]
    lines = []
    for values in reprs:
        a = np.array(values, dtype=np.float64)
        lines.append("  { values: %s, shape: [%s], repr: %s },\n" % (
            "[%s]" % ", ".join(num(v) for v in a.ravel()),
            ", ".join(str(d) for d in a.shape),
            js_string(repr(a)),
        ))
    body = "export const creation: Record<string, number[]> = {\n"
    body += "".join("  %s: [%s],\n" % (key(k), ", ".join(num(v) for v in a.ravel())) for k, a in creation.items())
    body += "};\n\n/** Arrays and numpy's repr of them (float64). */\n"
    body += "export const reprs: { values: number[]; shape: number[]; repr: string }[] = [\n%s];\n" % "".join(lines)
    write("test/fixtures/numpy.ts", "\n", body)


def js_string(s):
    return "'%s'" % s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")


if __name__ == "__main__":
    if sys.version_info < (3, 8):
        sys.exit("python 3.8+ required")
    conformance()
    generator()
    tensor_fixtures()
    print("Regenerate with: python3 packages/tensor/scripts/gen_fixtures.py (needs numpy)")
