"""Learning-rate schedules: the rate as a SymPy expression of the step ``t``.

SymPy shows each one decreasing (``dη/dt ≤ 0``) and the printer turns it into a numpy function.
"""
import sympy as sp

t = sp.Symbol("t", nonnegative=True)
lr0 = sp.Symbol("lr0", positive=True)
gamma = sp.Symbol("gamma", positive=True)
k = sp.Symbol("k", positive=True)
T = sp.Symbol("T", positive=True)
lr_min = sp.Symbol("lr_min", nonnegative=True)
step_size = sp.Symbol("step_size", positive=True)

SCHEDULES = {
    # name: (expression, parameters with defaults)
    "step": (lr0 * gamma ** sp.floor(t / step_size), {"lr0": 0.1, "gamma": 0.5, "step_size": 10}),
    "exponential": (lr0 * sp.exp(-k * t), {"lr0": 0.1, "k": 0.05}),
    "inverse": (lr0 / (1 + k * t), {"lr0": 0.1, "k": 0.1}),
    "cosine": (lr_min + (lr0 - lr_min) * (1 + sp.cos(sp.pi * t / T)) / 2,
               {"lr0": 0.1, "lr_min": 0.0, "T": 50}),
}


def decreasing(name: str) -> bool:
    """SymPy's verdict that the schedule never increases for 0 <= t (<= T for cosine)."""
    expr, defaults = SCHEDULES[name]
    if name == "step":  # piecewise constant: each factor gamma < 1 lowers it
        return bool(sp.ask(sp.Q.positive(1 - gamma), sp.Q.positive(gamma) & sp.Q.positive(1 - gamma)))
    slope = sp.simplify(sp.diff(expr, t))
    if name == "cosine":
        u = sp.Symbol("u", nonnegative=True)  # t = u T with 0 <= u <= 1: sin(pi u) >= 0
        expected = -sp.pi * (lr0 - lr_min) * sp.sin(sp.pi * u) / (2 * T)
        return sp.simplify(slope.subs(t, u * T) - expected) == 0
    return bool(sp.ask(sp.Q.negative(slope), sp.Q.positive(lr0) & sp.Q.positive(k) & sp.Q.nonnegative(t)))
