"""exercises: two or three exercises with solutions on every page.

1. *By hand*: one entry of the worked example's gradient from the formula, with the numbers
   substituted (a display equation, checked against the generated code like every other);
2. *Derive it yourself*: an answer in symbp's expression language (``g``, ``y``, the inputs,
   numpy notation), checkable with ``symbp check`` (:data:`DERIVE`; the tests verify each shipped
   answer numerically against the derivation);
3. questions of the page's own (prose in :mod:`symbp.docs.lang`, ``ex.NAME.q``/``.a``, ``.q2``/``.a2``).

Solutions are folded on the web (``<details>``) and collected in an answers section in the books.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .equations import Equation, aligned, rel_error
from .examples import EXAMPLES, example_point, number
from .latex import IndexLatex, display_names, latex


@dataclass(frozen=True)
class Answer:
    """A "derive it yourself" answer: ``∂C/∂wrt`` of a catalog module (``target``) or of a
    module given by an expression (``expr`` with ``shapes`` and ``params``)."""

    wrt: str
    answer: str
    target: str = ""
    expr: str = ""
    shapes: tuple = ()
    params: tuple = ()

    def command(self) -> str:
        answer = shlex.quote(self.answer)
        if not self.expr:
            return f"symbp check {self.target} --wrt {self.wrt} --answer {answer}"
        shapes = "".join(f" --shape {v}={','.join(dims)}" for v, dims in self.shapes)
        params = "".join(f" --param {k}={v}" for k, v in self.params)
        return (f"symbp check --expr {shlex.quote(self.expr)}{shapes}{params} --wrt {self.wrt} "
                f"--answer {answer}")


_QUADRATIC = dict(expr="0.5 * sum(a * w ** 2)", shapes=(("a", ("N",)), ("w", ("N",))))

DERIVE = {
    "linear": Answer("W", "g.T @ x", "linear"),
    "relu": Answer("x", "where(x >= 0, g, 0)", "relu"),
    "duplicate": Answer("x", "sum(g, axis=0)", "duplicate"),
    "add": Answer("x1", "g", "add"),
    "max": Answer("x1", "where(x1 > x2, g, 0)", "max"),
    "sigmoid": Answer("x", "g * y * (1 - y)", "sigmoid"),
    "tanh": Answer("x", "g * (1 - y ** 2)", "tanh"),
    "softmax": Answer("x", "y * (g - sum(g * y, axis=-1, keepdims=True))", "softmax"),
    "log_softmax": Answer("x", "g - exp(y) * sum(g, axis=-1, keepdims=True)", "log_softmax"),
    "cross_entropy": Answer("z", "g * (sigmoid(z) - t)", expr="sum(softplus(z) - t * z)",
                            shapes=(("z", ("B", "n")), ("t", ("B", "n")))),
    "mse": Answer("p", "2 * g * (p - t)", expr="sum((p - t) ** 2)",
                  shapes=(("p", ("B", "n")), ("t", ("B", "n")))),
    "l2_penalty": Answer("w", "2 * alpha * g * w", "l2_penalty"),
    "l1_penalty": Answer("w", "alpha * g * where(w > 0, 1, -1)", "l1_penalty"),
    "dropout": Answer("x", "g * mask / (1 - p)", "dropout"),
    "normalize": Answer("x", "where(sqrt(mean((x - mean(x, axis=0)) ** 2, axis=0)) > eps, "
                             "(g - mean(g, axis=0) - y * mean(g * y, axis=0)) / "
                             "sqrt(mean((x - mean(x, axis=0)) ** 2, axis=0)), "
                             "(g - mean(g, axis=0)) / eps)", "normalize"),
    "sgd": Answer("w", "g * a * w", **_QUADRATIC),
    "momentum": Answer("w", "g * a * w", **_QUADRATIC),
    "adam": Answer("w", "g * a * w", **_QUADRATIC),
    "sgd_l2": Answer("w", "2 * alpha * g * w", expr="alpha * sum(w ** 2)", shapes=(("w", ("N",)),),
                     params=(("alpha", 0.1),)),
    "sgd_l1": Answer("w", "alpha * g * where(w > 0, 1, -1)", expr="alpha * sum(abs(w))",
                     shapes=(("w", ("N",)),), params=(("alpha", 0.1),)),
    "chain_rule": Answer("W", 'g * 2 * einsum("i,j->ij", W @ x - t, x)', expr="sum((W @ x - t) ** 2)",
                         shapes=(("W", ("m", "n")), ("x", ("n",)), ("t", ("m",)))),
    "dag": Answer("x", "g * ((1 - tanh(x) ** 2) * x + tanh(x))", expr="sum(tanh(x) * x)",
                  shapes=(("x", ("n",)),)),
    "digits_mlp": Answer("W", "(g * where(x @ W.T >= 0, 1, 0)).T @ x", expr="sum(relu(x @ W.T))",
                         shapes=(("x", ("B", "n")), ("W", ("m", "n")))),
}


# -- the by-hand exercise -------------------------------------------------------------------------
ROW_WIDTH = 60  # characters of plain math per row of a long by-hand answer (then it breaks)


def number_tex(v: float) -> str:
    """A value in a formula: a short decimal, or ``m \\cdot 10^{e}`` (``10^{-5}``) when four
    places would round it to 0."""
    v = float(v)
    if v == 0 or round(v, 4) != 0:
        return number(v)
    exponent = int(np.floor(np.log10(abs(v))))
    mantissa = number(v / 10.0 ** exponent)
    power = f"10^{{{exponent}}}"
    return power if mantissa == "1" else f"-{power}" if mantissa == "-1" else rf"{mantissa} \cdot {power}"


class NumberLatex(IndexLatex):
    """Numbers substituted into a formula, ``·`` between factors, negatives in parentheses;
    ``varying``: the placeholders that stand for array elements (written first in a comparison)."""

    def __init__(self, values: dict[str, str], varying=frozenset()):
        super().__init__({k: (f"\\left({v}\\right)" if v.startswith("-") else v) for k, v in values.items()})
        self._settings["mul_symbol_latex"] = r" \cdot "
        self.varying = frozenset(varying)

    def _varies(self, expr) -> bool:
        return any(s.name in self.varying for s in expr.free_symbols)


@dataclass(frozen=True)
class Substituted:
    """An expression with every value replaced by a placeholder symbol ``v0, v1, …``."""

    expr: sp.Expr
    shown: dict          # placeholder name -> the number as printed
    values: dict         # placeholder symbol -> float
    varying: frozenset   # placeholders of array elements

    def printer(self) -> "NumberLatex":
        return NumberLatex(self.shown, self.varying)

    def value(self, expr=None) -> float:
        return float((self.expr if expr is None else expr).xreplace(self.values))


def substitute(expr, env: dict, at: dict, sizes: dict) -> Substituted:
    """``expr`` with its free indices at ``at``, its sums written out and every array element,
    statistic and parameter replaced by a placeholder for its value."""
    by_name = {s.name: s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    fixed = {by_name[k]: v for k, v in {**at, **sizes}.items() if k in by_name}
    e = expr.xreplace(fixed).doit()
    values, shown, numeric, varying = {}, {}, {}, set()
    for ix in sorted(e.atoms(sp.Indexed), key=str):
        arr = np.asarray(env[str(ix.base.label)])
        sym = sp.Symbol(f"v{len(values)}")
        values[ix], numeric[sym] = sym, float(arr[tuple(int(i) for i in ix.indices)])
        shown[sym.name] = number_tex(numeric[sym])
        varying.add(sym.name)
    for s in sorted(e.free_symbols - set(values), key=str):
        if isinstance(s, sp.Symbol) and s.name in env and np.ndim(env[s.name]) == 0:
            sym = sp.Symbol(f"v{len(values)}")
            values[s], numeric[sym] = sym, float(env[s.name])
            shown[sym.name] = number_tex(numeric[sym])
    return Substituted(e.xreplace(values), shown, numeric, frozenset(varying))


def substituted(expr, env: dict, at: dict, sizes: dict) -> str:
    """:func:`substitute`, printed."""
    sub = substitute(expr, env, at, sizes)
    return sub.printer().doprint(sub.expr)


def resolve_cases(sub: Substituted):
    """Each case distinction replaced by the case that holds at these numbers: the expression and
    the conditions that chose the cases (an ``otherwise`` case: the earlier conditions negated)."""
    chosen = []

    def pick(pw):
        earlier = []
        for value, cond in pw.args:
            holds = cond is sp.true or bool(cond.xreplace(sub.values))
            if holds:
                taken = cond if cond is not sp.true else sp.And(*[sp.Not(c) for c in earlier])
                if taken is not sp.true:
                    chosen.append(taken)
                return value
            earlier.append(cond)
        raise ValueError(f"no case of {pw} holds")
    expr = sub.expr.replace(lambda e: isinstance(e, sp.Piecewise), pick)
    return expr, chosen


def _plain_width(tex: str) -> int:
    """Roughly how wide ``tex`` prints, in characters (a fraction counts its wider part)."""
    tex = re.sub(r"\\(left|right)\b|\\[,:;!]|\s+", "", tex)
    for _ in range(4):
        tex = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}",
                     lambda m: max(m.group(1), m.group(2), key=len), tex)
    tex = re.sub(r"\\[A-Za-z]+", "x", tex)
    return len(tex.replace("{", "").replace("}", ""))


def _terms(expr) -> list:
    """The terms of a sum in the order the printer writes them: positive first."""
    if not isinstance(expr, sp.Add):
        return [expr]
    terms = list(expr.as_ordered_terms())
    return [t for t in terms if not t.could_extract_minus_sign()] + \
        [t for t in terms if t.could_extract_minus_sign()]


def _rows(expr, printer) -> list[str]:
    """``expr`` as one row, or as several (whole terms of its sum per row) when it is too wide."""
    whole = printer.doprint(expr)
    if _plain_width(whole) <= ROW_WIDTH or not isinstance(expr, sp.Add):
        return [whole]
    rows, current = [], ""
    for k, t in enumerate(_terms(expr)):
        if k == 0:
            part = printer.doprint(t)
        elif t.could_extract_minus_sign():
            negated = printer.doprint(-t)
            part = f"- \\left({negated}\\right)" if isinstance(-t, sp.Add) else f"- {negated}"
        else:
            part = f"+ {printer.doprint(t)}"
        if current and _plain_width(current + part) > ROW_WIDTH:
            rows.append(current)
            current = ""
        current = f"{current} {part}".strip()
    rows.append(current)
    return rows


def by_hand_equation(d, f) -> Equation:
    return by_hand_answer(d, f)[0]


def by_hand_answer(d, f) -> tuple[Equation, bool]:
    """The first entry of the first input's gradient at the worked example, numbers substituted.
    When that is too wide for a line: only the case of the formula that holds there, and the sum
    broken over aligned rows."""
    p = example_point(d)
    name = next(iter(d.steps))
    step = d.steps[name]
    at = {i.name: 0 for i in step.index}
    value = p.vjp_value(step.vjp, name).reshape(-1)[0]
    code = p.code_backward()[name].reshape(-1)[0]
    element = latex(step.input.base[tuple(0 for _ in step.index)], display_names(d.module))
    sub = substitute(step.vjp, p.env, at, p.sizes)
    printer = sub.printer()
    expr, cases = sub.expr, []
    if _plain_width(printer.doprint(expr)) > ROW_WIDTH:  # too wide: only the case that holds
        expr, cases = resolve_cases(sub)
    rows = _rows(expr, printer)
    lhs = rf"\frac{{\partial C}}{{\partial {element}}}"
    result = number(value)
    if cases:
        condition = printer.doprint(sp.And(*cases))
        result += rf" \qquad \left(\text{{for}}\: {condition}\right)"
    if len(rows) == 1:
        tex = f"{lhs} = {rows[0]} = {result}"
    else:
        lines = [f"{lhs} &= {rows[0]}"] + [rf"&\quad {r}" for r in rows[1:]] + [f"&= {result}"]
        tex = aligned(lines)
    shown_error = rel_error(sub.value(expr), code)
    holds = all(bool(c.xreplace(sub.values)) for c in cases)
    return Equation(tex, (step.vjp,), "the generated numpy backward at the worked example (the "
                    "formula, and the numbers shown)",
                    max(rel_error(value, code), shown_error) if holds else float("inf")), bool(cases)


# -- blocks ---------------------------------------------------------------------------------------
def exercise_blocks(w, d, f=None):
    """The exercises of the page of ``d`` (a module, a rule, or a notes page by name)."""
    name = d if isinstance(d, str) else d.name
    by_hand = f is not None and name in EXAMPLES
    own = [key for key in (f"ex.{name}.q", f"ex.{name}.q2") if key in w.s]
    if not (by_hand or name in DERIVE or own):
        return
    w.heading("h.exercises")
    number_ = 1
    if by_hand:
        first = next(iter(d.steps))
        with w.group("exercise", "ex.byhand.q", level=number_, x=f.inputs[first].symbol):
            eq, one_case = by_hand_answer(d, f)
            w.math(eq)
            w.para("ex.byhand.a_case" if one_case else "ex.byhand.a")
        number_ += 1
    if name in DERIVE:
        answer = DERIVE[name]
        with w.group("exercise", f"ex.derive.q.{'expr' if answer.expr else 'module'}", level=number_,
                     wrt=answer.wrt, expr=answer.expr):
            w.para("ex.derive.a")
            w.code(answer.command(), language="sh")
        number_ += 1
    for question in own:
        with w.group("exercise", question, level=number_):
            w.para(question.replace(".q", ".a"))
        number_ += 1
