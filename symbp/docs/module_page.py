"""module_page: the blocks of a module's page, one small function per section.

Every formula comes from :func:`~symbp.docs.formulas.module_formulas` (checked SymPy objects);
the prose comes from :mod:`symbp.docs.lang`. Section order: what it is, the key result, the
notation, the forward, each input's steps, the kinks, the worked example, the notes' claims,
PyTorch, the numeric check, the generated code, exercises.
"""
from __future__ import annotations

import sympy as sp

from ..codegen.kernel import build_kernel
from ..derive import Derivation, subgradients
from .blocks import Writer
from .claims import claims
from .examples import example_blocks
from .exercises import exercise_blocks
from .formulas import element, module_formulas
from .latex import display_names, latex
from .notation import notation_blocks
from .report import fmt_bound, fmt_bound_text
from .torch_check import torch_blocks


def module_blocks(d: Derivation, report, lang: str, figures: dict[str, str]) -> list:
    w = Writer(lang)
    f = module_formulas(d, report)
    _about(w, d.module.name)
    key_result(w, d.module.name, f.key)
    notation_blocks(w, d, f)
    _forward(w, d, f, figures)
    for name in d.steps:
        _input_steps(w, d, f, name)
    if d.module.statistics:
        _two_cases(w, f)
    _kinks(w, d)
    example_blocks(w, d, f)
    claim_blocks(w, d.module.name, d)
    torch_blocks(w, d)
    check_blocks(w, report)
    w.heading("h.code")
    w.para("code.intro", g="g")
    kernel = build_kernel(d)
    sources = [kernel.forward.source(), kernel.backward.source()] + [src for _, src in kernel.helpers]
    w.code("\n\n\n".join(src.rstrip() for src in sources))
    exercise_blocks(w, d, f)
    return w.blocks


def _about(w: Writer, name: str):
    if f"about.{name}" in w.s:
        w.text(w.s[f"about.{name}"], w.en[f"about.{name}"])


def key_result(w: Writer, name: str, equations):
    """The formula to remember and its intuition, in a box at the top."""
    with w.group("box", "key.title"):
        for eq in equations:
            w.math(eq)
        w.para(f"key.{name}" if f"key.{name}" in w.s else "key.generic")


def _shape(dims) -> str:
    return r" \times ".join(dims) if dims else "1"


def _forward(w: Writer, d, f, figures):
    m = d.module
    w.heading("h.forward")
    if m.elementwise and m.index:
        w.para("forward.elementwise", i=str(m.index[-1]))
    else:
        names = display_names(m)
        ins = ", ".join(f"${names.get(t.name, latex_name(t.name))}$: ${_shape(t.dims)}$" for t in m.inputs)
        out, en_out = ((f"${_shape(m.out_dims)}$",) * 2 if m.out_dims
                       else (w.s["forward.scalar"], w.en["forward.scalar"]))
        w.text(w.s["forward.shapes"].format(inputs=ins, output=out),
               w.en["forward.shapes"].format(inputs=ins, output=en_out))
    w.para("forward.formula" if m.index else "forward.formula_scalar")
    w.math(f.forward)
    if f.statistics:
        w.para("forward.statistics")
        w.math(f.statistics)
    _figures(w, m.name, figures)


def latex_name(name: str) -> str:
    import sympy as sp
    return latex(sp.Symbol(name))


def _figures(w: Writer, name: str, figures: dict):
    if "activation" in figures:
        w.figure(figures["activation"], "fig.activation", title=w.s.get(f"title.{name}", name))
    for extra in ("sigmoid", "softplus"):
        if extra in figures:
            if f"fig.{extra}.intro" in w.s:  # what the plot is, before it
                w.para(f"fig.{extra}.intro")
            w.figure(figures[extra], f"fig.{extra}")
    if "vanishing" in figures:
        w.heading("title.vanishing", level=3)
        w.figure(figures["vanishing"], "vanishing.figure")


def _count(dims) -> str:
    return r" \cdot ".join(str(x) for x in dims) if dims else "1"


