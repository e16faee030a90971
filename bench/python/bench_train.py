"""numpy side of the end-to-end training workloads (kind 'train'): the course's vectorized code
in the spec's dtype (float32, or float64 as the course itself runs), timed like bench/src/measure.ts timeTraining. The data and initial weights come from
numpy's legacy RandomState, the stream Neurite's Generator reproduces (bench/src/train/data.ts),
so every runner trains the same model on the same data."""

import resource
import time


def train_arrays(np, spec):
    nx, m, data = spec["dims"][0], spec["m"], spec["data"]
    if data["source"] == "random":
        rs = np.random.RandomState(data["seed"])
        X = np.empty((nx, m), np.float32)
        # rand(n_x, m) fills in C order: drawing it in slabs of rows gives the same values
        # without a float64 copy of the whole matrix inflating the peak RSS.
        for r in range(0, nx, 1024):
            X[r : r + 1024] = rs.rand(min(1024, nx - r), m)
        u = rs.rand(m)
        Y = np.zeros((1, m), np.float32)
        Y[0, np.argsort(u, kind="stable")[: data["positives"]]] = 1
        return X, Y
    if data["source"] == "planar":
        return planar_flower(np, m)
    X = np.fromfile(data["X"], dtype="<f4").reshape(nx, m)
    Y = np.fromfile(data["Y"], dtype="<f4").reshape(1, m)
    return X, Y


def planar_flower(np, m, a=4):
    """The course's load_planar_dataset (seed 1), cast to float32."""
    rs = np.random.RandomState(1)
    N = m // 2
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rs.randn(N) * 0.2
        r = a * np.sin(4 * t) + rs.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T.astype(np.float32), Y.T.astype(np.float32)


def initial_weights(np, spec):
    rs = np.random.RandomState(spec["weightSeed"])
    dims = spec["dims"]
    params = []
    for l in range(1, len(dims)):
        n, n_prev = dims[l], dims[l - 1]
        if spec["init"] == "zeros":
            W = np.zeros((n, n_prev))
        elif spec["init"] == "courseDeep":
            W = rs.randn(n, n_prev) / np.sqrt(n_prev)
        else:
            W = rs.randn(n, n_prev) * 0.01
        dtype = np.float64 if spec["dtype"] == "float64" else np.float32
        params.append([W.astype(dtype), np.zeros((n, 1), dtype)])
    return params


def logistic_trainer(np, spec, X, Y):
    """Week 2's propagate + optimize: w (n_x, 1), b a number."""
    m, lr, every = spec["m"], spec["learningRate"], spec["costEvery"]
    state = {"w": np.zeros((X.shape[0], 1), np.float32), "b": np.float32(0)}

    def iterate(i):
        w, b = state["w"], state["b"]
        A = 1 / (1 + np.exp(-(w.T @ X + b)))
        cost = None
        if i % every == 0:
            cost = float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
        dZ = A - Y
        dw = (X @ dZ.T) / m
        db = np.sum(dZ) / m
        w -= lr * dw
        state["b"] = b - lr * db
        return cost

    return iterate


def layered_trainer(np, spec, X, Y):
    """Weeks 3 and 4: L_model_forward, compute_cost, L_model_backward, update_parameters.
    Like Neurite's fast path (and unlike the notebook), dA0 = W1ᵀ·dZ1 is not computed: nothing
    uses it. Parameters are updated in place."""
    m, lr, every = spec["m"], spec["learningRate"], spec["costEvery"]
    params = initial_weights(np, spec)
    acts = spec["activations"]
    L = len(params)

    def iterate(i):
        A = X
        caches = []
        for (W, b), act in zip(params, acts):
            Z = W @ A + b
            A_prev = A
            if act == "relu":
                A = np.maximum(0, Z)
            elif act == "tanh":
                A = np.tanh(Z)
            else:
                A = 1 / (1 + np.exp(-Z))
            caches.append((A_prev, Z, A))
        cost = None
        if i % every == 0:
            cost = float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
        dZ = A - Y
        grads = [None] * L
        for l in reversed(range(L)):
            A_prev, Z, A_l = caches[l]
            if l < L - 1:
                if acts[l] == "relu":
                    dZ = np.array(dA, copy=True)
                    dZ[Z <= 0] = 0
                else:
                    dZ = dA * (1 - A_l**2)
            grads[l] = ((dZ @ A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m)
            if l > 0:
                dA = params[l][0].T @ dZ  # noqa: F841 - read by the next (lower) layer
        for (W, b), (dW, db) in zip(params, grads):
            W -= lr * dW
            b -= lr * db
        return cost

    return iterate


def measure_training(np, spec, t, trainers=None):
    """Times the course's loop; `trainers` (logistic, layered) replaces numpy's own (PyTorch's
    runner passes its versions of the same code)."""
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    X, Y = train_arrays(np, spec)
    if spec["dtype"] == "float64":
        # The same values (float32 data widened), so the float64 costs match Neurite's.
        X, Y = X.astype(np.float64), Y.astype(np.float64)
    logistic, layered = trainers or (logistic_trainer, layered_trainer)
    iterate = (logistic if spec["model"] == "logistic" else layered)(np, spec, X, Y)
    costs = []
    count = [0]

    def run():
        i = count[0]
        cost = iterate(i)
        if cost is not None and i <= 100:
            costs.append([i, cost])
        count[0] = i + 1

    warm_start = time.perf_counter()
    while count[0] < t["warmupIterations"] or (
        count[0] < t["maxWarmupIterations"] and time.perf_counter() - warm_start < t["warmupSeconds"]
    ):
        run()
    per_iteration = (time.perf_counter() - warm_start) / count[0]
    budget = t["windowSeconds"] / per_iteration
    if budget >= 50:
        window = 100 * min(10, max(1, int(budget // 100)))
    else:
        window = max(t["minWindowIterations"], int(budget))
    samples = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        for _ in range(window):
            run()
        samples.append((time.perf_counter() - t0) * 1000 / window)
        elapsed = time.perf_counter() - start
        n = len(samples)
        if (
            (n >= t["minWindows"] and elapsed >= t["minSeconds"])
            or n >= t["maxWindows"]
            or (elapsed >= t["maxSeconds"] and n >= t["floorWindows"])
        ):
            break
    samples.sort()
    mid = len(samples) // 2
    median = samples[mid] if len(samples) % 2 else (samples[mid - 1] + samples[mid]) / 2
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    train = {
        "windowIterations": window,
        "iterationsRun": count[0],
        "peakRssKB": peak_rss,
        "startRssKB": start_rss,
        "costs": costs,
    }
    return {"medianMs": median, "runs": len(samples), "train": train}
