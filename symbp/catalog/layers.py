"""Layers of the course notes: Linear, Duplicate, Add, Max — forward only."""
import sympy as sp

from ..spec import Module, Tensor, indices, size

i, k, r, s = indices("i k r s")


def linear() -> Module:
    x, W, bias = Tensor("x", ("B", "n")), Tensor("W", ("m", "n")), Tensor("b", ("m",))
    return Module(
        "linear", "Linear", (x, W, bias), ("B", "m"), (s, i),  # s: the sample (b is the bias)
        sp.Sum(W[i, k] * x[s, k], (k, 0, size("n") - 1)) + bias[i],
        source="Y = W X (batch form Y = X W^T + b)",
    )


def duplicate() -> Module:
    x = Tensor("x", ("N",))
    return Module(
        "duplicate", "Duplicate", (x,), ("n", "N"), (r, i), x[i],
        elementwise=True, branches="n", size_params=(("n", 2),),
        source="Y_1 = X, Y_2 = X",
    )


def add() -> Module:
    x1, x2 = Tensor("x1", ("N",)), Tensor("x2", ("N",))
    return Module("add", "Add", (x1, x2), ("N",), (i,), x1[i] + x2[i],
                  elementwise=True, source="Y = X_1 + X_2")


def max_() -> Module:
    x1, x2 = Tensor("x1", ("N",)), Tensor("x2", ("N",))
    return Module(
        "max", "Max", (x1, x2), ("N",), (i,),
        sp.Piecewise((x1[i], x1[i] > x2[i]), (x2[i], True)),
        elementwise=True, source="Y = max(X_1, X_2)",
    )
