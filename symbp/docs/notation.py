"""notation: the table of symbols at the top of each page (symbol, meaning, shape).

Rows come from the derivation itself — its inputs, output, indices, parameters and statistics —
so the table cannot drift from the formulas below it.
"""
from __future__ import annotations

import sympy as sp

from .latex import PARAM_LATEX, display_names, latex


def _dims(dims, elementwise: bool, s) -> str:
    if elementwise and dims == ("N",):
        return s["notation.any"]
    return "$" + (r" \times ".join(dims) if dims else "1") + "$"


def notation_blocks(w, d, f):
    """A module page's notation table."""
    m = d.module
    names = display_names(m)
    rows, en_rows = [], []

    def row(symbol: str, key: str, shape: str, en_shape: str | None = None, **fmt):
        rows.append([f"${symbol}$", w.s[key].format(**fmt), shape])
        en_rows.append([f"${symbol}$", w.en[key].format(**fmt), en_shape or shape])

    for t in m.inputs:
        key = {"class": "notation.classes", "mask": "notation.mask"}.get(t.kind, "notation.input")
        key = f"notation.input.{m.name}.{t.name}" if f"notation.input.{m.name}.{t.name}" in w.s else key
        row(names.get(t.name, latex(sp.Symbol(t.name))), key, _dims(t.dims, m.elementwise, w.s),
            _dims(t.dims, m.elementwise, w.en), name=t.name)
    out_shape = _dims(m.out_dims, m.elementwise, w.s) if m.out_dims else "$1$"
    row(f.output, "notation.output" if m.out_dims else "notation.loss", out_shape,
        _dims(m.out_dims, m.elementwise, w.en) if m.out_dims else "$1$")
    row("g", "notation.g", out_shape, _dims(m.out_dims, m.elementwise, w.en) if m.out_dims else "$1$",
        y=f.output)
    row("C", "notation.cost", "$1$")
    for st in m.statistics:
        row(latex(st.base[st.index], names), f"notation.stat.{st.name}", f"${' '.join(st.dims)}$")
    for p in m.params:
        row(PARAM_LATEX.get(p.name, p.name), _param_key(w, m.name, p.name), "$1$", default=p.default)
    out_idx = ", ".join(str(i) for i in m.index)
    in_idx = sorted({str(i) for s in d.steps.values() for i in s.index}, key=lambda n: "cjlpqsuv".find(n))
    if out_idx:
        row(out_idx, "notation.out_index", "—")
    else:  # a scalar: the indices of its sum over the elements (``\sum_{bi}``) are named instead
        summed = _outer_sum_indices(m.forward)
        if summed:
            row(", ".join(summed), "notation.sum_index", "—")
    row(", ".join(in_idx), "notation.in_index", "—")
    if any(s.partial.has(sp.KroneckerDelta) for s in d.steps.values()):
        row(r"\delta_{ij}", "notation.delta", "—")
    _table(w, rows, en_rows)


def _outer_sum_indices(expr) -> list[str]:
    """The summation indices of the outermost sums of ``expr`` (not those of a sum inside one)."""
    sums = list(expr.atoms(sp.Sum))
    outer = [s for s in sums if not any(s != t and t.function.has(s) for t in sums)]
    found = []
    for s in outer:
        for v, *_ in reversed(s.limits):  # as the printer writes them, \sum_{bi}
            if str(v) not in found:
                found.append(str(v))
    return found


def rule_notation_blocks(w, rd):
    rule = rd.rule
    rows, en_rows = [], []

    def row(symbol: str, key: str, **fmt):
        rows.append([f"${symbol}$", w.s[key].format(**fmt)])
        en_rows.append([f"${symbol}$", w.en[key].format(**fmt)])

    row("w_i", "notation.rule.w")
    row(r"\frac{\partial C}{\partial w_i}", "notation.rule.grad")
    row(r"\frac{\partial L}{\partial w_i}", "notation.rule.loss_grad")
    if rule.penalty != 0:
        row("R(w)", "notation.rule.R")
    for p in rule.params:
        row(PARAM_LATEX.get(p.name, p.name), _param_key(w, rule.name, p.name), default=p.default)
    for s in rule.state:
        row(latex(sp.IndexedBase(s)[sp.Symbol("i")]), f"notation.rule.state.{s}")
    if rule.counter:
        row(rule.counter, "notation.rule.counter")
    w.heading("notation.title")
    w.table(["notation.col.symbol", "notation.col.meaning"], rows)


def _param_key(w, owner: str, name: str) -> str:
    """A parameter's meaning: the page's own (``notation.param.adam.eps``) where one parameter
    name means different things on different pages, else the shared one."""
    own = f"notation.param.{owner}.{name}"
    return own if own in w.s else f"notation.param.{name}"


def _table(w, rows, en_rows):
    w.heading("notation.title")
    w.table(["notation.col.symbol", "notation.col.meaning", "notation.col.shape"], rows)
