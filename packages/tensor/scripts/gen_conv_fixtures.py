"""Conformance fixtures for conv2d, its two gradients, the pools and pad, from PyTorch.

Run with a Python that has torch and numpy (never needed by CI, which reads the committed output):

    python3 -m venv /work/venv-torch && /work/venv-torch/bin/pip install torch numpy
    /work/venv-torch/bin/python packages/tensor/scripts/gen_conv_fixtures.py

Inputs are not stored: each case names a seed, and the test draws the same values with
Neurite's numpy-compatible Generator (`uniform(-1, 1, shape, 'float32')`, in the order x, W,
bias, dy), which is numpy's legacy RandomState stream rounded to float32. References are
computed in float64 from those float32-exact values:
- conv2d and its gradients with torch.nn.functional.conv2d and autograd (NCHW, so the course's
  (m, n_H, n_W, n_C) images and (f_h, f_w, n_C_prev, n_C) filters are permuted in and out;
  TensorFlow's 'same' and per-side padding are applied with F.pad first);
- the pools with the course's loops in numpy (pool_forward and pool_backward with the mask
  x == max(x), where ties all receive the gradient), checked here against torch's
  max_pool2d / avg_pool2d wherever torch can express the case and the window maxima are unique;
- pad with np.pad.
Every torch result is also checked against a direct numpy loop implementation of the same
definition, so a permutation mistake in this script cannot go unnoticed.
"""

import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
torch.set_default_dtype(torch.float64)


