#!/usr/bin/env python3
"""PyTorch-exported ONNX fixtures for @neurite/onnx's import tests, and PyTorch's own numbers.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch onnx onnxscript
    /tmp/venv/bin/python packages/onnx/scripts/gen_onnx_fixtures.py

Writes test/fixtures/*.onnx (with torch-cnn.onnx.data: torch.onnx.export keeps larger weights
in an external file by default) and test/fixtures/torch.json: each model's input, PyTorch's
output on it (eval mode) and, for the float64 training fixtures, the labels, the SGD steps and
PyTorch's losses and outputs after them. The suite then needs no torch.

The models cover what torch.onnx.export writes for an MLP and a small CNN: both exporters
(dynamo, the default, and the TorchScript one, dynamo=False), opsets 13, 17 and 20, Gemm,
Flatten and Reshape (also to a shape computed from Shape: x.view(x.size(0), -1)), BatchNorm1d/2d with moving statistics away from their start, Dropout,
ReLU, GELU (an op at opset 20, erf arithmetic before), SiLU (x * sigmoid(x)), LeakyReLU, ELU,
SELU, Tanh, Sigmoid, Softplus, Softmax, max/average/adaptive pooling with padding.
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')
os.makedirs(HERE, exist_ok=True)
torch.manual_seed(20260101)


def warm(model, shape, dtype=torch.float32):
    """Moves BatchNorm's running statistics (and nothing else) away from 0 and 1."""
    model.train()
    with torch.no_grad():
        for _ in range(5):
            model(torch.randn(*shape, dtype=dtype) * 2 + 0.5)
    model.eval()


def export(model, x, name, dynamo, opset=None, fold=True):
    path = os.path.join(HERE, name)
    for stale in (path, path + '.data'):
        if os.path.exists(stale):
            os.remove(stale)
    kwargs = dict(input_names=['x'], output_names=['y'], dynamo=dynamo)
    if opset:
        kwargs['opset_version'] = opset
    if dynamo:
        kwargs['dynamic_shapes'] = ({0: torch.export.Dim('batch')},)
    else:
        kwargs['dynamic_axes'] = {'x': {0: 'batch'}, 'y': {0: 'batch'}}
        kwargs['do_constant_folding'] = fold
    torch.onnx.export(model, (x,), path, **kwargs)
    onnx.checker.check_model(path, full_check=True)
    return path


def arr(t):
    t = t.detach().numpy()
    return {'shape': list(t.shape), 'data': t.reshape(-1).tolist()}


fixtures = {'versions': {'torch': torch.__version__, 'onnx': onnx.__version__}, 'models': {}}


def inference(name, model, x, dynamo, opset=None):
    export(model, x, name, dynamo, opset)
    with torch.no_grad():
        y = model(x)
    fixtures['models'][name] = {'input': arr(x), 'output': arr(y), 'exporter': 'dynamo' if dynamo else 'torchscript', 'opset': opset}


mlp = nn.Sequential(
    nn.Linear(5, 16), nn.ReLU(), nn.Dropout(0.1),
    nn.Linear(16, 12), nn.GELU(),
    nn.Linear(12, 10), nn.SiLU(), nn.BatchNorm1d(10),
    nn.Linear(10, 8), nn.LeakyReLU(0.1),
    nn.Linear(8, 6), nn.ELU(),
    nn.Linear(6, 6), nn.SELU(),
    nn.Linear(6, 5), nn.Tanh(),
    nn.Linear(5, 3),
)
warm(mlp, (32, 5))
x_mlp = torch.randn(7, 5)
inference('torch-mlp.onnx', mlp, x_mlp, dynamo=True)
inference('torch-mlp-opset17.onnx', mlp, x_mlp, dynamo=False, opset=17)

cnn = nn.Sequential(
    nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(6), nn.MaxPool2d(2),
    nn.Conv2d(6, 8, 3, stride=2, padding=1), nn.Softplus(),
    nn.Flatten(),
    nn.Linear(8 * 3 * 3, 10), nn.Sigmoid(),
    nn.Linear(10, 4), nn.Softmax(dim=1),
)
warm(cnn, (16, 3, 12, 12))
x_cnn = torch.randn(6, 3, 12, 12)
inference('torch-cnn.onnx', cnn, x_cnn, dynamo=True)

cnn_pools = nn.Sequential(
    nn.Conv2d(1, 4, 3, padding='same'), nn.LeakyReLU(0.2),
    nn.MaxPool2d(2, stride=2, padding=1),
    nn.Conv2d(4, 5, (3, 2)), nn.BatchNorm2d(5), nn.Tanh(),
    nn.AvgPool2d(2, stride=1, padding=1),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    nn.Linear(5, 3),
)
warm(cnn_pools, (16, 1, 9, 10))
inference('torch-cnn-opset13.onnx', cnn_pools, torch.randn(4, 1, 9, 10), dynamo=False, opset=13)


def training(name, model, x, classes, steps=3, lr=0.1, dynamo=True):
    """float64, no dropout: Neurite must take the same SGD steps on mean cross-entropy."""
    model = model.double()
    export(model, x, name, dynamo=dynamo, fold=False)
    labels = torch.randint(0, classes, (x.shape[0],))
    with torch.no_grad():
        before = model(x)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.train()
    with torch.no_grad():
        after_train_mode = model(x)
    fixtures['models'][name] = {
        'input': arr(x),
        'output': arr(before),
        'exporter': 'dynamo' if dynamo else 'torchscript',
        'train': {'labels': labels.tolist(), 'lr': lr, 'steps': steps, 'losses': losses, 'outputTrainMode': arr(after_train_mode)},
    }


mlp64 = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 6), nn.GELU(), nn.Linear(6, 3))
training('torch-mlp-train64.onnx', mlp64, torch.randn(10, 4, dtype=torch.float64), classes=3)

# BatchNorm before ReLU: after ReLU, max pooling meets exact ties (windows of zeros), and there
# Neurite's MaxPool2D gives every tied maximum the gradient (the course's mask), PyTorch the
# first one. The exporter without constant folding keeps BatchNorm apart from the Conv.
cnn64 = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(27, 3))
warm(cnn64.double(), (8, 2, 6, 6), torch.float64)
training('torch-cnn-train64.onnx', cnn64, torch.randn(8, 2, 6, 6, dtype=torch.float64), classes=3, dynamo=False)



class ViewNet(nn.Module):
    """x.view(x.size(0), -1): the TorchScript exporter computes the shape with Shape, Gather, Unsqueeze, Concat."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3)
        self.fc = nn.Linear(3 * 4 * 4, 2)

    def forward(self, x):
        x = torch.relu(self.conv(x))
        return self.fc(x.view(x.size(0), -1))


inference('torch-cnn-view.onnx', ViewNet().eval(), torch.randn(3, 2, 6, 6), dynamo=False, opset=17)

with open(os.path.join(HERE, 'torch.json'), 'w') as f:
    json.dump(fixtures, f)
    f.write('\n')
for name in sorted(os.listdir(HERE)):
    print(name, os.path.getsize(os.path.join(HERE, name)), 'bytes')
