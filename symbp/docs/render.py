"""render: (Derivation, Report) -> teaching documents, Markdown (en, vi) and LaTeX.

Python prepares every string — LaTeX of each step, prose from :mod:`symbp.lang`, tables — as a
list of *blocks*; the templates only lay the blocks out (``module.md.j2``, ``module.tex.j2``).
A block is a heading, a paragraph, a display equation, code, a table or a figure; each carries
its English text too, which the Vietnamese Markdown keeps in an HTML comment before the
translation, as the course site does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp

from ..catalog.kaiming import derive_kaiming
from ..catalog.schedules import SCHEDULES, decreasing, t
from ..check import verify
from ..codegen.extras import kaiming_source, schedule_source
from ..codegen.kernel import build_kernel, rule_function
from ..codegen.network import network_functions
from ..derive import Derivation, RuleDerivation, subgradients
from ..names import OUTPUT, RULE_INDEX, UPSTREAM, WEIGHTS
from ..templating import render
from ..version import __version__
from .claims import claims
from .lang import strings
from .latex import PARAM_LATEX, display_names, latex
from .matrix import NoMatrixForm, bookkeeping, checked_matrix_form, matrix_latex
from .report import fmt_bound

TRANSLATOR_DATE = "27 Nov 2026"


@dataclass
class Block:
    kind: str                 # heading | para | math | code | table | figure
    text: str = ""            # in the page's language (math: LaTeX; code: source)
    en: str = ""              # the English original
    level: int = 3
    rows: list = field(default_factory=list)
    header: list = field(default_factory=list)
    en_header: list = field(default_factory=list)
    path: str = ""


class _Writer:
    """Collects blocks in one language, with the English alongside."""

    def __init__(self, lang: str):
        self.s, self.en = strings(lang), strings("en")
        self.blocks: list[Block] = []

    def say(self, key: str, **fmt) -> tuple[str, str]:
        return self.s[key].format(**fmt), self.en[key].format(**fmt)

    def heading(self, key: str, level: int = 3, **fmt):
        text, en = self.say(key, **fmt)
        self.blocks.append(Block("heading", text, en, level=level))

    def para(self, key: str, **fmt):
        text, en = self.say(key, **fmt)
        self.blocks.append(Block("para", text, en))

    def math(self, tex: str):
        self.blocks.append(Block("math", tex, tex))

    def code(self, source: str):
        self.blocks.append(Block("code", source, source))

    def table(self, keys: list[str], rows: list[list[str]]):
        self.blocks.append(Block("table", header=[self.s[k] for k in keys],
                                 en_header=[self.en[k] for k in keys], rows=rows))

    def figure(self, path: str, key: str, **fmt):
        text, en = self.say(key, **fmt)
        self.blocks.append(Block("figure", text, en, path=path))


# -- modules -------------------------------------------------------------------------------------
def _shape(dims) -> str:
    return r" \times ".join(dims) if dims else "1"


def _element(base_latex: str, idx) -> str:
    subs = [str(i) for i in idx]
    return f"{base_latex}_{{{''.join(subs) if all(len(s) == 1 for s in subs) else ','.join(subs)}}}"


def module_blocks(d: Derivation, report, lang: str, figures: dict[str, str]) -> list[Block]:
    m = d.module
    names = display_names(m)
    w = _Writer(lang)
    sym = {t.name: names.get(t.name, latex(sp.Symbol(t.name))) for t in m.inputs}
    y = names.get("_y", "y")

    w.blocks.append(Block("para", w.s[f"about.{m.name}"] if f"about.{m.name}" in w.s else "",
                          w.en.get(f"about.{m.name}", "")))
    # forward
    w.heading("h.forward")
    if m.elementwise and m.index:
        w.para("forward.elementwise", i=str(m.index[-1]))
    else:
        ins = ", ".join(f"${sym[t.name]}$: ${_shape(t.dims)}$" for t in m.inputs)
        out = f"${_shape(m.out_dims)}$" if m.out_dims else w.s["forward.scalar"]
        en_out = f"${_shape(m.out_dims)}$" if m.out_dims else w.en["forward.scalar"]
        text, _ = w.say("forward.shapes", inputs=ins, output=out)
        w.blocks.append(Block("para", text, w.en["forward.shapes"].format(inputs=ins, output=en_out)))
    w.para("forward.formula")
    lhs = _element(y, m.index) if m.index else "L"
    w.math(f"{lhs} = {latex(m.forward, names)}")
    if m.statistics:
        w.para("forward.statistics")
        rows = [rf"{latex(st.base[st.index], names)} &= {latex(st.expr, names)}" for st in m.statistics]
        w.math(r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}")
    if "activation" in figures:
        w.figure(figures["activation"], "fig.activation", title=w.s.get(f"title.{m.name}", m.title))
    for extra in ("sigmoid", "softplus"):
        if extra in figures:
            w.figure(figures[extra], f"fig.{extra}")
    if "vanishing" in figures:
        w.heading("title.vanishing", level=3)
        w.figure(figures["vanishing"], "vanishing.figure")

    kernel = build_kernel(d)
    for name, step in d.steps.items():
        x = sym[name]
        x_el = latex(step.input.base[step.index], names)
        w.heading("h.input", level=3, x=x)
        w.heading("h.partial", level=4)
        w.para("partial.intro", x=x_el, name=name)
        dy = rf"\frac{{\partial {lhs}}}{{\partial {x_el}}}"
        if step.direct is None:
            w.math(f"{dy} = {latex(step.partial, names)}")
        else:  # through the statistics: each one's derivative, then the direct part
            stats = {st.name: st for st in m.statistics}
            rows = [rf"\frac{{\partial {latex(stats[n].base[stats[n].index], names)}}}{{\partial {x_el}}} "
                    rf"&= {latex(e, names)}" for n, e in step.through]
            w.para("partial.through")
            w.math(r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}")
            w.para("partial.direct")
            w.math(rf"\left.{dy}\right|_{{\text{{direct}}}} = {latex(step.direct, names)}")
        w.heading("h.jacobian", level=4)
        w.para("jacobian.intro", base=x)
        w.math(f"{dy} = {latex(step.jacobian, names)}")
        if step.jacobian_y is not None:
            w.para("jacobian.output")
            w.math(f"{dy} = {latex(step.jacobian_y, names)}")
        w.heading("h.chain", level=4)
        g_el = _element("g", m.index) if m.index else "g"
        if m.index:
            w.para("chain.intro", g=g_el, y=_element(y, m.index))
        else:
            w.para("chain.scalar", g=g_el)
        over = "".join(str(i) for i in m.index)
        chain = (rf"\frac{{\partial C}}{{\partial {x_el}}} = "
                 + (rf"\sum_{{{over}}} {g_el} \, {dy}" if m.index else rf"{g_el} \, {dy}")
                 + f" = {latex(step.vjp, names)}")
        w.math(chain)
        n_in = _count(step.input.dims)
        n_out = _count(m.out_dims)
        w.para("chain.dims", base=x, N=n_in, M=n_out)
        matrix = _matrix(d, name, names)
        if matrix:
            w.heading("h.matrix", level=4)
            w.para("matrix.intro", g=g_el)
            w.math(matrix)
    kinks = subgradients(m.forward)
    if kinks:
        w.heading("h.kinks")
        for cond, rule in kinks:
            if rule == "sign0":
                w.para("kinks.sign0", arg=latex(cond, names))
            else:
                w.para(f"kinks.{rule}", lhs=latex(cond.lhs, names), rhs=latex(cond.rhs, names),
                       cond=latex(cond, names))
    _claims(w, m.name, d)
    _check(w, report)
    w.heading("h.code")
    w.para("code.intro", g="g")
    w.code(kernel.forward.source().rstrip() + "\n\n\n" + kernel.backward.source().rstrip())
    return w.blocks


def _count(dims) -> str:
    return r" \cdot ".join(str(x) for x in dims) if dims else "1"


def _matrix(d: Derivation, name: str, names: dict) -> str:
    """Matrix-form LaTeX of the VJP for ``name``, checked numerically against the derived VJP
    (none for elementwise modules, where it is the index form, or where no matrix form exists)."""
    if d.module.elementwise:
        return ""
    scalar_out = not d.module.out_dims
    display = {UPSTREAM.code: "g" if scalar_out else "G", OUTPUT.code: "y" if scalar_out else "Y"}
    display.update({t.name: (names.get(t.name) or t.name) for t in d.module.inputs})
    display.update({st.name: latex(st.base) for st in d.module.statistics})
    try:
        expr = checked_matrix_form(d, name, display)
    except NoMatrixForm:
        return ""
    x = names.get(name, latex(sp.Symbol(name)))
    out = rf"\frac{{\partial C}}{{\partial {x}}} = {matrix_latex(expr, PARAM_LATEX)}"
    shapes = bookkeeping(expr)
    return out + (r"\qquad " + shapes if shapes else "")


def _claims(w: _Writer, name: str, d):
    found = claims(name, d)
    if not found:
        return
    w.heading("h.claims")
    for c in found:
        status_key = "claims.proved" if c.holds else "claims.failed"
        text = f"{w.s[c.key]} ({w.s[status_key]})"
        en = f"{w.en[c.key]} ({w.en[status_key]})"
        w.blocks.append(Block("para", text, en))
        w.math(c.latex)


def _check(w: _Writer, report, intro: str = "check.intro"):
    w.heading("h.check")
    w.para(intro)
    rows = [[f"`{c.input}`", f"`{c.kind}`", c.size.replace(" ", ", "), fmt_bound(c.max_rel_error),
             f"{c.tolerance:.0e}", w.s["check.pass"] if c.ok else w.s["check.fail"]]
            for c in report.checks]
    w.table(["check.col.input", "check.col.kind", "check.col.size", "check.col.error",
             "check.col.tol", "check.col.result"], rows)


# -- update rules --------------------------------------------------------------------------------
def rule_blocks(rd: RuleDerivation, report, lang: str) -> list[Block]:
    r = rd.rule
    w = _Writer(lang)
    w.blocks.append(Block("para", w.s[f"about.{r.name}"], w.en[f"about.{r.name}"]))
    w.heading("h.rule.loss")
    if r.penalty != 0:
        w.para("rule.loss")
        w.math(f"L(w) = C(w) + {latex(r.penalty)}")
    else:
        w.para("rule.noloss")
    i, wb = RULE_INDEX, WEIGHTS
    w.heading("h.rule.grad")
    w.para("rule.grad")
    w.math(rf"\frac{{\partial L}}{{\partial w_i}} = \frac{{\partial C}}{{\partial w_i}} + "
           rf"\frac{{\partial}}{{\partial w_i}}\left({latex(r.penalty)}\right) = {latex(rd.loss_grad)}")
    w.heading("h.rule.step")
    w.para("rule.step")
    lines = [rf"{latex(sp.IndexedBase(n, real=True)[i])} &\leftarrow {latex(e)}" for n, e in rd.updates]
    w.math(r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}")
    if rd.decay_form is not None:
        w.para("rule.decay")
        w.math(rf"{latex(wb[i])} \leftarrow {latex(rd.decay_form)}")
    if rd.subgradient_at_zero:
        w.para("rule.sign0")
    _claims(w, r.name, rd)
    _check(w, report, intro="check.rule_intro")
    w.heading("h.code")
    w.code(rule_function(rd).source().rstrip())
    return w.blocks


# -- pages ---------------------------------------------------------------------------------------
def _title(name: str, lang: str, fallback: str) -> str:
    return strings(lang).get(f"title.{name}", fallback)


def page_md(name: str, title: str, blocks: list[Block], lang: str, derived: bool = True) -> str:
    s = strings(lang)
    full = s["site.title"].format(title=title) if derived else title
    return render("module.md.j2", lang=lang, name=name, title=full,
                  heading=title, en_heading=_title(name, "en", title),
                  translator_date=TRANSLATOR_DATE, blocks=blocks, version=__version__)


def page_tex(name: str, title: str, blocks: list[Block]) -> str:
    tex_blocks = [_tex_block(b) for b in blocks]
    return render("module.tex.j2", name=name, title=tex_text(title), blocks=tex_blocks)


def _tex_block(b: Block) -> Block:
    if b.kind in ("heading", "para", "figure"):
        # the books are compiled in tex/ with \graphicspath{figures/}: the PDF twin, by name
        path = b.path.rsplit("/", 1)[-1].replace(".svg", ".pdf")
        return Block(b.kind, tex_text(b.text), level=b.level, path=path)
    if b.kind == "table":
        return Block("table", header=[tex_text(h) for h in b.header],
                     rows=[[tex_text(c) for c in row] for row in b.rows])
    return b


_SPECIAL = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def tex_text(text: str) -> str:
    """Prose with ``$math$`` and ```code``` segments as LaTeX (plain parts escaped)."""
    out = []
    for part in re.split(r"(\$[^$]+\$|`[^`]+`)", text):
        if part.startswith("$"):
            out.append(part)
        elif part.startswith("`"):
            out.append(r"\texttt{" + "".join(_SPECIAL.get(ch, ch) for ch in part[1:-1]) + "}")
        else:
            out.append("".join(_SPECIAL.get(ch, ch) for ch in part).replace('"', "''"))
    return "".join(out)


def page_blocks(d, report, lang: str, figures: dict[str, str]) -> list[Block]:
    """The blocks of the page of a module's or a rule's derivation."""
    if d.kind == "rule":
        return rule_blocks(d, report, lang)
    return module_blocks(d, report, lang, figures)


def render_one(d, fmt: str, lang: str) -> str:
    """One module's page as Markdown (``md``) or a LaTeX section (``tex``), for the CLI."""
    report = verify(d, seed=0)
    name, blocks = d.name, page_blocks(d, report, lang, {})
    title = _title(name, lang, d.title)
    return page_md(name, title, blocks, lang) if fmt == "md" else page_tex(name, title, blocks)