def num(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0" if math.copysign(1, x) > 0 else "-0"
    return repr(x)


def arr(a, fmt=num):
    a = np.asarray(a, dtype=np.float64)
    return "{ shape: [%s], data: [%s] }" % (", ".join(str(d) for d in a.shape), ", ".join(fmt(v) for v in a.ravel()))


def scale(v):
    """An error scale, rounded up to 3 digits: it only sizes a tolerance."""
    return "%.3g" % (float(v) * 1.001)


def draw(rs, shape):
    return rs.uniform(-1, 1, shape).astype(np.float32).astype(np.float64)


def pair(v, default):
    if v is None:
        return default
    return (v, v) if isinstance(v, int) else tuple(v)


def same_sides(n, span, s):
    out = -(-n // s)
    total = max((out - 1) * s + span - n, 0)
    return total // 2, total - total // 2


def sides(padding, spans, hw, strides):
    """(top, bottom, left, right), as Neurite's ops/window.ts resolves them."""
    if padding is None or padding == "valid":
        return 0, 0, 0, 0
    if padding == "same":
        return same_sides(hw[0], spans[0], strides[0]) + same_sides(hw[1], spans[1], strides[1])
    if isinstance(padding, int):
        return padding, padding, padding, padding
    if isinstance(padding[0], (list, tuple)):
        return padding[0][0], padding[0][1], padding[1][0], padding[1][1]
    return padding[0], padding[0], padding[1], padding[1]


# --------------------------------------------------------------------------- conv2d


def conv_torch(x, W, b, o):
    """Z, dx, dW, db for dy, with autograd."""
    stride = pair(o.get("stride"), (1, 1))
    dil = pair(o.get("dilation"), (1, 1))
    fh, fw = W.shape[0], W.shape[1]
    spans = (dil[0] * (fh - 1) + 1, dil[1] * (fw - 1) + 1)
    t, bo, l, r = sides(o.get("padding"), spans, x.shape[1:3], stride)
    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    Wt = torch.tensor(W.transpose(3, 2, 0, 1), requires_grad=True)
    bt = torch.tensor(b, requires_grad=True) if b is not None else None
    Zt = F.conv2d(F.pad(xt, (l, r, t, bo)), Wt, bt, stride=stride, dilation=dil)
    return Zt, xt, Wt, bt, (t, bo, l, r), stride, dil


def conv_numpy(x, W, b, pads, stride, dil):
    """The definition, term by term (the course's conv_forward, generalized)."""
    t, bo, l, r = pads
    xp = np.pad(x, ((0, 0), (t, bo), (l, r), (0, 0)))
    m, H, Wd, C = xp.shape
    fh, fw, _, n = W.shape
    oh = (H - dil[0] * (fh - 1) - 1) // stride[0] + 1
    ow = (Wd - dil[1] * (fw - 1) - 1) // stride[1] + 1
    Z = np.zeros((m, oh, ow, n))
    for i in range(oh):
        for j in range(ow):
            win = xp[:, i * stride[0] : i * stride[0] + dil[0] * (fh - 1) + 1 : dil[0], j * stride[1] : j * stride[1] + dil[1] * (fw - 1) + 1 : dil[1], :]
            Z[:, i, j, :] = np.tensordot(win, W, axes=([1, 2, 3], [0, 1, 2]))
    return Z + (b if b is not None else 0)


CONV = [
    ("valid", 1, (2, 5, 6, 3), (3, 3, 3, 4), False, {}),
    ("course pad 2 stride 2 bias", 2, (2, 4, 4, 3), (2, 2, 3, 8), True, {"stride": 2, "padding": 2}),
    ("same 3x3 bias", 3, (2, 5, 5, 2), (3, 3, 2, 3), True, {"padding": "same"}),
    ("same stride 2 even kernel", 4, (1, 7, 6, 2), (2, 4, 2, 3), False, {"padding": "same", "stride": 2}),
    ("per-side padding stride [2, 1]", 5, (2, 6, 5, 3), (3, 2, 3, 2), False, {"padding": [[1, 0], [2, 1]], "stride": [2, 1]}),
    ("dilation 2 padding 2", 6, (2, 7, 7, 2), (3, 3, 2, 3), False, {"dilation": 2, "padding": 2}),
    ("dilation [2, 1] stride [1, 2] padding [1, 0]", 7, (1, 8, 7, 3), (2, 3, 3, 2), True, {"dilation": [2, 1], "stride": [1, 2], "padding": [1, 0]}),
    ("pointwise 1x1 bias", 8, (2, 3, 4, 5), (1, 1, 5, 3), True, {}),
    ("1x1 stride 2", 9, (1, 5, 5, 2), (1, 1, 2, 2), False, {"stride": 2}),
    ("filter the size of the input", 10, (2, 3, 3, 2), (3, 3, 2, 4), True, {}),
    ("one input channel, same", 11, (3, 6, 6, 1), (3, 3, 1, 4), True, {"padding": "same"}),
    ("stride 3 beyond the kernel, padding 1", 12, (1, 7, 7, 2), (2, 2, 2, 2), False, {"stride": 3, "padding": 1}),
    ("dilation [2, 3] same stride 2", 13, (2, 9, 8, 2), (3, 2, 2, 3), True, {"dilation": [2, 3], "padding": "same", "stride": 2}),
]


def conv_cases():
    out = []
    for name, seed, xs, ws, has_bias, o in CONV:
        rs = np.random.RandomState(seed)
        x, W = draw(rs, xs), draw(rs, ws)
        b = draw(rs, (ws[3],)) if has_bias else None
        Zt, xt, Wt, bt, pads, stride, dil = conv_torch(x, W, b, o)
        Z = Zt.detach().numpy().transpose(0, 2, 3, 1)
        ref = conv_numpy(x, W, b, pads, stride, dil)
        assert np.allclose(Z, ref, rtol=1e-13, atol=1e-13), name
        dy = draw(rs, Z.shape)
        Zt.backward(torch.tensor(dy.transpose(0, 3, 1, 2)))
        dx = xt.grad.numpy().transpose(0, 2, 3, 1)
        dW = Wt.grad.numpy().transpose(2, 3, 1, 0)
        # The adjoint identities <dy, Z(x)> = <dx, x> and <dy, Z(W)> = <dW, W> hold for a bilinear map.
        zb = Z - (b if b is not None else 0)
        assert abs(np.sum(dy * zb) - np.sum(dx * x)) < 1e-11 and abs(np.sum(dy * zb) - np.sum(dW * W)) < 1e-11, name
        # The same sums over |terms|: the scale of each result's rounding error (float32 tolerances).
        At, xa, Wa, _, _, _, _ = conv_torch(np.abs(x), np.abs(W), None, o)
        At.backward(torch.tensor(np.abs(dy).transpose(0, 3, 1, 2)))
        fields = [
            "    name: %s," % js(name),
            "    seed: %d," % seed,
            "    xShape: [%s]," % ", ".join(map(str, xs)),
            "    wShape: [%s]," % ", ".join(map(str, ws)),
            "    bias: %s," % ("true" if has_bias else "false"),
            "    options: %s," % js_obj(o),
            "    Z: %s," % arr(Z),
            "    dx: %s," % arr(dx),
            "    dW: %s," % arr(dW),
            "    db: %s," % (arr(bt.grad.numpy()) if has_bias else "null"),
            "    absZ: %s," % arr(At.detach().numpy().transpose(0, 2, 3, 1), scale),
            "    absDx: %s," % arr(xa.grad.numpy().transpose(0, 2, 3, 1), scale),
            "    absDW: %s," % arr(Wa.grad.numpy().transpose(2, 3, 1, 0), scale),
        ]
        out.append("  {\n%s\n  },\n" % "\n".join(fields))
    return "export const convCases: ConvCase[] = [\n%s];\n" % "".join(out)


# --------------------------------------------------------------------------- pools


def pool_numpy(x, f, stride, pads, mode, count_pad):
    """The course's pool_forward, with padding: padded cells never win and are not averaged."""
    t, bo, l, r = pads
    m, H, W, C = x.shape
    oh = (H + t + bo - f[0]) // stride[0] + 1
    ow = (W + l + r - f[1]) // stride[1] + 1
    A = np.zeros((m, oh, ow, C))
    for i in range(oh):
        for j in range(ow):
            h0, w0 = i * stride[0] - t, j * stride[1] - l
            hs, ws = slice(max(h0, 0), min(h0 + f[0], H)), slice(max(w0, 0), min(w0 + f[1], W))
            win = x[:, hs, ws, :]
            if mode == "max":
                A[:, i, j, :] = win.max(axis=(1, 2))
            else:
                count = f[0] * f[1] if count_pad else win.shape[1] * win.shape[2]
                A[:, i, j, :] = win.sum(axis=(1, 2)) / count
    return A


def pool_backward_numpy(x, dA, f, stride, pads, mode, count_pad):
    """The course's pool_backward: create_mask_from_window (x == max(x)) and distribute_value."""
    t, bo, l, r = pads
    m, H, W, C = x.shape
    dx = np.zeros_like(x)
    for n in range(m):
        for i in range(dA.shape[1]):
            for j in range(dA.shape[2]):
                h0, w0 = i * stride[0] - t, j * stride[1] - l
                hs, ws = slice(max(h0, 0), min(h0 + f[0], H)), slice(max(w0, 0), min(w0 + f[1], W))
                for c in range(C):
                    win = x[n, hs, ws, c]
                    if mode == "max":
                        dx[n, hs, ws, c] += (win == np.max(win)) * dA[n, i, j, c]
                    else:
                        count = f[0] * f[1] if count_pad else win.size
                        dx[n, hs, ws, c] += dA[n, i, j, c] / count
    return dx


POOL = [
    # name, seed, x shape, options, integers (ties), torch comparable
    ("course f 3 stride 2", 21, (2, 4, 4, 3), {"poolSize": 3, "stride": 2}, False),
    ("f 2 stride 1, overlapping", 22, (2, 5, 5, 3), {"poolSize": 2, "stride": 1}, False),
    ("default stride = window", 23, (1, 6, 4, 2), {"poolSize": 2}, False),
    ("same f 3 stride 2", 24, (1, 6, 7, 2), {"poolSize": 3, "stride": 2, "padding": "same"}, False),
    ("window [2, 3] stride [1, 2]", 25, (2, 5, 7, 2), {"poolSize": [2, 3], "stride": [1, 2]}, False),
    ("padding 1 f 3 stride 2", 26, (2, 5, 5, 2), {"poolSize": 3, "stride": 2, "padding": 1}, False),
    ("per-side padding", 27, (1, 5, 6, 2), {"poolSize": 2, "stride": 2, "padding": [[1, 0], [0, 1]]}, False),
    ("padding 1 counting the padding", 28, (2, 5, 5, 2), {"poolSize": 3, "stride": 2, "padding": 1, "countIncludePad": True}, False),
    ("ties: integers 0..2, f 2 stride 1", 29, (2, 4, 4, 2), {"poolSize": 2, "stride": 1}, True),
    ("ties: integers 0..1, f 3 stride 1 same", 30, (1, 4, 5, 2), {"poolSize": 3, "stride": 1, "padding": "same"}, True),
]


def pool_cases():
    out = []
    for name, seed, xs, o, ints in POOL:
        rs = np.random.RandomState(seed)
        x = rs.randint(0, 3 if "0..2" in name else 2, size=int(np.prod(xs))).reshape(xs).astype(np.float64) if ints else draw(rs, xs)
        f = pair(o["poolSize"], None)
        stride = pair(o.get("stride"), f)
        pads = sides(o.get("padding"), f, xs[1:3], stride)
        count_pad = o.get("countIncludePad", False)
        fields = ["    name: %s," % js(name), "    seed: %d," % seed, "    xShape: [%s]," % ", ".join(map(str, xs))]
        fields.append("    integers: %s," % ("true" if ints else "false"))
        fields.append("    options: %s," % js_obj(o))
        for mode in ("max", "avg"):
            A = pool_numpy(x, f, stride, pads, mode, count_pad)
            dA = draw(rs, A.shape)
            dx = pool_backward_numpy(x, dA, f, stride, pads, mode, count_pad)
            symmetric = pads[0] == pads[1] and pads[2] == pads[3]
            if symmetric and not ints:
                check_torch(x, dA, A, dx, f, stride, pads, mode, count_pad, name)
            fields.append("    %s: %s," % (mode, arr(A)))
            fields.append("    %sBackward: %s," % (mode, arr(dx)))
        out.append("  {\n%s\n  },\n" % "\n".join(fields))
    return "export const poolCases: PoolCase[] = [\n%s];\n" % "".join(out)


def check_torch(x, dA, A, dx, f, stride, pads, mode, count_pad, name):
    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    p = (pads[0], pads[2])
    if mode == "max":
        At = F.max_pool2d(xt, f, stride, p)
    else:
        At = F.avg_pool2d(xt, f, stride, p, count_include_pad=count_pad)
    At.backward(torch.tensor(dA.transpose(0, 3, 1, 2)))
    assert np.allclose(At.detach().numpy().transpose(0, 2, 3, 1), A, rtol=1e-13, atol=1e-15), (name, mode)
    assert np.allclose(xt.grad.numpy().transpose(0, 2, 3, 1), dx, rtol=1e-13, atol=1e-15), (name, mode)


# --------------------------------------------------------------------------- pad

PAD = [
    ("rank 3 per axis, value 0.5", 41, (2, 3, 4), [[1, 2], [0, 1], [3, 0]], 0.5),
    ("one number for every side", 42, (2, 3), 1, 0),
    ("[before, after] for every axis", 43, (3, 2), [2, 1], -1),
    ("the course's zero_pad, pad 2", 44, (2, 3, 3, 2), [[0, 0], [2, 2], [2, 2], [0, 0]], 0),
    ("nothing to pad", 45, (2, 2), 0, 7),
]


def pad_cases():
    out = []
    for name, seed, xs, width, value in PAD:
        rs = np.random.RandomState(seed)
        x = draw(rs, xs)
        y = np.pad(x, width, mode="constant", constant_values=value)
        out.append(
            "  { name: %s, seed: %d, xShape: [%s], padWidth: %s, value: %s, expected: %s },\n"
            % (js(name), seed, ", ".join(map(str, xs)), js_obj(width), num(value), arr(y))
        )
    return "export const padCases: PadCase[] = [\n%s];\n" % "".join(out)


# --------------------------------------------------------------------------- output


def js(s):
    return "'%s'" % s.replace("\\", "\\\\").replace("'", "\\'")


def js_obj(o):
    if isinstance(o, dict):
        return "{ %s }" % ", ".join("%s: %s" % (k, js_obj(v)) for k, v in o.items()) if o else "{}"
    if isinstance(o, (list, tuple)):
        return "[%s]" % ", ".join(js_obj(v) for v in o)
    if isinstance(o, bool):
        return "true" if o else "false"
    if isinstance(o, str):
        return js(o)
    return num(o)


HEADER = """
import type { ArrayFixture } from './conformance.ts';

/** Inputs are drawn by the test: Generator(seed).uniform(-1, 1, shape, 'float32') for x, W, bias, dy in turn. */
export interface ConvCase {
  name: string;
  seed: number;
  xShape: number[];
  wShape: number[];
  bias: boolean;
  options: Record<string, unknown>;
  Z: ArrayFixture;
  dx: ArrayFixture;
  dW: ArrayFixture;
  db: ArrayFixture | null;
  /** conv(|x|, |W|) and its gradients for |dy|: each result's sum of |terms|, the scale of its rounding error. */
  absZ: ArrayFixture;
  absDx: ArrayFixture;
  absDW: ArrayFixture;
}

/** x drawn as for ConvCase (or randint(0, k) when `integers`), then dA for max, then dA for avg. */
export interface PoolCase {
  name: string;
  seed: number;
  xShape: number[];
  integers: boolean;
  options: Record<string, unknown>;
  max: ArrayFixture;
  maxBackward: ArrayFixture;
  avg: ArrayFixture;
  avgBackward: ArrayFixture;
}

export interface PadCase {
  name: string;
  seed: number;
  xShape: number[];
  padWidth: unknown;
  value: number;
  expected: ArrayFixture;
}

export const torchVersion = '%s';

"""


def main():
    body = conv_cases() + "\n" + pool_cases() + "\n" + pad_cases()
    path = os.path.join(PKG, "src/testing/fixtures/conv.ts")
    with open(path, "w") as f:
        f.write("// biome-ignore-all format: generated by scripts/gen_conv_fixtures.py\n")
        f.write("// biome-ignore-all lint: numbers from PyTorch and numpy, not hand-typed constants\n")
        f.write("// Generated by packages/tensor/scripts/gen_conv_fixtures.py with torch %s, numpy %s; do not edit.\n" % (torch.__version__, np.__version__))
        f.write("// Regenerate: /work/venv-torch/bin/python packages/tensor/scripts/gen_conv_fixtures.py (needs torch)\n")
        f.write(HEADER % torch.__version__)
        f.write(body)
    print("wrote %s (%d bytes)" % (os.path.relpath(path), os.path.getsize(path)))


if __name__ == "__main__":
    if sys.version_info < (3, 8):
        sys.exit("python 3.8+ required")
    main()
