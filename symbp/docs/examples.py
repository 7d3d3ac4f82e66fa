"""examples: a worked numeric example on every module page.

Small inputs with short decimals (``EXAMPLES``); the forward and backward computed by the
generated numpy code (``symbp.load``) beside the same numbers from the formulas (SymPy's
index-form expressions evaluated at that point), so a student can redo them by hand.
"""
from __future__ import annotations

import numpy as np

from .latex import display_names, latex
from .points import ModulePoint

# inputs, upstream gradient and parameters of each module's worked example (no kink, no tie)
EXAMPLES = {
    "linear": dict(inputs=dict(x=[[1.0, -2.0]], W=[[0.5, -1.0], [2.0, 0.25]], b=[0.1, -0.3]),
                   g=[[1.0, -0.5]]),
    "relu": dict(inputs=dict(x=[-1.5, 0.5, 2.0]), g=[1.0, -0.5, 0.25]),
    "duplicate": dict(inputs=dict(x=[1.0, -2.0, 0.5]), g=[[1.0, -0.5, 0.25], [0.5, 2.0, -1.0]]),
    "add": dict(inputs=dict(x1=[1.0, -2.0, 0.5], x2=[0.5, 1.5, -1.0]), g=[1.0, -0.5, 0.25]),
    "max": dict(inputs=dict(x1=[1.0, -2.0, 0.5], x2=[0.5, 1.5, -1.0]), g=[1.0, -0.5, 0.25]),
    "sigmoid": dict(inputs=dict(x=[-1.0, 0.0, 2.0]), g=[1.0, -0.5, 0.25]),
    "tanh": dict(inputs=dict(x=[-1.0, 0.0, 2.0]), g=[1.0, -0.5, 0.25]),
    "softmax": dict(inputs=dict(x=[[1.0, 2.0, 0.5]]), g=[[1.0, -0.5, 0.25]]),
    "log_softmax": dict(inputs=dict(x=[[1.0, 2.0, 0.5]]), g=[[1.0, -0.5, 0.25]]),
    "cross_entropy": dict(inputs=dict(logits=[[1.0, 2.0, 0.5], [0.0, -1.0, 1.5]], target=[1, 2]),
                          g=1.0),
    "mse": dict(inputs=dict(pred=[[0.5, 1.0], [2.0, -1.0]], target=[[0.0, 1.5], [1.0, -1.5]]), g=1.0),
    "l2_penalty": dict(inputs=dict(w=[0.5, -1.0, 2.0]), g=1.0, params=dict(alpha=0.1)),
    "l1_penalty": dict(inputs=dict(w=[0.5, -1.0, 2.0]), g=1.0, params=dict(alpha=0.1)),
    "dropout": dict(inputs=dict(x=[1.0, -2.0, 0.5], mask=[1.0, 0.0, 1.0]), g=[1.0, -0.5, 0.25],
                    params=dict(p=0.5)),
    "normalize": dict(inputs=dict(x=[[1.0, 2.0], [3.0, 0.0], [2.0, 4.0]]),
                      g=[[1.0, -0.5], [0.25, 1.0], [-1.0, 0.5]]),
}


def number(v: float) -> str:
    """A short decimal: 4 places, trailing zeros dropped (``0.5``, ``-0.1966``, ``0``)."""
    text = np.format_float_positional(round(float(v), 4), trim="-")
    return "0" if text in ("-0", "0") else text


MINUS = "\u2212"  # the minus sign of prose (a hyphen is not a minus)


def with_minus(text: str) -> str:
    """A number written for prose: a real minus sign instead of the hyphen (``−99.98``)."""
    return MINUS + text[1:] if text.startswith("-") else text


def significant(v: float, digits: int) -> str:
    """``v`` with ``digits`` significant digits, trailing zeros kept (``0.0340``, ``1.88``, ``143``),
    a real minus sign, ``∞`` for infinities: the numbers of one table column read alike."""
    v = float(v)
    if not np.isfinite(v):
        return "∞" if v > 0 else MINUS + "∞"
    if v == 0:
        return "0"
    if abs(v) >= 10 ** (digits - 1):  # no digit after the point, and no integer digit dropped
        return with_minus(f"{v:.0f}")
    return with_minus(f"{v:#.{digits}g}".rstrip("."))  # '#': trailing zeros kept


def param_text(v: float) -> str:
    """A parameter as written in code (``1e-05``, ``0.5``)."""
    return f"{float(v):g}"


def array_text(a) -> str:
    a = np.asarray(a)
    if a.ndim == 0:
        return number(a)
    return "[" + ", ".join(array_text(x) for x in a) + "]"


def example_point(d) -> ModulePoint:
    ex = EXAMPLES[d.module.name]
    inputs = {k: np.asarray(v, dtype=int if d.module.input(k).kind == "class" else float)
              for k, v in ex["inputs"].items()}
    return ModulePoint(d, inputs=inputs, params=ex.get("params"), g=ex["g"])


def example_values(d) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per quantity (``out`` and each input's gradient): (generated code, formula) at the example."""
    p = example_point(d)
    code_out, _ = p.code_forward()
    values = {"out": (code_out, p.out)}
    grads = p.code_backward()
    for name, step in d.steps.items():
        values[name] = (grads[name], p.vjp_value(step.vjp, name))
    return values


def example_blocks(w, d, f):
    if d.module.name not in EXAMPLES:
        return
    m = d.module
    names = display_names(m)
    p = example_point(d)
    w.heading("h.example")
    w.para("example.intro")
    rows = [[f"${names.get(t.name, latex_symbol(t.name))}$", f"`{t.name}`", array_text(p.inputs[t.name])]
            for t in m.inputs]
    rows += [[f"${latex_symbol(k)}$", f"`{k}`", param_text(v)] for k, v in p.params.items()]
    rows.append(["$g$", "`dout`", array_text(p.g)])
    w.table(["example.col.symbol", "example.col.code", "example.col.value"], rows)
    w.para("example.side")
    values = example_values(d)
    out = f.output
    table = [[f"${out}$", array_text(values["out"][0]), array_text(values["out"][1])]]
    for name in d.steps:
        code, formula = values[name]
        table.append([rf"$\partial C / \partial {f.inputs[name].symbol}$", array_text(code),
                      array_text(formula)])
    w.table(["example.col.quantity", "example.col.generated", "example.col.formula"], table)
    w.para("example.byhand")


def latex_symbol(name: str) -> str:
    import sympy as sp
    return latex(sp.Symbol(name))
