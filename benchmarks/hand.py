"""Careful hand-written numpy forward/backward pairs: the baselines of bench_kernels.py.

Each pair follows the generated code's convention — ``NAME_forward(*inputs) -> (out, cache)``,
``NAME_backward(dout, cache) -> tuple`` — so the same functions are timed by the benchmark and
checked against the derivation by the tests (``symbp.check_backward``, tests/test_check.py).
float32 in gives float32 out.
"""
from __future__ import annotations

import numpy as np


def linear_forward(x, W, b):
    y = x @ W.T
    y += b
    return y, (x, W)


def linear_backward(g, cache):
    x, W = cache
    return g @ W, g.T @ x, g.sum(0)


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(g, x):
    return (g * (x >= 0),)


def sigmoid_forward(x):
    with np.errstate(over="ignore"):   # exp(-x) = inf far left gives the exact 0
        y = 1 / (1 + np.exp(-x))       # accurate in both tails (½ + ½ tanh(x/2) is not, left)
    return y, y


def sigmoid_backward(g, y):
    return (g * y * (1 - y),)


def softmax_forward(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    y = e / e.sum(axis=-1, keepdims=True)
    return y, y


def softmax_backward(g, y):
    return (y * (g - (g * y).sum(axis=-1, keepdims=True)),)


def cross_entropy_forward(x, t):
    """Mean NLL of log_softmax with integer targets."""
    s = x - x.max(axis=-1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=-1, keepdims=True))
    rows = np.arange(len(t))
    return -logp[rows, t].mean(), (logp, t, rows)


def cross_entropy_backward(dloss, cache):
    logp, t, rows = cache
    p = np.exp(logp)
    p[rows, t] -= 1
    p *= dloss / len(t)
    return p, None


PAIRS = {name: (globals()[f"{name}_forward"], globals()[f"{name}_backward"])
         for name in ("linear", "relu", "sigmoid", "softmax", "cross_entropy")}
