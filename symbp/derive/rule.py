"""derive.rule: an update rule's ``∂L/∂w`` from its penalty, by SymPy, and its steps with it."""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..names import COST_GRAD, LOSS_GRAD, RULE_INDEX, WEIGHTS
from ..spec import UpdateRule
from .index import in_range
from .result import Derived

@dataclass(frozen=True, eq=False)
class RuleDerivation(Derived):
    """An update rule with ``∂L/∂w`` derived from its penalty.

    ``penalty_grad`` is ``∂R/∂w_i``; ``loss_grad`` is ``∂L/∂w_i = grad_i + ∂R/∂w_i`` where
    ``grad`` is the caller's ``∂C/∂w``; ``updates`` are the rule's steps with ``∂L/∂w_i``
    substituted; ``decay_form`` is the ``w`` update collected in ``w_i`` (weight decay).
    """

    kind, subject_field = "rule", "rule"
    rule: UpdateRule
    penalty_grad: sp.Expr
    loss_grad: sp.Expr
    updates: tuple[tuple[str, sp.Expr], ...]
    decay_form: sp.Expr | None

    @property
    def vjp(self) -> dict[str, sp.Expr]:
        return {"w": self.loss_grad}

    @property
    def subgradient_at_zero(self) -> bool:
        return self.penalty_grad.has(sp.sign)

    def __repr__(self) -> str:
        return f"<RuleDerivation {self.rule.name}: dL/dw_i = {self.loss_grad}>"


def derive_rule(rule) -> RuleDerivation:
    """``∂L/∂w_i`` from ``L = C + R`` by SymPy, then the rule's steps with it substituted."""
    i, w, grad = RULE_INDEX, WEIGHTS, COST_GRAD.base
    penalty_grad = in_range(sp.diff(rule.penalty, w[i])) if rule.penalty != 0 else sp.S.Zero
    loss_grad = grad[i] + penalty_grad
    updates = tuple((name, expr.xreplace({LOSS_GRAD.base[i]: loss_grad})) for name, expr in rule.step)
    w_update = dict(updates)["w"]
    decay = None
    if penalty_grad != 0 and not penalty_grad.has(sp.sign):
        decay = sp.collect(sp.expand(w_update), [w[i], grad[i]])
    return RuleDerivation(rule, penalty_grad, loss_grad, updates, decay)
