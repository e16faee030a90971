"""Plain-numpy reference for the course's three models (weeks 2, 3 and 4).

The same algorithms as the notebooks, written independently of Neurite, so the example
tests can check settings the course never published (other seeds, learning rates, hidden
sizes, layer dimensions). Prints one JSON object: {"iterations": [...], "costs": [...],
"accuracy": ...}.

  python3 course_reference.py planar --n_h 4 --seed 2 --lr 1.2 --iterations 1000 --every 100
  python3 course_reference.py deep --dims 12288,7,1 --init small --seed 1 --lr 0.0075 \
      --iterations 200 --every 100 --x X.f64 --y Y.f64 --m 209
  python3 course_reference.py logistic --lr 0.005 --iterations 300 --every 100 --x X.f64 --y Y.f64 --m 209

X and Y files are raw little-endian float64 in C order, X of shape (n_x, m), Y of (1, m).
"""
import argparse
import json

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def flower(m=400, a=4):
    """The course's load_planar_dataset: seed 1, two classes of m/2 petal points."""
    np.random.seed(1)
    n = m // 2
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1), dtype="uint8")
    for j in range(2):
        ix = range(n * j, n * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + np.random.randn(n) * 0.2
        r = a * np.sin(4 * t) + np.random.randn(n) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T


def cost_of(AL, Y):
    m = Y.shape[1]
    cost = (1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return float(np.squeeze(cost))


def planar(n_h, seed, lr, iterations, every):
    X, Y = flower()
    np.random.seed(seed)
    W1 = np.random.randn(n_h, 2) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(1, n_h) * 0.01
    b2 = np.zeros((1, 1))
    m = X.shape[1]
    its, costs = [], []
    for i in range(iterations):
        A1 = np.tanh(np.dot(W1, X) + b1)
        A2 = sigmoid(np.dot(W2, A1) + b2)
        if i % every == 0:
            its.append(i)
            costs.append(cost_of(A2, Y))
        dZ2 = A2 - Y
        dW2 = (1 / m) * np.dot(dZ2, A1.T)
        db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
        dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
        dW1 = (1 / m) * np.dot(dZ1, X.T)
        db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    A2 = sigmoid(np.dot(W2, np.tanh(np.dot(W1, X) + b1)) + b2)
    accuracy = float(np.mean((A2 > 0.5) == Y))
    return {"iterations": its, "costs": costs, "accuracy": accuracy}


def deep(dims, init, seed, lr, iterations, every, X, Y):
    np.random.seed(seed)
    params = {}
    for l in range(1, len(dims)):
        W = np.random.randn(dims[l], dims[l - 1])
        params["W%d" % l] = W * 0.01 if init == "small" else W / np.sqrt(dims[l - 1])
        params["b%d" % l] = np.zeros((dims[l], 1))
    L = len(dims) - 1
    m = X.shape[1]
    its, costs = [], []
    for i in range(iterations):
        caches = []
        A = X
        for l in range(1, L + 1):
            Z = np.dot(params["W%d" % l], A) + params["b%d" % l]
            caches.append((A, Z))
            A = sigmoid(Z) if l == L else np.maximum(0, Z)
        if i % every == 0:
            its.append(i)
            costs.append(cost_of(A, Y))
        dA = -(np.divide(Y, A) - np.divide(1 - Y, 1 - A))
        for l in range(L, 0, -1):
            A_prev, Z = caches[l - 1]
            if l == L:
                s = sigmoid(Z)
                dZ = dA * s * (1 - s)
            else:
                dZ = np.array(dA, copy=True)
                dZ[Z <= 0] = 0
            dW = 1.0 / m * np.dot(dZ, A_prev.T)
            db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
            dA = np.dot(params["W%d" % l].T, dZ)
            params["W%d" % l] = params["W%d" % l] - lr * dW
            params["b%d" % l] = params["b%d" % l] - lr * db
    return {"iterations": its, "costs": costs}


def logistic(lr, iterations, every, X, Y):
    w = np.zeros((X.shape[0], 1))
    b = 0.0
    m = X.shape[1]
    its, costs = [], []
    for i in range(iterations):
        A = sigmoid(np.dot(w.T, X) + b)
        cost = float(np.squeeze(-1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))))
        dw = 1 / m * np.dot(X, (A - Y).T)
        db = 1 / m * np.sum(A - Y)
        w = w - lr * dw
        b = b - lr * db
        if i % every == 0:
            its.append(i)
            costs.append(cost)
    return {"iterations": its, "costs": costs, "b": float(b), "w_sum": float(np.sum(w))}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model", choices=["planar", "deep", "logistic"])
    p.add_argument("--n_h", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--iterations", type=int, required=True)
    p.add_argument("--every", type=int, default=100)
    p.add_argument("--dims", type=str, default="12288,20,7,5,1")
    p.add_argument("--init", choices=["small", "deep"], default="deep")
    p.add_argument("--x")
    p.add_argument("--y")
    p.add_argument("--m", type=int)
    a = p.parse_args()
    if a.model == "planar":
        out = planar(a.n_h, a.seed, a.lr, a.iterations, a.every)
    else:
        X = np.fromfile(a.x, dtype="<f8").reshape(-1, a.m)
        Y = np.fromfile(a.y, dtype="<f8").reshape(1, a.m)
        if a.model == "deep":
            out = deep([int(d) for d in a.dims.split(",")], a.init, a.seed, a.lr, a.iterations, a.every, X, Y)
        else:
            out = logistic(a.lr, a.iterations, a.every, X, Y)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
