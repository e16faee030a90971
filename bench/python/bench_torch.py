"""PyTorch (CPU) side of Neurite's benchmark, for the convolution workloads: reads {workloads,
timing} (or {probe}) as JSON on stdin, answers JSON on stdout, with the timing rules of
bench_numpy.py. Run by a Python that has torch (never CI's): NEURITE_TORCH_PYTHON, or the
venv-torch beside the checkout (python3 -m venv ../venv-torch && ../venv-torch/bin/pip install torch).

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
    if spec["kind"] != "conv":
        return {"reason": f"n/a: the torch runner has only the convolution workloads, not '{spec['kind']}'"}
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


if __name__ == "__main__":
    main()
