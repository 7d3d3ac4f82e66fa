"""sums: SymPy's ``Sum`` construction, made safe for nested sums with branches.

Constructing ``Sum(f, limits)`` folds every ``Piecewise`` of ``f`` that mentions a summation
index to the top of ``f`` (``sympy.concrete.expr_with_limits._common_new`` calls
``piecewise_fold``). ``piecewise_fold`` does not stop at a nested sum: in
``Σ_i g_i · Σ_s relu(h_s) W_is`` the ReLU's condition on ``s`` is lifted out of the ``Σ_s`` that binds
``s`` — the expression is silently wrong (and ``Σ_b log(Σ_s relu(x_bs))`` becomes ``log(0)``). A
condition over such a sum (``relu(mean(relu(z)))``) is folded the same way when its ``Piecewise``
is built, and the folded condition then rewritten as ``ITE`` down into the sum.

:func:`install` replaces the fold used there by one that first hides every ``Piecewise`` lying
inside a nested sum or integral behind a stand-in function of its symbols: those stay where they
are (each is folded, correctly, when its own sum is built). ``_common_new`` gets the same
stand-ins before it masks, with a plain ``Dummy``, the branches free of the new sum's index (a
``Dummy`` forgets the nested sum's own index: ``Σ_l b`` then became ``m·b``). Everything else
folds as before. Installed once, when :mod:`symbp.spec` is imported, before any module is built.
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


def _stand_ins(expr) -> dict:
    """A stand-in for every ``Piecewise`` inside a nested sum: an undefined function of the
    branch's symbols (``Σ_l b(l)`` is not ``m·b``, as it would be for a plain ``Dummy``)."""
    nested = _nested_branches(expr)
    return {p: sp.Function(f"_branch{k}", real=True)(*sorted(p.free_symbols, key=sp.default_sort_key))
            for k, p in enumerate(sorted(nested, key=sp.default_sort_key))}


def fold_outside_nested_sums(expr, evaluate=True):
    """``piecewise_fold`` that leaves the branches of nested sums inside them."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Piecewise):
        return expr
    masks = _stand_ins(expr)
    if not masks:
        return _ORIGINAL(expr, evaluate)
    folded = _ORIGINAL(expr.xreplace(masks), evaluate)
    return folded.xreplace({d: p for p, d in masks.items()})


_ORIGINAL_COMMON_NEW = _limits._common_new


def common_new_keeping_nested_branches(cls, function, *symbols, **assumptions):
    """``_common_new`` (the start of every ``Sum(...)``) with the branches of nested sums hidden:
    it masks each ``Piecewise`` free of the new sum's index with a plain ``Dummy`` — losing the
    nested sum's own index — before folding."""
    if not isinstance(function, sp.Basic) or not function.has(sp.Piecewise):
        return _ORIGINAL_COMMON_NEW(cls, function, *symbols, **assumptions)
    masks = _stand_ins(function)
    pre = _ORIGINAL_COMMON_NEW(cls, function.xreplace(masks), *symbols, **assumptions)
    back = {d: p for p, d in masks.items()}
    if isinstance(pre, tuple):
        folded, limits, orientation = pre
        return folded.xreplace(back), limits, orientation
    return pre.xreplace(back) if isinstance(pre, sp.Basic) else pre


_ORIGINAL_ITE = _piecewise.Piecewise._eval_rewrite_as_ITE


def _rewrite_as_ite_if_boolean(self, *args, **kwargs):
    """``Piecewise.rewrite(ITE)`` for a Boolean-valued ``Piecewise``; any other (a branch left
    inside a sum in a condition, ``x > Σ_s relu(h_s)``) stays as it is, instead of a TypeError."""
    try:
        return _ORIGINAL_ITE(self, *args, **kwargs)
    except TypeError:
        return None


def install() -> None:
    """Use :func:`fold_outside_nested_sums` when SymPy builds a sum or an integral, and when it
    folds a condition (``ExprCondPair``) or recurses inside ``piecewise_fold`` itself; rewrite a
    folded condition's ``Piecewise`` as ``ITE`` only where its values are Boolean."""
    _limits.piecewise_fold = fold_outside_nested_sums
    _limits._common_new = common_new_keeping_nested_branches
    _piecewise.piecewise_fold = fold_outside_nested_sums
    _piecewise.Piecewise._eval_rewrite_as_ITE = _rewrite_as_ite_if_boolean


install()