# -- the practical tricks and networks -----------------------------------------------------------
def kaiming_blocks(lang: str, figure: str) -> list[Block]:
    k = derive_kaiming()
    w = _Writer(lang)
    w.blocks.append(Block("para", w.s["about.kaiming"], w.en["about.kaiming"]))
    w.para("kaiming.sum")
    w.math(rf"\mathrm{{Var}}(w_1 x_1 + w_2 x_2 + w_3 x_3) = {sp.latex(k.var_sum)}")
    w.para("kaiming.general")
    w.math(r"\mathrm{Var}(y) = n\,\mathrm{Var}(w)\,\mathbb{E}[x^2]")
    w.para("kaiming.relu")
    w.math(rf"\mathbb{{E}}\left[\operatorname{{relu}}(z)^2\right] = {sp.latex(k.relu_second_moment)}")
    w.para("kaiming.solve")
    w.math(rf"\mathrm{{Var}}(w) = {sp.latex(k.weight_variance)}, \qquad "
           rf"\mathrm{{std}}(w) = {sp.latex(k.std)} = \sqrt{{2 / n_{{\mathrm{{in}}}}}}")
    w.figure(figure, "kaiming.figure")
    w.para("kaiming.code")
    w.code(kaiming_source().rstrip())
    return w.blocks


