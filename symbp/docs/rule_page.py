"""rule_page: the page of an update rule — its loss, ∂L/∂w by SymPy, its steps, a worked step.

Each formula is checked: ``∂L/∂w`` against central differences of the penalty, the steps (in
order, with Adam's named ``m̂``, ``v̂``) against the generated numpy step.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from ..codegen.kernel import rule_function
from ..names import RULE_INDEX, WEIGHTS
from .blocks import Writer
from .equations import Equation, aligned, rel_error, values_of
from .examples import array_text, number, param_text
from .exercises import exercise_blocks
from .latex import latex
from .module_page import check_blocks, claim_blocks, key_result
from .notation import rule_notation_blocks
from .points import RulePoint

HATS = {"m_hat": r"\hat{m}", "v_hat": r"\hat{v}"}
# the worked step: three weights, their cost gradient, zero state (Adam's first step, t = 1)
RULE_EXAMPLE = dict(w=[0.5, -1.0, 2.0], grad=[0.1, -0.2, 0.3])
RULE_EXAMPLE_PARAMS = dict(lr=0.1, alpha=0.1, t=1)


def _hat_bases():
    return {name: sp.IndexedBase(name, real=True) for name in HATS}


def written_with_intermediates(rd):
    """The rule's updates, the ``w`` update written with its named intermediates."""
    i = RULE_INDEX
    bases = _hat_bases()
    out = []
    for name, expr in rd.updates:
        if name == "w":
            for inter, definition in rd.rule.intermediates:
                expr = expr.subs(definition, bases[inter][i])
        out.append((name, expr))
    return out


def _step_rows(rd) -> list[str]:
    i = RULE_INDEX
    names = HATS
    rows = []
    if rd.rule.counter:
        t = sp.Symbol(rd.rule.counter)
        rows.append(rf"{latex(t)} &\leftarrow {latex(t + 1)}")
    updates = written_with_intermediates(rd)
    for name, expr in updates:
        if name == "w":
            for inter, definition in rd.rule.intermediates:
                rows.append(rf"{latex(sp.IndexedBase(inter)[i], names)} &= {latex(definition)}")
        rows.append(rf"{latex(sp.IndexedBase(name, real=True)[i])} &\leftarrow {latex(expr, names)}")
    return rows


def _sequential(rd, env: dict, n: int) -> dict:
    """The displayed steps evaluated in order by SymPy (intermediates included)."""
    env = dict(env)
    free = ((RULE_INDEX, n),)
    for name, expr in written_with_intermediates(rd):
        if name == "w":
            for inter, definition in rd.rule.intermediates:
                env[inter] = values_of(definition, env, free)
        env[name] = values_of(expr, env, free)
    return env


@lru_cache(maxsize=16)
def rule_formulas(rd, report):
    point = RulePoint(rd)
    i, w = RULE_INDEX, WEIGHTS
    rule = rd.rule
    out = {}
    if rule.penalty != 0:
        alpha = sp.Symbol("alpha", real=True)
        R = sp.simplify(rule.penalty / alpha)
        out["loss"] = point.penalty_gradient(
            rf"L(w) = C(w) + {latex(rule.penalty)} = C(w) + \alpha R(w), \qquad R(w) = {latex(R)}")
    if rule.penalty != 0:
        grad_tex = (rf"\frac{{\partial L}}{{\partial w_i}} = \frac{{\partial C}}{{\partial w_i}} + "
                    rf"\frac{{\partial}}{{\partial w_i}}\left({latex(rule.penalty)}\right) = "
                    rf"{latex(rd.loss_grad)}")
    else:  # no penalty: L = C, nothing to differentiate
        grad_tex = rf"\frac{{\partial L}}{{\partial w_i}} = {latex(rd.loss_grad)}"
    out["grad"] = point.penalty_gradient(grad_tex)
    shown = written_with_intermediates(rd)
    env = _sequential(rd, point.env, point.n)
    got = point.code_step()
    err = max(rel_error(env[k], v) for k, v in got.items())
    out["steps"] = Equation(aligned(_step_rows(rd)),
                            tuple(e for _, e in shown), "the generated numpy step", err)
    if rd.decay_form is not None:
        out["decay"] = point.same_update(rf"{latex(w[i])} \leftarrow {latex(rd.decay_form)}", rd.decay_form)
    if rd.subgradient_at_zero:
        out["prox"] = soft_threshold()
    return out


