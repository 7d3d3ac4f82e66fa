"""Learning-rate schedules: the rate as a SymPy expression of the step ``t``.

SymPy proves each one decreasing (the sign of ``dη/dt``; cosine on ``0 ≤ t ≤ T`` only) and the
printer turns it into a numpy function.
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
    """SymPy's proof that the schedule never increases for 0 <= t (<= T for cosine)."""
    expr, defaults = SCHEDULES[name]
    if name == "step":  # piecewise constant: each factor gamma < 1 lowers it
        return bool(sp.ask(sp.Q.positive(1 - gamma), sp.Q.positive(gamma) & sp.Q.positive(1 - gamma)))
    slope = sp.simplify(sp.diff(expr, t))
    if name == "cosine":
        return cosine_slope_sign(slope, sp.Interval(0, 1)) == "nonpositive"
    return bool(sp.ask(sp.Q.negative(slope), sp.Q.positive(lr0) & sp.Q.positive(k) & sp.Q.nonnegative(t)))


def cosine_slope_sign(slope, on: sp.Interval) -> str:
    """The sign of a cosine schedule's slope for ``t = u T``, ``u`` in ``on``, ``lr0 >= lr_min``:
    ``slope = c · sin(π u)`` with the sign of ``c`` proved by ``ask`` and the sign of ``sin(π u)`` on
    ``on`` found by ``solveset``; ``"nonpositive"``, ``"nonnegative"`` or ``"unknown"``."""
    u = sp.Symbol("u", real=True)
    gap = sp.Symbol("gap", nonnegative=True)  # lr0 - lr_min
    in_u = sp.simplify(slope.subs(t, u * T).subs(lr0, lr_min + gap))
    coefficient = sp.simplify(in_u / sp.sin(sp.pi * u))
    facts = sp.Q.nonnegative(gap) & sp.Q.positive(T)
    if coefficient.has(u):
        return "unknown"
    c_sign = 1 if sp.ask(sp.Q.nonnegative(coefficient), facts) else \
        -1 if sp.ask(sp.Q.nonpositive(coefficient), facts) else 0
    sin = sp.sin(sp.pi * u)
    s_sign = 1 if sp.solveset(sin < 0, u, on) == sp.S.EmptySet else \
        -1 if sp.solveset(sin > 0, u, on) == sp.S.EmptySet else 0
    return {1: "nonnegative", -1: "nonpositive"}.get(c_sign * s_sign, "unknown")


def cosine_rises_after() -> bool:
    """Past ``T`` (for ``T < t < 2T``) the cosine schedule rises again: the decrease holds on
    ``0 <= t <= T`` only."""
    slope = sp.simplify(sp.diff(SCHEDULES["cosine"][0], t))
    return cosine_slope_sign(slope, sp.Interval.open(1, 2)) == "nonnegative"
