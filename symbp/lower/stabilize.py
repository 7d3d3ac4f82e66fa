"""stabilize: rewrites applied to index-form expressions before they are printed.

Each rewrite is an identity, so the printed code computes the derived expression exactly; it only
changes *how* it is computed so that no intermediate overflows:

* log-sum-exp shifted by the max: every ``exp(x[..., j])`` of an input ``x`` that is summed over
  its last axis becomes ``exp(x_shift[..., j]) · exp(x_max[...])`` with
  ``x_shift = x - x_max``; the ``exp(x_max)`` factors then cancel in ratios and leave ``log``
  as ``x_max + log(Σ exp(x_shift))``;
* ``log(1 + exp(u))`` -> ``Softplus(u)`` (printed with ``np.logaddexp``);
* ``exp(u)`` -> ``(1 - σ(-u)) / σ(-u)`` where that turns the expression into a polynomial in
  ``σ`` (``1/(1 + e^{-u})`` -> ``σ(u)``, ``e^{-u}/(1 + e^{-u})²`` -> ``σ(u)(1 - σ(u))``);
* a denominator inside a ``Piecewise`` branch is guarded where the branch is not taken (numpy
  evaluates both sides of ``np.where``).
"""
from __future__ import annotations

import sympy as sp
from sympy.simplify.simplify import factor_sum

from .functions import Guard, Sigmoid, Softplus


def shifted_inputs(expr: sp.Expr) -> set[sp.IndexedBase]:
    """Inputs ``x`` with some ``Σ_k exp(... x[..., k] ...)`` in ``expr``."""
    found = set()
    for s in expr.atoms(sp.Sum):
        var = s.limits[0][0]
        for e in s.function.atoms(sp.exp):
            for ix in e.atoms(sp.Indexed):
                if ix.indices and ix.indices[-1] == var and len(ix.indices) >= 1:
                    found.add(ix.base)
    return found


def shift_name(base: sp.IndexedBase, what: str) -> sp.IndexedBase:
    return sp.IndexedBase(f"{base.label}_{what}", real=True)


def shift_logsumexp(expr: sp.Expr, bases) -> sp.Expr:
    """Rewrite ``exp(x[..., j])`` as ``exp(x_shift[..., j]) · exp(x_max[...])`` and simplify."""
    if not bases:
        return expr

    reps = {ix: shift_name(ix.base, "shift")[ix.indices] + shift_name(ix.base, "max")[ix.indices[:-1]]
            for ix in expr.atoms(sp.Indexed) if ix.base in bases}
    out = expr.xreplace(reps)
    out = out.replace(lambda e: isinstance(e, sp.exp),
                      lambda e: sp.expand(e, power_exp=True, mul=False, log=False, basic=False))
    out = out.replace(lambda e: isinstance(e, sp.Sum), lambda e: factor_sum(e))
    out = sp.expand_log(out, force=True)
    out = out.replace(lambda e: isinstance(e, sp.Sum), lambda e: factor_sum(e))
    return sp.powsimp(out)


def stable_elementwise(expr: sp.Expr) -> sp.Expr:
    """Softplus and sigmoid forms of ``exp`` that cannot overflow."""
    expr = expr.replace(
        lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.Add) and len(e.args[0].args) == 2
        and 1 in e.args[0].args and any(isinstance(t, sp.exp) for t in e.args[0].args),
        lambda e: Softplus(next(t for t in e.args[0].args if isinstance(t, sp.exp)).args[0]))
    for atom in sorted(expr.atoms(sp.exp), key=str):
        if atom not in expr.atoms(sp.exp):
            continue
        u = atom.args[0]
        s = sp.Dummy("s")
        trial = sp.factor(sp.cancel(expr.xreplace({atom: (1 - s) / s, sp.exp(-u): s / (1 - s)})))
        if trial.has(atom) or trial.has(sp.exp(-u)) or not trial.is_polynomial(s):
            continue
        expr = trial.xreplace({s: Sigmoid(-u)})
    return expr


def guard_branches(expr: sp.Expr) -> sp.Expr:
    """``Piecewise((k/u, c), …)`` -> ``Piecewise((k/Guard(c, u), c), …)``: numpy evaluates every
    branch, so a denominator is replaced by 1 where its branch is not taken (no 1/0, same value)."""
    def guard(pw):
        pairs = []
        for p in pw.args:
            if p.cond is sp.true:
                pairs.append((p.expr, p.cond))
                continue
            safe = p.expr.replace(
                lambda e: isinstance(e, sp.Pow) and e.exp.is_negative and e.base.has(sp.Indexed)
                and not e.base.is_positive,
                lambda e, c=p.cond: sp.Pow(Guard(c, e.base), e.exp))
            pairs.append((safe, p.cond))
        return sp.Piecewise(*pairs)
    return expr.replace(lambda e: isinstance(e, sp.Piecewise), guard)


def stabilize(expr: sp.Expr, bases) -> sp.Expr:
    return guard_branches(stable_elementwise(shift_logsumexp(expr, bases)))
