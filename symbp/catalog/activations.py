"""Elementwise activations and the row-wise SoftMax / LogSoftMax — forward only."""
import sympy as sp

from ..spec import Module, Tensor, indices, size

b, i, k = indices("b i k")


def _elementwise(name: str, title: str, f, source: str, low=-4.0, high=4.0) -> Module:
    x = Tensor("x", ("N",), low=low, high=high)
    return Module(name, title, (x,), ("N",), (i,), f(x[i]), elementwise=True, source=source)


def relu() -> Module:
    return _elementwise("relu", "ReLU", lambda v: sp.Piecewise((v, v >= 0), (0, True)),
                        "y = (x)^+")


def sigmoid() -> Module:
    return _elementwise("sigmoid", "Sigmoid", lambda v: 1 / (1 + sp.exp(-v)),
                        "h(s) = 1 / (1 + exp(-s))")


def tanh() -> Module:
    return _elementwise("tanh", "Tanh", sp.tanh, "y = tanh(x)")


def _rowwise(name: str, title: str, f, source: str) -> Module:
    x = Tensor("x", ("B", "n"))
    total = sp.Sum(sp.exp(x[b, k]), (k, 0, size("n") - 1))
    return Module(name, title, (x,), ("B", "n"), (b, i), f(x[b, i], total), source=source)


def softmax() -> Module:
    return _rowwise("softmax", "SoftMax", lambda xi, total: sp.exp(xi) / total,
                    "y_i = exp(x_i) / sum_j exp(x_j)")


def log_softmax() -> Module:
    return _rowwise("log_softmax", "LogSoftMax", lambda xi, total: xi - sp.log(total),
                    "log y_i = x_i - log sum_j exp(x_j)")
