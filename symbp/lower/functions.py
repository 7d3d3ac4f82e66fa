"""Special functions of the array programs: real ``sp.Function`` classes with ``fdiff`` and
rewrite rules, so SymPy can differentiate and expand them and printers dispatch on them by
``_print_<Name>`` (never by name strings).

==============  =========================================  ===============================
class           value                                      why it exists
==============  =========================================  ===============================
``Sigmoid``     ``1 / (1 + exp(-u))``                       printed so it never overflows
``Softplus``    ``log(1 + exp(u))``                         printed as ``logaddexp(0, u)``
``Guard``       ``u`` where ``cond`` holds, else ``1``      a denominator in a branch not taken
``Total``       ``Σ`` of ``u`` over every element           a sum over all axes
``MaxOver``     the largest ``u`` over one index             the shift of a log-sum-exp
``Undefined``   NaN                                        a branch where the derivative is
                                                           not finite (``log(relu(2 - x))``)
==============  =========================================  ===============================
"""
from __future__ import annotations

import sympy as sp


class Sigmoid(sp.Function):
    """The logistic function ``σ(u) = 1 / (1 + e^{-u})``."""

    nargs = 1

    def fdiff(self, argindex=1):
        s = Sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return 1 / (1 + sp.exp(-u))


class Softplus(sp.Function):
    """``log(1 + e^{u})``."""

    nargs = 1

    def fdiff(self, argindex=1):
        return Sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, u, **kwargs):
        return sp.log(1 + sp.exp(u))

    _eval_rewrite_as_exp = _eval_rewrite_as_log


class Guard(sp.Function):
    """``Guard(cond, u)``: ``u`` where ``cond`` holds, else 1 (same value where it is used)."""

    nargs = 2

    def fdiff(self, argindex=2):
        if argindex != 2:
            raise sp.ArgumentIndexError(self, argindex)
        return sp.Piecewise((1, self.args[0]), (0, True))

    def _eval_rewrite_as_Piecewise(self, cond, u, **kwargs):
        return sp.Piecewise((u, cond), (1, True))


class Total(sp.Function):
    """The sum of ``u`` over every element of the arrays it reads."""

    nargs = 1


class MaxOver(sp.Function):
    """``MaxOver(u, (k, lo, hi))``: the largest ``u`` over ``k`` (the shift of a log-sum-exp of a
    computed exponent). Appears only after derivation, so it has no derivative."""

    nargs = 2
    is_real = True  # a max of real logits (conditions compare it)

    @property
    def limits(self):
        return (tuple(self.args[1]),)

    @property
    def function(self):
        return self.args[0]

    def fdiff(self, argindex=1):
        raise sp.ArgumentIndexError(self, argindex)


class Undefined(sp.Function):
    """``Undefined()``: a value that does not exist (printed ``np.nan``): the derivative where
    the forward is infinite, as ``1/relu(2 - x)`` for ``x > 2``."""

    nargs = 0
    is_real = True


SPECIAL_FUNCTIONS = (Sigmoid, Softplus, Guard, Total, MaxOver, Undefined)
