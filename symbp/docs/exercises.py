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

import shlex
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .equations import Equation, rel_error
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
class NumberLatex(IndexLatex):
    """Numbers substituted into a formula, ``·`` between factors, negatives in parentheses."""

    def __init__(self, values: dict[str, str]):
        super().__init__({k: (f"\\left({v}\\right)" if v.startswith("-") else v) for k, v in values.items()})
        self._settings["mul_symbol_latex"] = r" \cdot "


def substituted(expr, env: dict, at: dict, sizes: dict) -> str:
    """``expr`` with its free indices at ``at``, its sums written out and every array element,
    statistic and parameter replaced by its value (short decimals)."""
    by_name = {s.name: s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    fixed = {by_name[k]: v for k, v in {**at, **sizes}.items() if k in by_name}
    e = expr.xreplace(fixed).doit()
    values, names = {}, {}
    for ix in sorted(e.atoms(sp.Indexed), key=str):
        arr = np.asarray(env[str(ix.base.label)])
        sym = sp.Symbol(f"v{len(values)}")
        values[ix], names[sym.name] = sym, number(arr[tuple(int(i) for i in ix.indices)])
    for s in sorted(e.free_symbols - set(values), key=str):
        if isinstance(s, sp.Symbol) and s.name in env and np.ndim(env[s.name]) == 0:
            sym = sp.Symbol(f"v{len(values)}")
            values[s], names[sym.name] = sym, number(env[s.name])
    return NumberLatex(names).doprint(e.xreplace(values))


def by_hand_equation(d, f) -> Equation:
    """The first entry of the first input's gradient at the worked example, numbers substituted."""
    p = example_point(d)
    name = next(iter(d.steps))
    step = d.steps[name]
    at = {i.name: 0 for i in step.index}
    value = p.vjp_value(step.vjp, name).reshape(-1)[0]
    code = p.code_backward()[name].reshape(-1)[0]
    element = latex(step.input.base[tuple(0 for _ in step.index)], display_names(d.module))
    tex = (rf"\frac{{\partial C}}{{\partial {element}}} = "
           rf"{substituted(step.vjp, p.env, at, p.sizes)} = {number(value)}")
    return Equation(tex, (step.vjp,), "the generated numpy backward at the worked example",
                    rel_error(value, code))


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
            w.math(by_hand_equation(d, f))
            w.para("ex.byhand.a")
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
