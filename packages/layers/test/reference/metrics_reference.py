"""Recomputes fit's History and evaluate's metrics with numpy from the predictions the test exported.

Input (JSON on stdin): {"records": [{"train": [[AL, Y], ...], "val": [AL, Y] | null, "logs": {...}}, ...],
                        "evaluate": {"AL": ..., "Y": ..., "result": {...}}, "metrics": [...], "categorical": bool}
Each AL / Y is a nested list (n_L, m). Prints one line per mismatch and exits 1 if there is any.

Written independently of metrics.ts: the ROC AUC follows scikit-learn's roc_curve + trapezoid
(distinct thresholds from the sorted scores, cumulative true/false positives), not midranks.
"""
import json
import sys

import numpy as np

EPS = 1e-15  # the losses' clip for float64 probabilities


def bce(AL, Y):
    p = np.clip(AL, EPS, 1 - EPS)
    return -np.sum(Y * np.log(p) + (1 - Y) * np.log(1 - p)) / AL.shape[1]


def cce(AL, Y):
    return -np.sum(Y * np.log(np.clip(AL, EPS, 1.0))) / AL.shape[1]


def roc_auc(scores, labels):
    order = np.argsort(-scores, kind="mergesort")
    s = scores[order]
    y = labels[order]
    distinct = np.where(np.diff(s))[0]
    ends = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y)[ends]
    fps = 1 + ends - tps
    if tps[-1] == 0 or fps[-1] == 0:
        return float("nan")
    tpr = np.r_[0, tps] / tps[-1]
    fpr = np.r_[0, fps] / fps[-1]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def metric(name, AL, Y, categorical):
    if name == "accuracy":
        if categorical:
            return float(np.mean(np.argmax(AL, 0) == np.argmax(Y, 0)))
        return float(np.mean((AL > 0.5) == (Y > 0.5)))
    pred = (AL > 0.5).ravel()
    true = (Y > 0.5).ravel()
    tp = np.sum(pred & true)
    fp = np.sum(pred & ~true)
    fn = np.sum(~pred & true)
    if name == "precision":
        return float(tp / (tp + fp)) if tp + fp else 0.0
    if name == "recall":
        return float(tp / (tp + fn)) if tp + fn else 0.0
    if name == "f1":
        return float(2 * tp / (2 * tp + fp + fn)) if tp + fp + fn else 0.0
    if name == "auc":
        return roc_auc(AL.ravel().astype(np.float64), true.astype(np.int64))
    if name == "mse":
        return float(np.mean((AL - Y) ** 2))
    if name == "mae":
        return float(np.mean(np.abs(AL - Y)))
    if name == "meanLogit":  # the test's user-defined metric: mean of log(p / (1 - p)) over every entry
        return float(np.mean(np.log(AL / (1 - AL))))
    raise ValueError(name)


def close(a, b, rel=1e-12, floor=1e-14):
    if a is None or b is None:
        return False
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    return abs(a - b) <= max(rel * abs(b), floor)


def main():
    data = json.load(sys.stdin)
    categorical = data["categorical"]
    loss = cce if categorical else bce
    names = data["metrics"]
    bad = []
    for k, rec in enumerate(data["records"]):
        batches = [(np.array(a, dtype=np.float64), np.array(y, dtype=np.float64)) for a, y in rec["train"]]
        AL = np.concatenate([a for a, _ in batches], axis=1)
        Y = np.concatenate([y for _, y in batches], axis=1)
        m = AL.shape[1]
        expected = {"loss": sum(loss(a, y) * a.shape[1] for a, y in batches) / m}
        for name in names:
            if name == "meanLogit":
                # A user's function: its per-batch values weighted by the batches' m.
                expected[name] = sum(metric(name, a, y, categorical) * a.shape[1] for a, y in batches) / m
            else:
                expected[name] = metric(name, AL, Y, categorical)
        if rec["val"] is not None:
            Av = np.array(rec["val"][0], dtype=np.float64)
            Yv = np.array(rec["val"][1], dtype=np.float64)
            expected["val_loss"] = loss(Av, Yv)
            for name in names:
                expected["val_" + name] = metric(name, Av, Yv, categorical)
        for key, value in expected.items():
            got = rec["logs"].get(key)
            if not close(got, value):
                bad.append(f"record {k} {key}: History has {got!r}, numpy {value!r}")
        extra = set(rec["logs"]) - set(expected)
        if extra:
            bad.append(f"record {k}: unexpected keys {sorted(extra)}")
    ev = data.get("evaluate")
    if ev:
        A = np.array(ev["AL"], dtype=np.float64)
        Y = np.array(ev["Y"], dtype=np.float64)
        want = {"loss": loss(A, Y)}
        for name in names:
            want[name] = metric(name, A, Y, categorical)
        for key, value in want.items():
            if not close(ev["result"].get(key), value):
                bad.append(f"evaluate {key}: {ev['result'].get(key)!r}, numpy {value!r}")
    for line in bad:
        print(line)
    print(f"checked {len(data['records'])} records")
    sys.exit(1 if bad else 0)


main()
