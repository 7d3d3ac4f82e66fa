"""Losses and penalties — forward only. Scalar outputs (``out_dims == ()``)."""
import sympy as sp

from ..spec import Module, Param, Tensor, indices, size

b, i, k = indices("b i k")
B, n, N = size("B"), size("n"), size("N")


def cross_entropy() -> Module:
    """Mean over the batch of the NLL of log_softmax, with integer class targets."""
    logits = Tensor("logits", ("B", "n"), symbol="z")
    target = Tensor("target", ("B",), kind="class", symbol="t")
    log_softmax = logits[b, i] - sp.log(sp.Sum(sp.exp(logits[b, k]), (k, 0, n - 1)))
    nll = -sp.Sum(sp.KroneckerDelta(i, target[b]) * log_softmax, (i, 0, n - 1), (b, 0, B - 1)) / B
    return Module("cross_entropy", "Cross-entropy (NLL of LogSoftMax)", (logits, target), (), (),
                  nll, source="L = -(1/B) sum_b log softmax(x_b)[t_b]")


def mse() -> Module:
    """Mean over all elements of the squared error (PyTorch's default reduction)."""
    pred, target = Tensor("pred", ("B", "n"), symbol="p"), Tensor("target", ("B", "n"), symbol="t")
    err = sp.Sum((pred[b, i] - target[b, i]) ** 2, (i, 0, n - 1), (b, 0, B - 1)) / (B * n)
    return Module("mse", "Mean squared error", (pred, target), (), (), err,
                  source="L = mean((pred - target)^2)")


def _penalty(name: str, title: str, term, source: str) -> Module:
    """``alpha · Σ_i term(w_i)`` over a weight array of any shape."""
    w, alpha = Tensor("w", ("N",)), Param("alpha", 1e-4)
    return Module(name, title, (w,), (), (), alpha.symbol * sp.Sum(term(w[i]), (i, 0, N - 1)),
                  params=(alpha,), elementwise=True, source=source)


def l2_penalty() -> Module:
    return _penalty("l2_penalty", "L2 penalty", lambda v: v ** 2, "R(w) = alpha ||w||^2")


def l1_penalty() -> Module:
    return _penalty("l1_penalty", "L1 penalty", sp.Abs, "R(w) = alpha sum_i |w_i|")