def schedules_blocks(lang: str, figure: str) -> list[Block]:
    w = _Writer(lang)
    w.blocks.append(Block("para", w.s["about.schedules"], w.en["about.schedules"]))
    for name, (expr, _) in SCHEDULES.items():
        verdict = "schedules.yes" if decreasing(name) else "schedules.no"
        w.blocks.append(Block("para", w.s["schedules.item"].format(name=name, verdict=w.s[verdict]),
                              w.en["schedules.item"].format(name=name, verdict=w.en[verdict])))
        slope = sp.simplify(sp.diff(expr, t)) if name != "step" else sp.S.Zero
        tail = rf", \qquad \frac{{d\eta}}{{dt}} = {sp.latex(slope)}" if name != "step" else ""
        w.math(rf"\eta(t) = {sp.latex(expr)}{tail}")
        w.code(schedule_source(name).rstrip())
    w.figure(figure, "schedules.figure")
    return w.blocks


def network_blocks(d, report, lang: str, figure: str) -> list[Block]:
    g = d.graph
    w = _Writer(lang)
    w.para("network.about")
    w.para("network.nodes")

    def fmt(dims):
        return "$" + (r" \times ".join(str(x) for x in dims) if dims else "1") + "$"
    rows = [[f"`{n}`", f"`{g.nodes[n].module.name}`", ", ".join(f"`{v}`" for v in g.nodes[n].inputs),
             fmt(d.shapes[n])] for n in d.order]
    w.table(["network.col.node", "network.col.module", "network.col.inputs", "network.col.shape"], rows)
    w.figure(figure, "network.figure")
    w.para("network.chain")
    lines = []
    for n in reversed(d.order):
        node = g.nodes[n]
        for v in node.inputs:
            if v in d.needs_grad:
                lines.append(rf"\frac{{\partial C}}{{\partial \mathrm{{{v}}}}} \mathrel{{+}}= "
                             rf"\frac{{\partial C}}{{\partial \mathrm{{{n}}}}}\,"
                             rf"\frac{{\partial \mathrm{{{n}}}}}{{\partial \mathrm{{{v}}}}}"
                             rf"\quad (1\times {_count(d.shapes[v])}) = (1\times {_count(d.shapes[n])})"
                             rf"({_count(d.shapes[n])}\times {_count(d.shapes[v])})")
    w.math(r"\begin{aligned}" + r" \\ ".join(line.replace(r"\mathrel{+}=", r"&\mathrel{+}=", 1)
                                                for line in lines) + r"\end{aligned}")
    _check(w, report, intro="network.check")
    w.heading("h.code")
    forward, backward = network_functions(d)
    w.code(forward.rstrip() + "\n\n\n" + backward.rstrip())
    return w.blocks
