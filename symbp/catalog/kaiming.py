"""Kaiming (He) initialisation, derived with ``sympy.stats`` — a variance, not a module.

For ``y = Σ_j w_j x_j`` with independent weights of mean zero, ``Var(y) = n Var(w) E[x²]`` — the
inputs need *not* have mean zero (``E[x²] = Var(x) + E[x]²``), which matters because a ReLU's
outputs do not; if ``x`` is a ReLU of a zero-mean Gaussian ``z ~ N(0, σ²)``, ``E[x²] = σ²/2``. Keeping ``Var(y) = σ²``
from layer to layer needs ``Var(w) = 2/n``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp
from sympy.stats import E, Normal


@dataclass(frozen=True)
class KaimingDerivation:
    var_sum: sp.Expr         # Var(Σ_j w_j x_j), 3 terms, zero-mean w, x of mean mu, by sympy.stats
    var_general: sp.Expr     # n Var(w) E[x²]
    relu_second_moment: sp.Expr  # E[relu(z)²] for z ~ N(0, σ²)
    weight_variance: sp.Expr # the Var(w) that keeps the variance: 2/n
    std: sp.Expr             # sqrt(2/n)


@lru_cache(maxsize=1)
def derive_kaiming() -> KaimingDerivation:
    """The derivation, once per process (``sympy.stats`` takes seconds; the result is immutable)."""
    n = sp.Symbol("n", positive=True, integer=True)
    sw, sx, sigma = sp.symbols("sigma_w sigma_x sigma", positive=True)
    mu = sp.Symbol("mu", real=True)
    # three terms, independent; weights of mean zero, inputs of mean mu: E[y] = 0, so E[y²] = Var(y)
    ws = [Normal(f"w{j}", 0, sw) for j in range(3)]
    xs = [Normal(f"x{j}", mu, sx) for j in range(3)]
    var3 = sp.factor(sp.simplify(E(sp.expand(sum(w * x for w, x in zip(ws, xs)) ** 2))))
    ex2 = sp.Symbol("E[x^2]", positive=True)
    var_n = sp.simplify(var3 / 3 / (sx ** 2 + mu ** 2) * n * ex2)  # n terms, each Var(w) E[x²]
    z = Normal("z", 0, sigma)
    relu_sq = sp.simplify(E(sp.Piecewise((z ** 2, z > 0), (0, True))))
    v = sp.Symbol("v", positive=True)
    var_weights = sp.solve(sp.Eq(n * v * relu_sq, sigma ** 2), v)[0]
    return KaimingDerivation(var3, var_n, relu_sq, var_weights, sp.sqrt(var_weights))
