"""formulas: every display equation of a module's page, built once from its derivation and checked.

:func:`module_formulas` prints each SymPy object of the derivation (forward, statistics, partial
derivative, Jacobian, chain rule, matrix form, key results) into an
:class:`~symbp.docs.equations.Equation` checked at a :class:`~symbp.docs.points.ModulePoint`.
The pages of both languages pick from the same checked objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from ..codegen.kernel import build_kernel
from ..derive import Derivation
from ..derive.index import sum_out
from ..names import OUTPUT, UPSTREAM
from .equations import Equation, aligned, rel_error
from .latex import PARAM_LATEX, display_names, latex
from .matrix import NoMatrixForm, bookkeeping, check_matrix_form, matrix_form
from .matrix import matrix_latex
from .points import ModulePoint


@dataclass
class InputFormulas:
    """The steps for one input; ``None`` where the page shows no such step."""

    name: str
    symbol: str                    # how the page writes the input (``x``, ``z``, ``W``)
    element: str                   # one element (``x_{cj}``)
    partial: Equation | None = None
    through: Equation | None = None
    direct: Equation | None = None
    jacobian: Equation | None = None
    jacobian_y: Equation | None = None
    chain: Equation | None = None
    matrix: Equation | None = None
    fixed: Equation | None = None  # with statistics: the notes' case, statistics held fixed
    vjp: Equation | None = None    # ∂C/∂x alone (the key result's form)


@dataclass
class ModuleFormulas:
    forward: Equation
    statistics: Equation | None
    inputs: dict[str, InputFormulas]
    key: list[Equation] = field(default_factory=list)
    point: ModulePoint | None = None
    output: str = "y"              # the output's letter (``L`` for a scalar loss)


def element(base_latex: str, idx) -> str:
    subs = [str(i) for i in idx]
    return f"{base_latex}_{{{''.join(subs) if all(len(s) == 1 for s in subs) else ','.join(subs)}}}"


def combined(tex: str, parts: list[Equation]) -> Equation:
    """One display made of several checked parts: the worst error stands for all."""
    return Equation(tex, tuple(o for p in parts for o in p.shown),
                    "; ".join(dict.fromkeys(p.check for p in parts)), max(p.error for p in parts))


@lru_cache(maxsize=64)
def module_formulas(d: Derivation, report) -> ModuleFormulas:
    m = d.module
    names = display_names(m)
    point = ModulePoint(d)
    y = names.get("_y", "y")
    lhs = element(y, m.index) if m.index else "L"
    forward = point.forward_equation(f"{lhs} = {latex(m.forward, names)}")
    stats = None
    if m.statistics:
        rows = [rf"{latex(st.base[st.index], names)} &= {latex(st.expr, names)}" for st in m.statistics]
        stats = Equation(aligned(rows), tuple(st.expr for st in m.statistics),
                         "the forward with these statistics against the generated numpy forward",
                         forward.error)
    kernel = build_kernel(d)
    inputs = {name: _input_formulas(d, report, point, name, names, lhs, kernel) for name in d.steps}
    out = ModuleFormulas(forward, stats, inputs, point=point, output="L" if not m.index else y)
    out.key = key_results(d, out, names)
    return out


def _symbols(d, names) -> dict[str, str]:
    return {t.name: names.get(t.name, latex(sp.Symbol(t.name))) for t in d.module.inputs}


def _input_formulas(d, report, point, name, names, lhs, kernel) -> InputFormulas:
    m, step = d.module, d.steps[name]
    x = _symbols(d, names)[name]
    x_el = latex(step.input.base[step.index], names)
    f = InputFormulas(name, x, x_el)
    dy = rf"\frac{{\partial {lhs}}}{{\partial {x_el}}}"
    if step.direct is None:
        f.partial = point.derivative(f"{dy} = {latex(step.partial, names)}", step.partial, name)
    else:
        f.through, f.direct, f.fixed = _through_statistics(d, point, name, names, dy, x_el)
    if step.direct is not None or step.jacobian != step.partial:
        f.jacobian = point.derivative(f"{dy} = {latex(step.jacobian, names)}", step.jacobian, name)
    if step.jacobian_y is not None:
        f.jacobian_y = point.derivative(f"{dy} = {latex(step.jacobian_y, names)}", step.jacobian_y, name)
    g_el = element("g", m.index) if m.index else "g"
    over = "".join(str(i) for i in m.index)
    dc = rf"\frac{{\partial C}}{{\partial {x_el}}}"
    middle = rf"\sum_{{{over}}} {g_el} \, {dy}" if m.index else rf"{g_el} \, {dy}"
    vjp = point.vjp(f"{dc} = {latex(step.vjp, names)}", step.vjp, name)
    chain_value = point.vjp("", step.chain, name)
    f.chain = combined(f"{dc} = {middle} = {latex(step.vjp, names)}", [vjp, chain_value])
    f.vjp = vjp
    f.matrix = _matrix(d, name, names)
    return f


def _through_statistics(d, point, name, names, dy, x_el):
    """The statistics' derivatives, the direct part, and the notes' fixed-statistics case."""
    m, step = d.module, d.steps[name]
    stats = {st.name: st for st in m.statistics}
    rows, parts = [], []
    for stat_name, expr in step.through:
        st = stats[stat_name]
        rows.append(rf"\frac{{\partial {latex(st.base[st.index], names)}}}{{\partial {x_el}}} "
                    rf"&= {latex(expr, names)}")
        parts.append(point.derivative("", expr, name, of=stat_name,
                                      free_out=point.free(st.index, st.dims)))
    through = combined(aligned(rows), parts)
    direct = point.derivative(rf"\left.{dy}\right|_{{\text{{direct}}}} = {latex(step.direct, names)}",
                              step.direct, name, of="direct")
    g_el = UPSTREAM.base[m.index]
    fixed_vjp = sum_out(g_el * step.direct, m.ranges(m.index, m.out_dims))
    fixed = point.vjp(rf"\left.\frac{{\partial C}}{{\partial {x_el}}}\right|_{{\text{{fixed}}}} = "
                      f"{latex(fixed_vjp, names)}", fixed_vjp, name, of="direct")
    return through, direct, fixed


def _matrix(d: Derivation, name: str, names: dict) -> Equation | None:
    """The VJP for ``name`` as a SymPy matrix expression, evaluated against the generated backward
    (none for elementwise modules, where it is the index form, or where no matrix form exists)."""
    if d.module.elementwise:
        return None
    scalar_out = not d.module.out_dims
    display = {UPSTREAM.code: "g" if scalar_out else "G", OUTPUT.code: "y" if scalar_out else "Y"}
    display.update({t.name: (names.get(t.name) or t.name) for t in d.module.inputs})
    display.update({st.name: latex(st.base) for st in d.module.statistics})
    try:
        expr = matrix_form(d, name, display)
    except NoMatrixForm:
        return None
    error = check_matrix_form(d, name, expr, display)
    x = names.get(name, latex(sp.Symbol(name)))
    tex = rf"\frac{{\partial C}}{{\partial {x}}} = {matrix_latex(expr, PARAM_LATEX)}"
    shapes = bookkeeping(expr)
    return Equation(tex + (r"\qquad " + shapes if shapes else ""), (expr,),
                    "the matrix expression evaluated against the generated backward at random "
                    "distinct sizes", error)


# -- key results ----------------------------------------------------------------------------------
def matrix_values(expr, arrays: dict) -> np.ndarray:
    """A matrix expression evaluated with numpy (``arrays``: MatrixSymbol -> ndarray)."""
    syms = list(arrays)
    plain = {s: sp.MatrixSymbol(f"M{k}", *s.shape) for k, s in enumerate(syms)}  # names fit for code
    fn = sp.lambdify([plain[s] for s in syms], expr.xreplace(plain), modules="numpy")
    return np.asarray(fn(*[np.asarray(arrays[s], dtype=float) for s in syms]), dtype=float)


def _linear_key(d, formulas, names):
    """The three VJPs in matrix form: the derived, checked matrix forms of the inputs, stacked."""
    rows = [rf"\frac{{\partial C}}{{\partial {f.symbol}}} &= {matrix_latex(f.matrix.shown[0], PARAM_LATEX)}"
            for f in formulas.inputs.values()]
    return [combined(aligned(rows), [f.matrix for f in formulas.inputs.values()])]


def _softmax_key(d, formulas, names):
    """Each row's Jacobian ``diag(y) - y yᵀ``, against the generated backward's rows."""
    p = formulas.point
    n = p.sizes["n"]
    yv = sp.MatrixSymbol("y", n, 1)
    expr = sp.DiagMatrix(yv) - yv * yv.T
    out, cache = p.code_forward()
    rows = []
    for k in range(n):  # row k of the Jacobian of sample 0: backward of the k-th unit vector
        g = np.zeros_like(out)
        g[0, k] = 1.0
        rows.append(np.asarray(p.code.backward(g, cache)[0])[0])
    err = rel_error(matrix_values(expr, {yv: out[0].reshape(n, 1)}), np.array(rows))
    tex = rf"\frac{{\partial y}}{{\partial x}} = {matrix_latex(expr)}"
    return [Equation(tex, (expr,), "the generated numpy backward, row by row", err)]


def row_total(d: Derivation):
    """A row-wise module's parts: its batch and class indices, its input and ``Σ_k e^{x_bk}``."""
    m = d.module
    b, i = m.index
    (total,) = m.forward.atoms(sp.Sum)
    return b, i, m.inputs[0].base, total


