"""latex: index-form expressions as LaTeX (the documents' formulas), special cases as ``_print_X``
methods of :class:`IndexLatex`: ``x[b, k]`` -> ``x_{bk}``, ``KroneckerDelta(i, j)`` ->
``\\delta_{ij}``, ``Sum`` -> ``\\sum_{k}``, the upstream gradient ``_g`` -> ``g``, the output ``_y``
-> ``y``, parameters by their usual letters (``lr`` -> ``\\eta``). Matrix forms are printed by
:mod:`symbp.docs.matrix`.
"""
from __future__ import annotations

import contextlib
import sys

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..names import LATEX_NAMES

PARAM_LATEX = {"lr": r"\eta", "mu": r"\mu", "beta1": r"\beta_1", "beta2": r"\beta_2",
               "eps": r"\epsilon", "alpha": r"\alpha", "grad": r"\frac{\partial C}{\partial w}"}


ORDERINGS = (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)

# the words of a case distinction, per language ("x for x >= 0, 0 otherwise")
CASE_WORDS = {"en": ("for", "otherwise"), "vi": ("nếu", "ngược lại")}


EXACT_FRACTION_NODES = 400  # products larger than this are split into a fraction without simplify


def _nodes(expr) -> int:
    return sum(1 for _ in sp.preorder_traversal(expr))


@contextlib.contextmanager
def _inexact_fractions():
    """``sympy.simplify.fraction`` (which the LaTeX printer imports at each call) with
    ``exact=False``: no ``is_constant()`` question per exponent."""
    module = sys.modules["sympy.simplify"]  # (sympy.simplify, the attribute, is the function)
    original = module.fraction
    module.fraction = lambda e, **_: original(e, exact=False)
    try:
        yield
    finally:
        module.fraction = original


class IndexLatex(LatexPrinter):
    """Index-form SymPy expressions in the notes' notation (case words in ``lang``)."""

    def __init__(self, names: dict | None = None, lang: str = "en"):
        super().__init__({"fold_short_frac": False, "mul_symbol": None})
        self.names = {**LATEX_NAMES, **PARAM_LATEX, **(names or {})}
        self.case_for, self.case_else = CASE_WORDS[lang]

    def doprint(self, expr):
        self._whole = expr
        return super().doprint(expr)

    def _print_Piecewise(self, expr):
        """The cases in a brace; in parentheses when the cases are only part of the expression (a
        term of a sum, a factor), so that what follows the brace is not read as part of a case."""
        rows = [rf"{self._print(e)} & \text{{{self.case_for}}}\: {self._print(c)}"
                if c is not sp.true else rf"{self._print(e)} & \text{{{self.case_else}}}"
                for e, c in expr.args]
        text = r"\begin{cases} " + r" \\".join(rows) + r" \end{cases}"
        return text if expr is getattr(self, "_whole", None) else rf"\left({text}\right)"

    def _print_Mul(self, expr):
        """SymPy splits a product into numerator and denominator with ``fraction(exact=True)``,
        which asks ``is_constant()`` (a ``simplify``) of every exponent: minutes for nested
        sigmoids. A product that large is split without that question."""
        if self._inexact or _nodes(expr) <= EXACT_FRACTION_NODES:
            return super()._print_Mul(expr)
        self._inexact = True
        try:
            with _inexact_fractions():
                return super()._print_Mul(expr)
        finally:
            self._inexact = False

    _inexact = False

    def _needs_mul_brackets(self, expr, first=False, last=False) -> bool:
        if isinstance(expr, sp.Piecewise):  # it brackets itself
            return False
        return super()._needs_mul_brackets(expr, first=first, last=last)

    def _varies(self, expr) -> bool:
        """Whether ``expr`` holds an array element (the side of a comparison written first)."""
        return expr.has(sp.Indexed)

    def _print_Relational(self, expr):
        r"""One orientation on every page: the varying side first (``\sigma_{i} > \epsilon``,
        ``x_{i} \geq 0``), whichever way SymPy holds the comparison."""
        if isinstance(expr, ORDERINGS) and not self._varies(expr.lhs) and self._varies(expr.rhs):
            expr = expr.reversed
        return super()._print_Relational(expr)

    def _name(self, name: str) -> str:
        if name in self.names:
            return self.names[name]
        if len(name) > 1 and "_" not in name and name.isalpha():
            return rf"\mathrm{{{name}}}" if name not in ("alpha", "beta", "gamma", "sigma") else "\\" + name
        return super()._print_Symbol(sp.Symbol(name))

    def _print_Symbol(self, expr, style="plain"):
        return self._name(expr.name)

    def _print_IndexedBase(self, expr):
        return self._name(str(expr.label))

    def _print_Indexed(self, expr):
        name = str(expr.base.label)
        subs = [self._print(i) for i in expr.indices]
        if name == "grad":
            return rf"\frac{{\partial C}}{{\partial w_{{{''.join(subs)}}}}}"
        numbered = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
        if numbered and name not in self.names:  # x1[i] -> x_{1,i}
            base, subs = numbered.group(1), [numbered.group(2)] + subs
        else:
            base = self._print(expr.base)
        sep = "" if all(len(s) == 1 for s in subs) and not numbered else ","
        return f"{base}_{{{sep.join(subs)}}}"

    def _print_Pow(self, expr):
        """A fraction-shaped base (the caller's ``∂C/∂w_i``) in parentheses before its exponent."""
        base = expr.base
        if isinstance(base, sp.Indexed) and str(base.base.label) == "grad" and expr.exp != -1:
            return rf"\left({self._print(base)}\right)^{{{self._print(expr.exp)}}}"
        return super()._print_Pow(expr)

    def _print_KroneckerDelta(self, expr, exp=None):
        a, b = (self._print(x) for x in expr.args)
        sep = "" if len(a) == 1 and len(b) == 1 else ","
        return rf"\delta_{{{a}{sep}{b}}}"

    def _print_Sum(self, expr):
        over = "".join(self._print(v) for v, *_ in expr.limits[::-1])
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = rf"\left({body}\right)"
        return rf"\sum_{{{over}}} {body}"

    def _print_Add(self, expr, order=None):
        r"""Positive terms first: ``w_i - \eta g_i``, ``G - (G \odot Y)\mathbf{1}``."""
        pos = [t for t in expr.args if not t.could_extract_minus_sign()]
        neg = [-t for t in expr.args if t.could_extract_minus_sign()]
        if not pos or not neg:
            return super()._print_Add(expr, order)
        text = " + ".join(self._print(t) for t in pos)
        for t in neg:
            part = self._print(t)
            text += f" - \\left({part}\\right)" if isinstance(t, sp.Add) else f" - {part}"
        return text

    def _print_sign(self, expr, exp=None):
        return rf"\operatorname{{sign}}\left({self._print(expr.args[0])}\right)"

    def _print_Sigmoid(self, expr, exp=None):
        text = rf"\sigma\left({self._print(expr.args[0])}\right)"
        return rf"{text}^{{{exp}}}" if exp else text


def latex(expr, names=None, lang: str = "en") -> str:
    return IndexLatex(names, lang).doprint(expr)


def display_names(module) -> dict[str, str]:
    """How a module's inputs are written (``logits`` -> ``z``); the output is ``y`` unless an
    input already is."""
    names = {t.name: t.symbol for t in module.inputs if t.symbol}
    if any(t.name == "y" for t in module.inputs):
        names["_y"] = r"\tilde{y}"
    return names