def soft_threshold() -> Equation:
    """The proximal step of ``η α |w|``: ``argmin_v ½(v - u)² + ηα|v|`` — checked on a grid."""
    u, eta, alpha = sp.Symbol("u_i", real=True), sp.Symbol("lr", positive=True), sp.Symbol("alpha", positive=True)
    c = eta * alpha
    prox = sp.sign(u) * sp.Max(sp.Abs(u) - c, 0)
    grid = np.linspace(-3, 3, 60001)
    errs = []
    for u0 in (-1.3, -0.05, 0.0, 0.04, 0.7, 2.2):
        objective = 0.5 * (grid - u0) ** 2 + 0.1 * np.abs(grid)
        best = grid[np.argmin(objective)]
        errs.append(abs(best - float(prox.subs({u: u0, eta: 1.0, alpha: 0.1}))))
    tex = (rf"w_i \leftarrow {latex(prox)}, \qquad u_i = w_i - \eta "
           rf"\frac{{\partial C}}{{\partial w_i}}")
    return Equation(tex, (prox,), "argmin of (v - u)^2 / 2 + 0.1 |v| on a grid of step 1e-4",
                    max(errs), tolerance=1e-4)


def l1_oscillation(rd) -> list[list[str]]:
    """Subgradient steps of the generated ``sgd_l1`` with ``∂C/∂w = 0``: the weight jumps
    around zero by about ``ηα`` instead of settling there."""
    from ..codegen import load
    step = load(rd).step
    lr, alpha = 0.1, 0.1
    w = np.array([0.0123])
    rows = []
    for k in range(6):
        rows.append([str(k), number(w[0])])
        w = step(w, np.zeros(1), lr=lr, alpha=alpha)
    return rows


def rule_example(rd):
    """One step on ``RULE_EXAMPLE`` with zero state: generated code and the formulas side by side."""
    from ..codegen import load
    rule = rd.rule
    params = {p.name: p.default for p in rule.params}
    params.update({k: v for k, v in RULE_EXAMPLE_PARAMS.items() if k in params or k == rule.counter})
    values = {k: np.asarray(v) for k, v in RULE_EXAMPLE.items()}
    values.update({s: np.zeros(3) for s in rule.state})
    env = {**values, **params, "N": 3}
    formula = _sequential(rd, env, 3)
    arrays = [values["w"].copy(), values["grad"].copy()] + [values[s].copy() for s in rule.state]
    out = load(rd).step(*arrays, **params)
    out = out if isinstance(out, tuple) else (out,)
    code = dict(zip(["w", *rule.state], out))
    return params, values, code, formula


def rule_blocks(rd, report, lang: str) -> list:
    r = rd.rule
    w = Writer(lang)
    f = rule_formulas(rd, report)
    w.text(w.s[f"about.{r.name}"], w.en[f"about.{r.name}"])
    key_result(w, r.name, [f["decay"] if "decay" in f else f["steps"]])
    rule_notation_blocks(w, rd)
    w.heading("h.rule.loss")
    if "loss" in f:
        w.para("rule.loss")
        w.math(f["loss"])
    else:
        w.para("rule.noloss")
    w.heading("h.rule.grad")
    w.para("rule.grad" if r.penalty != 0 else "rule.grad_nopenalty")
    w.math(f["grad"])
    w.heading("h.rule.step")
    w.para("rule.step_state" if r.state else "rule.step")
    w.math(f["steps"])
    if "decay" in f:
        w.para("rule.decay")
        w.math(f["decay"])
    if rd.subgradient_at_zero:
        _l1_section(w, rd, f)
    _rule_example(w, rd)
    claim_blocks(w, r.name, rd)
    check_blocks(w, report, intro="check.rule_intro")
    w.heading("h.code")
    w.code(rule_function(rd).source().rstrip())
    exercise_blocks(w, rd)
    return w.blocks


def _l1_section(w, rd, f):
    w.para("rule.sign0")
    w.heading("h.l1.oscillation", level=4)
    w.para("l1.oscillation")
    w.table(["l1.col.step", "l1.col.w"], l1_oscillation(rd))
    w.para("l1.prox")
    w.math(f["prox"])


def _rule_example(w, rd):
    params, values, code, formula = rule_example(rd)
    w.heading("h.example")
    shown = ", ".join(f"${latex(sp.Symbol(k))} = {param_text(v)}$" for k, v in params.items())
    w.text(w.s["rule.example.intro"].format(params=shown), w.en["rule.example.intro"].format(params=shown))
    rows = [["$w$", array_text(values["w"])], [r"$\partial C/\partial w$", array_text(values["grad"])]]
    rows += [[f"${latex(sp.Symbol(s))}$", array_text(values[s])] for s in rd.rule.state]
    w.table(["example.col.symbol", "example.col.value"], rows)
    table = [[f"${latex(sp.Symbol(k))}$", array_text(v), array_text(formula[k])] for k, v in code.items()]
    w.table(["example.col.quantity", "example.col.generated", "example.col.formula"], table)
