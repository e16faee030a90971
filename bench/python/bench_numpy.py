"""numpy side of Neurite's benchmark: reads {workloads, timing} (or {probe}) as JSON on stdin,
answers JSON on stdout (training workloads: bench_train.py). Mirrors bench/src/measure.ts: warm up, then time single runs until the
same stopping rule, and report the median. Inputs are uniform in [-1, 1) like the other runners'."""

import json
import sys
import time


def main():
    request = json.load(sys.stdin)
    try:
        import numpy as np
    except Exception as error:  # noqa: BLE001 - any import failure means: skip the column
        json.dump({"error": f"numpy is not importable: {error}"}, sys.stdout)
        return
    reply = {"numpy": np.__version__, "blas": blas_name(np)}
    if not request.get("probe"):
        timing = request["timing"]
        reply["results"] = {w["id"]: measure(np, w["spec"], timing) for w in request["workloads"]}
    json.dump(reply, sys.stdout)


def blas_name(np):
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # noqa: BLE001 - older numpy has no dict mode
        return "unknown"


def random_data(np, size, seed):
    # Uniform in [-1, 1) like workloads.ts randomData; the exact values do not matter for timing.
    return np.random.default_rng(seed).uniform(-1, 1, size)


def prepare(np, spec):
    dtype = np.float32 if spec["dtype"] == "float32" else np.float64
    make = lambda size, seed, shape: random_data(np, size, seed).astype(dtype).reshape(shape)  # noqa: E731
    if spec["kind"] == "gemm":
        M, N, K = spec["M"], spec["N"], spec["K"]
        a = make(M * K, 1, (K, M) if spec["transA"] else (M, K))
        b = make(K * N, 2, (N, K) if spec["transB"] else (K, N))
        a_op = a.T if spec["transA"] else a
        b_op = b.T if spec["transB"] else b
        return lambda: a_op @ b_op
    if spec["kind"] == "elementwise":
        x = make(spec["size"], 3, (spec["size"],))
        y = make(spec["size"], 4, (spec["size"],))
        positive = np.abs(x)
        return {
            "sigmoid": lambda: 1 / (1 + np.exp(-x)),
            "tanh": lambda: np.tanh(x),
            "exp": lambda: np.exp(x),
            "log": lambda: np.log(positive),
            "sigmoidBackward": lambda: x * y * (1 - y),
            "add": lambda: x + y,
            "mul": lambda: x * y,
            "sum": lambda: x.sum(),
            "copy": lambda: x.copy(),
        }[spec["op"]]
    return None


def measure(np, spec, timing):
    if spec["kind"] == "train":
        from bench_train import measure_training

        return measure_training(np, spec, timing["train"])
    step = prepare(np, spec)
    if step is None:
        return {"reason": f"n/a: the numpy runner has no '{spec['kind']}' workload"}
    return time_step(step, timing)


def time_step(step, timing):
    """Warm up, then time single runs until measure.ts's stopping rule; the median in ms."""
    warm_start = time.perf_counter()
    step()
    # As measure.ts timeIt: a single run longer than maxSeconds (a LeNet epoch on a loaded machine)
    # is its own measurement, neither warmed up further nor repeated.
    first = (time.perf_counter() - warm_start) * 1000
    if first > timing["maxSeconds"] * 1000:
        return {"medianMs": first, "runs": 1}
    i = 1
    while i < timing["warmup"] or time.perf_counter() - warm_start < timing["warmupSeconds"]:
        step()
        i += 1
    samples = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        step()
        samples.append((time.perf_counter() - t0) * 1000)
        elapsed = time.perf_counter() - start
        n = len(samples)
        if (n >= timing["minRuns"] and elapsed >= timing["minSeconds"]) or n >= timing["maxRuns"] or (
            elapsed >= timing["maxSeconds"] and n >= timing["floorRuns"]
        ):
            break
    samples.sort()
    mid = len(samples) // 2
    median = samples[mid] if len(samples) % 2 else (samples[mid - 1] + samples[mid]) / 2
    return {"medianMs": median, "runs": len(samples)}


if __name__ == "__main__":
    main()
