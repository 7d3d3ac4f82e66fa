"""sums: SymPy's ``Sum`` construction, made safe for nested sums with branches.

Constructing ``Sum(f, limits)`` folds every ``Piecewise`` of ``f`` that mentions a summation
index to the top of ``f`` (``sympy.concrete.expr_with_limits._common_new`` calls
``piecewise_fold``). ``piecewise_fold`` does not stop at a nested sum: in
``Σ_i g_i · Σ_s relu(h_s) W_is`` the ReLU's condition on ``s`` is lifted out of the ``Σ_s`` that binds
``s`` — the expression is silently wrong (and ``Σ_b log(Σ_s relu(x_bs))`` becomes ``log(0)``). A
condition over such a sum (``relu(mean(relu(z)))``) is folded the same way when its ``Piecewise``
is built.

:func:`install` replaces the fold used there by one that first masks every ``Piecewise`` lying
inside a nested sum or integral: those stay where they are (each is folded, correctly, when its
own sum is built). Everything else folds as before. Installed once, when :mod:`symbp.spec` is
imported, before any module is built.
"""
from __future__ import annotations

import sympy as sp
import sympy.concrete.expr_with_limits as _limits
import sympy.functions.elementary.piecewise as _piecewise

_ORIGINAL = _piecewise.piecewise_fold


def _nested_branches(expr) -> set:
    """Every ``Piecewise`` inside a sum or integral nested in ``expr``."""
    found = set()
    for inner in expr.atoms(_limits.ExprWithLimits):
        found |= inner.atoms(sp.Piecewise)
    return found


def fold_outside_nested_sums(expr, evaluate=True):
    """``piecewise_fold`` that leaves the branches of nested sums inside them."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Piecewise):
        return expr
    nested = _nested_branches(expr)
    if not nested:
        return _ORIGINAL(expr, evaluate)
    masks = {p: sp.Dummy("branch", real=True) for p in sorted(nested, key=sp.default_sort_key)}
    folded = _ORIGINAL(expr.xreplace(masks), evaluate)
    return folded.xreplace({d: p for p, d in masks.items()})


def install() -> None:
    """Use :func:`fold_outside_nested_sums` when SymPy builds a sum or an integral, and when it
    folds a condition (``ExprCondPair``) or recurses inside ``piecewise_fold`` itself."""
    _limits.piecewise_fold = fold_outside_nested_sums
    _piecewise.piecewise_fold = fold_outside_nested_sums


install()
