"""Reserved names: each defined once, with its code, plain-text and LaTeX spelling.

The derivation writes the upstream gradient, the forward output and an update rule's gradients as
SymPy symbols with these internal names; the generated code, the plain-text views and the
documents spell them as below. A user's input, size or parameter may not take an internal name.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class Reserved:
    """One reserved name: ``symbol`` in SymPy, ``code`` in numpy, ``text`` in plain text."""

    symbol: str
    code: str
    text: str
    latex: str

    @property
    def base(self) -> sp.IndexedBase:
        return sp.IndexedBase(self.symbol, real=True)

    @property
    def scalar(self) -> sp.Symbol:
        return sp.Symbol(self.symbol, real=True)


UPSTREAM = Reserved("_g", "dout", "dout", "g")               # ∂C/∂y, the upstream gradient
OUTPUT = Reserved("_y", "out", "out", "y")                    # the forward output
LOSS_GRAD = Reserved("_dL", "dL", "dL", r"\frac{\partial L}{\partial w}")  # an update rule's ∂L/∂w
COST_GRAD = Reserved("grad", "grad", "grad", r"\frac{\partial C}{\partial w}")  # the caller's ∂C/∂w

RESERVED = (UPSTREAM, OUTPUT, LOSS_GRAD, COST_GRAD)
INTERNAL = frozenset(r.symbol for r in RESERVED)

# indices of an update rule's elementwise steps: w[i]
RULE_INDEX = sp.Symbol("i", integer=True)
RULE_SUM_INDEX = sp.Symbol("k", integer=True)
WEIGHTS = sp.IndexedBase("w", real=True)

CODE_NAMES = {r.symbol: r.code for r in RESERVED}
TEXT_NAMES = {r.symbol: r.text for r in RESERVED}
LATEX_NAMES = {r.symbol: r.latex for r in RESERVED}
