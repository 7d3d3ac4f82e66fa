"""codegen.dtypes: what numpy makes of each value of a program when the inputs are float32.

numpy widens behind the inputs' back: a sum of boolean masks is int64, a constant picked by a
mask (``np.where(c, 1.5, 2.5)``, ``2.5*mask``) is float64. :func:`kind_of` classifies an
expression, :func:`wide_temps` the temporaries of a program; the kernel casts a result that reads
a wide one back to its input's dtype.
"""
from __future__ import annotations

import sympy as sp

from ..lower import ir


PY, MASK, WIDE, TYPED = "python", "mask", "wide", "typed"


def kind_of(e, booleans, constants, wide) -> str:
    """What numpy makes of ``e`` with float32 inputs: a Python number (weak), a boolean mask, an
    array WIDER than float32 (an int64 count, a float64 constant picked by a mask) or an array
    of the inputs' dtype."""
    if e.is_Number or isinstance(e, (sp.logic.boolalg.BooleanTrue, sp.logic.boolalg.BooleanFalse)):
        return PY
    if isinstance(e, sp.Symbol):
        if e.name in constants:
            return PY
        if e.name in booleans:
            return MASK
        return WIDE if e in wide else TYPED
    if isinstance(e, (sp.core.relational.Relational, sp.And, sp.Or, sp.Not)):
        kinds = {kind_of(a, booleans, constants, wide) for a in e.args}
        return PY if kinds <= {PY} else MASK
    if isinstance(e, sp.Piecewise):
        kinds = {kind_of(p.expr, booleans, constants, wide) for p in e.args}
        if all(isinstance(p.expr, (sp.core.relational.Relational, sp.And, sp.Or, sp.Not))
               or isinstance(p.expr, sp.Symbol) and p.expr.name in booleans for p in e.args):
            return MASK  # np.where(c, a > b, a > d): a boolean array
        conds = {PY if p.cond.free_symbols <= {sp.Symbol(c, real=True) for c in constants} or
                 all(s.name in constants for s in p.cond.free_symbols) else MASK for p in e.args}
        if len(e.args) == 2 and e.args[1].cond is sp.true and {e.args[0].expr, e.args[1].expr} == {0, 1}:
            return PY if conds <= {PY} else MASK  # printed (c) or ~(c)
        return _array_kind(kinds) or (PY if conds <= {PY} and kinds <= {PY} else WIDE)
    kinds = {kind_of(a, booleans, constants, wide) for a in e.args}
    if _array_kind(kinds):
        return _array_kind(kinds)
    if kinds <= {PY}:
        return PY
    if isinstance(e, sp.Mul) and kinds == {MASK}:
        return MASK
    return WIDE  # 2.5*mask, 1 - mask, exp(mask): int64 or float64


def _array_kind(kinds: set) -> str | None:
    """An operand array decides: a wide one makes the result wide, else one of the inputs' dtype."""
    return WIDE if WIDE in kinds else TYPED if TYPED in kinds else None


def wide_temps(stmts, booleans: set[str], constants: set[str]) -> set:
    """Targets numpy computes wider than the inputs' float32 (see :func:`kind_of`)."""
    wide: set = set()
    for st in stmts:
        if isinstance(st, ir.ELEMENTWISE):
            k = kind_of(st.expr, booleans, constants, wide)
            if isinstance(st, ir.Assign) and k == MASK:
                booleans.add(st.target.name)  # (x < y) kept in a temporary: a boolean array
            if k == WIDE or isinstance(st, ir.Reduce) and st.op == "sum" and k == MASK:
                wide.add(st.target)
        elif isinstance(st, ir.View) and st.source in wide:
            wide.add(st.target)
        elif isinstance(st, ir.Contract) and {st.left, st.right} & wide:
            wide.add(st.target)
    return wide
