"""PyTorch side of the LeNet workloads (kind 'cnn', bench/src/workloads.ts CnnSpec): the network as
PyTorch users write it (nn.Sequential, autograd, torch.optim.Adam, F.cross_entropy on the logits),
from the data and initial weights main.ts wrote (Neurite's layouts, converted here), timed with
bench_numpy.time_step. Each workload is timed in NCHW and in channels_last and the faster is kept,
as for the convolutions (oneDNN prefers one or the other by shape). Every step reads its loss
back with .item()."""

import resource

import numpy as np
from bench_numpy import time_step


def lenet(torch, spec, weights):
    nn = torch.nn
    c1, c2 = spec["filters"]
    d1, d2 = spec["dense"]
    model = nn.Sequential(
        nn.Conv2d(1, c1, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(5 * 5 * c2, d1), nn.ReLU(),
        nn.Linear(d1, d2), nn.ReLU(),
        nn.Linear(d2, 10),
    )
    convs = [model[0], model[3]]
    linears = [model[7], model[9], model[11]]
    with torch.no_grad():
        # Neurite's conv W is (f, f, C_prev, C): PyTorch's weight is (C, C_prev, f, f).
        for l, conv in enumerate(convs, start=1):
            conv.weight.copy_(torch.from_numpy(weights[f"W{l}"]).permute(3, 2, 0, 1))
            conv.bias.copy_(torch.from_numpy(weights[f"b{l}"]).reshape(-1))
        # Dense W is (n, n_prev) in both. Neurite's Flatten orders features (row, column, channel),
        # nn.Flatten (channel, row, column): the first Linear's columns are permuted to match.
        W3 = torch.from_numpy(weights["W3"]).reshape(d1, 5, 5, c2).permute(0, 3, 1, 2).reshape(d1, -1)
        for l, (lin, W) in enumerate(zip(linears, [W3, None, None]), start=3):
            lin.weight.copy_(W if W is not None else torch.from_numpy(weights[f"W{l}"]))
            lin.bias.copy_(torch.from_numpy(weights[f"b{l}"]).reshape(-1))
    return model


def prepare(torch, spec, layout):
    files = spec["files"]
    n = spec["examples"]
    X = np.fromfile(files["X"], dtype="<f4")[: n * 784].reshape(n, 28, 28, 1)
    Y = np.fromfile(files["Y"], dtype="<f4")[: n * 10].reshape(n, 10)
    weights = {w["name"]: np.fromfile(w["path"], dtype="<f4").reshape(w["shape"]) for w in files["weights"]}
    fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
    x = torch.from_numpy(X).permute(0, 3, 1, 2).contiguous(memory_format=fmt)
    labels = torch.from_numpy(Y.argmax(axis=1))
    model = lenet(torch, spec, weights).to(memory_format=fmt)
    optimizer = torch.optim.Adam(model.parameters(), lr=spec["learningRate"], eps=1e-8)
    loss_fn = torch.nn.functional.cross_entropy
    b = spec["batch"]
    with torch.no_grad():
        loss0 = float(loss_fn(model(x[:b]), labels[:b]))

    def train_on(xb, yb):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        return loss.item()

    # One step first, so that a single timed run (a slow machine) does not include the first
    # call's one-time costs (oneDNN primitive creation, allocator warm-up).
    train_on(x[:b], labels[:b])
    if spec["pass"] == "step":
        return (lambda: train_on(x, labels)), loss0

    def epoch():
        for start in range(0, n - b + 1, b):
            train_on(x[start : start + b], labels[start : start + b])

    return epoch, loss0


def measure_cnn(torch, spec, timing):
    start_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best = None
    for layout in ("NCHW", "channels_last"):
        step, loss0 = prepare(torch, spec, layout)
        result = time_step(step, timing)
        result["layout"] = layout
        result["loss0"] = loss0
        if best is None or result["medianMs"] < best["medianMs"]:
            best = result
    best["rss"] = {"peakKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "startKB": start_kb}
    return best