def _log_softmax_key(d, formulas, names):
    """The vector-Jacobian product, and the log-sum-exp shift the generated code uses."""
    b, i, x, total = row_total(d)
    k = total.limits[0][0]
    a = sp.IndexedBase("a", real=True)
    shifted = a[b] + sp.log(sp.Sum(sp.exp(x[b, k] - a[b]), *total.limits))
    p = formulas.point
    env = {**p.env, "a": p.inputs["x"].max(axis=-1)}
    from .equations import values_of
    free = p.free((b,), ("B",))
    err = rel_error(values_of(sp.log(total), env, free), values_of(shifted, env, free))
    tex = (rf"\log {latex(total, names)} = {latex(shifted, names)}, \qquad "
           rf"a_{{{b}}} = \max_{{{k}}} x_{{{b}{k}}}")
    lse = Equation(tex, (sp.log(total), shifted), "both sides at the worked point", err)
    return [_vjp(formulas, "x"), lse]


def _vjp(formulas, name):
    return formulas.inputs[name].vjp


def _fixed_and_batch(d, formulas, names):
    f = formulas.inputs["x"]
    return [f.fixed, f.vjp]


def key_results(d, formulas, names) -> list[Equation]:
    special = {"linear": _linear_key, "softmax": _softmax_key, "log_softmax": _log_softmax_key,
               "normalize": _fixed_and_batch}
    if d.module.name in special:
        return special[d.module.name](d, formulas, names)
    return [f.vjp for f in formulas.inputs.values()]
