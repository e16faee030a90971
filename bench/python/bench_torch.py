"""PyTorch (CPU) side of Neurite's benchmark (convolutions, GEMM, elementwise, and the course's
training loops written by hand with torch ops, as bench_train.py's numpy ones): reads {workloads,
timing} (or {probe}) as JSON on stdin, answers JSON on stdout, with the timing rules of
bench_numpy.py. Run by a Python that has torch (never CI's): NEURITE_TORCH_PYTHON, or the
venv-torch beside the checkout (python3 -m venv ../venv-torch && ../venv-torch/bin/pip install torch).

The LeNet workloads (kind 'cnn') are in bench_cnn.py: nn.Sequential, autograd and torch.optim.Adam.

Each convolution is timed in PyTorch's default NCHW layout and in channels_last, and the faster is
reported (oneDNN prefers one or the other by shape): the peer at its best. Backward is
torch.ops.aten.convolution_backward with output_mask [input, weight] (what autograd runs for a conv
whose input and weight both need gradients, without autograd's bookkeeping around it)."""

import json
import resource
import sys

from bench_numpy import time_step


def main():
    request = json.load(sys.stdin)
    try:
        import torch
    except Exception as error:  # noqa: BLE001 - any import failure means: skip the column
        json.dump({"error": f"torch is not importable by {sys.executable}: {error}"}, sys.stdout)
        return
    reply = {"torch": torch.__version__, "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available()}
    if not request.get("probe"):
        reply["results"] = {w["id"]: measure(torch, w["spec"], request["timing"]) for w in request["workloads"]}
    json.dump(reply, sys.stdout)


def measure(torch, spec, timing):
    if spec["kind"] == "train":
        import numpy as np
        from bench_train import measure_training

        torch_trainers = (lambda np, s, X, Y: logistic(torch, s, X, Y), lambda np, s, X, Y: layered(torch, np, s, X, Y))
        return measure_training(np, spec, timing["train"], torch_trainers)
    if spec["kind"] == "cnn":
        from bench_cnn import measure_cnn

        return measure_cnn(torch, spec, timing)
    if spec["kind"] in ("gemm", "elementwise"):
        with torch.no_grad():
            return time_step(prepare_dense(torch, spec), timing)
    if spec["kind"] != "conv":
        return {"reason": f"n/a: the torch runner has no '{spec['kind']}' workload"}
    start_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best = None
    for layout in ("NCHW", "channels_last"):
        step = prepare(torch, spec, layout)
        with torch.no_grad():
            result = time_step(step, timing)
        result["layout"] = layout
        if best is None or result["medianMs"] < best["medianMs"]:
            best = result
    best["rss"] = {"peakKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "startKB": start_kb}
    return best


def prepare(torch, spec, layout):
    m, H, W, C, F, f = (spec[k] for k in ("m", "H", "W", "C", "F", "f"))
    g = torch.Generator().manual_seed(5)
    fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
    uniform = lambda *shape: (torch.rand(*shape, generator=g) * 2 - 1).contiguous(memory_format=fmt)  # noqa: E731
    x, w, dz = uniform(m, C, H, W), uniform(F, C, f, f), uniform(m, F, H, W)
    pad = [f // 2, f // 2]
    if spec["pass"] == "forward":
        return lambda: torch.nn.functional.conv2d(x, w, padding=pad)
    return lambda: torch.ops.aten.convolution_backward(dz, x, w, None, [1, 1], pad, [1, 1], False, [0, 0], 1, [True, True, False])


def prepare_dense(torch, spec):
    """GEMM (transposes as views, as numpy's a.T) and elementwise workloads, uniform in [-1, 1)."""
    dtype = torch.float32 if spec["dtype"] == "float32" else torch.float64
    g = torch.Generator().manual_seed(1)
    uniform = lambda *shape: torch.rand(*shape, generator=g, dtype=dtype) * 2 - 1  # noqa: E731
    if spec["kind"] == "gemm":
        M, N, K = spec["M"], spec["N"], spec["K"]
        a = uniform(K, M).T if spec["transA"] else uniform(M, K)
        b = uniform(N, K).T if spec["transB"] else uniform(K, N)
        return lambda: a @ b
    x, y = uniform(spec["size"]), uniform(spec["size"])
    positive = x.abs()
    return {
        "sigmoid": lambda: torch.sigmoid(x),
        "tanh": lambda: torch.tanh(x),
        "exp": lambda: torch.exp(x),
        "log": lambda: torch.log(positive),
        "sigmoidBackward": lambda: x * y * (1 - y),
        "add": lambda: x + y,
        "mul": lambda: x * y,
        "sum": lambda: x.sum(),
        "copy": lambda: x.clone(),
    }[spec["op"]]


def logistic(torch, spec, X, Y):
    """Week 2's propagate + optimize by hand in PyTorch (float32, no autograd)."""
    m, lr, every = spec["m"], spec["learningRate"], spec["costEvery"]
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    w = torch.zeros((X.shape[0], 1), dtype=torch.float32)
    b = torch.zeros((), dtype=torch.float32)

    def iterate(i):
        A = torch.sigmoid(w.T @ X + b)
        cost = None
        if i % every == 0:
            cost = float(-torch.sum(Y * torch.log(A) + (1 - Y) * torch.log(1 - A)) / m)
        dZ = A - Y
        w.sub_((X @ dZ.T) / m, alpha=lr)
        b.sub_(torch.sum(dZ) / m, alpha=lr)
        return cost

    return iterate


def layered(torch, np, spec, X, Y):
    """Weeks 3 and 4 by hand in PyTorch, op for op as bench_train.layered_trainer (no dA0,
    in-place updates): the peer's hand-written loop, from the same initial weights."""
    from bench_train import initial_weights

    m, lr, every = spec["m"], spec["learningRate"], spec["costEvery"]
    params = [[torch.from_numpy(W), torch.from_numpy(b)] for W, b in initial_weights(np, spec)]
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    acts = spec["activations"]
    L = len(params)
    forward = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}

    def iterate(i):
        A = X
        caches = []
        for (W, b), act in zip(params, acts):
            Z = torch.addmm(b, W, A)
            A_prev, A = A, forward[act](Z)
            caches.append((A_prev, Z, A))
        cost = None
        if i % every == 0:
            cost = float(-torch.sum(Y * torch.log(A) + (1 - Y) * torch.log(1 - A)) / m)
        dZ = A - Y
        grads = [None] * L
        dA = None
        for l in reversed(range(L)):
            A_prev, Z, A_l = caches[l]
            if l < L - 1:
                dZ = dA * (Z > 0) if acts[l] == "relu" else dA * (1 - A_l * A_l)
            grads[l] = ((dZ @ A_prev.T) / m, torch.sum(dZ, dim=1, keepdim=True) / m)
            if l > 0:
                dA = params[l][0].T @ dZ
        for (W, b), (dW, db) in zip(params, grads):
            W.sub_(dW, alpha=lr)
            b.sub_(db, alpha=lr)
        return cost

    return iterate


if __name__ == "__main__":
    main()