def _input_steps(w: Writer, d, f, name: str):
    m, step, fi = d.module, d.steps[name], f.inputs[name]
    out = f.output
    w.heading("h.input", level=3, x=fi.symbol)
    w.heading("h.partial", level=4)
    if fi.partial is not None:
        w.para("partial.intro" if m.index else "partial.intro_scalar", x=fi.element, name=name, y=out)
        w.math(fi.partial)
    else:  # through the statistics: the deltas are in the formulas after ``partial.through``
        w.para("partial.intro_statistics", x=fi.element, name=name)
        w.step("partial.through", fi.through)
        w.step("partial.direct", fi.direct)
    w.heading("h.jacobian", level=4)
    if fi.jacobian is None:
        w.para("jacobian.same", base=fi.symbol, y=out)
    else:
        w.para("jacobian.intro", base=fi.symbol, y=out)
        w.math(fi.jacobian)
    if fi.jacobian_y is not None:
        w.para("jacobian.output")
        w.math(fi.jacobian_y)
    w.heading("h.chain", level=4)
    g_el = element("g", m.index) if m.index else "g"
    if m.index:
        w.para("chain.intro", g=g_el, y=element(out, m.index))
    else:
        w.para("chain.scalar", g=g_el)
    w.math(fi.chain)
    _bookkeeping(w, fi.symbol, step.input.dims, m.out_dims, out)
    if fi.matrix is not None:
        w.heading("h.matrix", level=4)
        w.para("matrix.intro", g=g_el)
        w.math(fi.matrix)


def _bookkeeping(w: Writer, base: str, in_dims, out_dims, out: str):
    """The notes' (1×N) = (1×M)(M×N), with N and M named only where they are not a letter."""
    n, m = _count(in_dims), _count(out_dims)
    sizes_n = "" if n == "N" else f" = {n}"
    sizes_m = "" if m == "M" else f" = {m}"
    w.para("chain.dims", base=base, y=out, N=sizes_n, M=sizes_m)


def _two_cases(w: Writer, f):
    """Normalisation with the dataset's statistics (the notes) and with the batch's, each named."""
    fi = f.inputs["x"]
    w.heading("h.cases", level=3)
    w.step("cases.fixed", fi.fixed)
    w.step("cases.batch", fi.vjp)


def _kinks(w: Writer, d):
    kinks = subgradients(d.module.forward)
    if not kinks:
        return
    names = display_names(d.module)
    w.heading("h.kinks")
    for cond, rule in kinks:
        if rule == "sign0":
            w.para("kinks.sign0", arg=latex(cond, names))
        else:  # the varying side first, as the formulas write the condition
            lhs, rhs = cond.lhs, cond.rhs
            if not lhs.has(sp.Indexed) and rhs.has(sp.Indexed):
                lhs, rhs = rhs, lhs
            w.para(f"kinks.{rule}", lhs=latex(lhs, names), rhs=latex(rhs, names), cond=latex(cond, names))


def claim_blocks(w: Writer, name: str, d):
    found = claims(name, d)
    if not found:
        return
    w.heading("h.claims")
    for c in found:
        status = "claims.proved" if c.holds and c.equation.ok else "claims.failed"
        w.text(f"{w.s[c.key]} ({w.s[status]})", f"{w.en[c.key]} ({w.en[status]})")
        w.math(c.equation)


def check_blocks(w: Writer, report, intro: str = "check.intro"):
    """One sentence with the verdict; the method and the table folded."""
    w.heading("h.check")
    worst = fmt_bound_text(report.max_rel_error)
    w.para("check.summary" if report.ok else "check.summary_failed", n=len(report.checks), worst=worst)
    rows = [[f"`{c.input}`", f"`{c.kind}`", c.size.replace(" ", ", "), fmt_bound(c.max_rel_error),
             f"{c.tolerance:.0e}", w.s["check.pass"] if c.ok else w.s["check.fail"]]
            for c in report.checks]
    with w.group("details", "check.details"):
        w.para(intro)
        w.table(["check.col.input", "check.col.kind", "check.col.size", "check.col.error",
                 "check.col.tol", "check.col.result"], rows)
