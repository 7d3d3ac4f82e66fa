"""Update rules — the loss they descend and their steps; ``∂L/∂w`` is left to SymPy."""
import sympy as sp

from ..names import LOSS_GRAD, RULE_INDEX, RULE_SUM_INDEX, WEIGHTS
from ..spec import Param, UpdateRule, size

i, k = RULE_INDEX, RULE_SUM_INDEX
N = size("N")
w = WEIGHTS
GRAD_L = LOSS_GRAD.base
lr, alpha = Param("lr", 0.01), Param("alpha", 1e-4)
eta = lr.symbol


def _descent(name: str, title: str, penalty, source: str, params=(lr,)) -> UpdateRule:
    return UpdateRule(name, title, params, penalty, (("w", w[i] - eta * GRAD_L[i]),), source=source)


def sgd() -> UpdateRule:
    return _descent("sgd", "SGD", sp.S.Zero, "w <- w - lr dL/dw")


def sgd_l2() -> UpdateRule:
    return _descent("sgd_l2", "SGD with L2 weight decay",
                    alpha.symbol * sp.Sum(w[k] ** 2, (k, 0, N - 1)),
                    "L = C + alpha ||w||^2", params=(lr, alpha))


def sgd_l1() -> UpdateRule:
    return _descent("sgd_l1", "SGD with L1 regularisation",
                    alpha.symbol * sp.Sum(sp.Abs(w[k]), (k, 0, N - 1)),
                    "L = C + alpha sum_i |w_i|", params=(lr, alpha))


def momentum() -> UpdateRule:
    mu = Param("mu", 0.9)
    v = sp.IndexedBase("velocity", real=True)
    return UpdateRule("momentum", "SGD with momentum", (lr, mu), sp.S.Zero,
                      (("velocity", mu.symbol * v[i] + GRAD_L[i]),
                       ("w", w[i] - eta * v[i])),
                      state=("velocity",), source="v <- mu v + dL/dw; w <- w - lr v")


def adam() -> UpdateRule:
    b1, b2, eps = Param("beta1", 0.9), Param("beta2", 0.999), Param("eps", 1e-8)
    m, v = sp.IndexedBase("m", real=True), sp.IndexedBase("v", real=True)
    t = sp.Symbol("t", positive=True, integer=True)
    m_hat = m[i] / (1 - b1.symbol ** t)
    v_hat = v[i] / (1 - b2.symbol ** t)
    return UpdateRule(
        "adam", "Adam", (Param("lr", 1e-3), b1, b2, eps), sp.S.Zero,
        (("m", b1.symbol * m[i] + (1 - b1.symbol) * GRAD_L[i]),
         ("v", b2.symbol * v[i] + (1 - b2.symbol) * GRAD_L[i] ** 2),
         ("w", w[i] - Param("lr", 1e-3).symbol * m_hat / (sp.sqrt(v_hat) + eps.symbol))),
        state=("m", "v"), counter="t", intermediates=(("m_hat", m_hat), ("v_hat", v_hat)),
        source="Adam (Kingma & Ba 2015) with bias correction; m = v = 0 and t = 1 at the first step")
