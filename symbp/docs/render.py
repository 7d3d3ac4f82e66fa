"""render: page blocks -> Markdown (course-site format, en and vi) and LaTeX sections.

Python prepares every string — formulas (checked SymPy objects, :mod:`symbp.docs.formulas`),
prose from :mod:`symbp.docs.lang`, tables — as a list of :class:`~symbp.docs.blocks.Block`; the
templates only lay the blocks out (``module.md.j2``, ``module.tex.j2``, ``answers.tex.j2``). The
pages' sections live in :mod:`~symbp.docs.module_page`, :mod:`~symbp.docs.rule_page` and
:mod:`~symbp.docs.notes_pages`; they are re-exported here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..check import verify
from ..templating import render
from ..version import __version__
from .blocks import Block, Writer, walk  # noqa: F401  (re-exported)
from .lang import strings
from .module_page import module_blocks
from .notes_pages import kaiming_blocks, network_blocks, schedules_blocks  # noqa: F401
from .rule_page import rule_blocks

TRANSLATOR_DATE = "27 Nov 2026"


def _title(name: str, lang: str, fallback: str) -> str:
    return strings(lang).get(f"title.{name}", fallback)


def labels(lang: str) -> dict[str, str]:
    """The words the templates print around blocks (exercise, solution)."""
    s = strings(lang)
    return {"exercise": s["ex.label"], "solution": s["ex.solution"], "answer_on": s["ex.answer_on"],
            "answers": s["book.answers"]}


def page_md(name: str, title: str, blocks: list[Block], lang: str, derived: bool = True) -> str:
    s = strings(lang)
    full = s["site.title"].format(title=title) if derived else title
    return render("module.md.j2", lang=lang, name=name, title=full,
                  heading=title, en_heading=_title(name, "en", title),
                  translator_date=TRANSLATOR_DATE, blocks=blocks, version=__version__,
                  labels=labels(lang), en_labels=labels("en"))


def page_tex(name: str, title: str, blocks: list[Block], lang: str = "en") -> str:
    return render("module.tex.j2", name=name, title=tex_text(title), blocks=tex_blocks(blocks, lang),
                  labels={k: tex_text(v) for k, v in labels(lang).items()}, section=_section(name, lang))


def answers_tex(name: str, title: str, blocks: list[Block], lang: str = "en") -> str:
    """The solutions of a page's exercises, for the books' answers section ("" if none)."""
    exercises = [b for b in tex_blocks(blocks, lang) if b.kind == "exercise"]
    if not exercises:
        return ""
    return render("answers.tex.j2", title=tex_text(title), exercises=exercises,
                  labels={k: tex_text(v) for k, v in labels(lang).items()}, section=_section(name, lang))


def _section(name: str, lang: str) -> str:
    return name if lang == "en" else f"{lang}-{name}"


@dataclass
class TexTable(Block):
    """A table for LaTeX: long prose columns wrap (``p{}``), short ones stay ``l``."""

    colspec: str = ""


WRAP_AT = 28  # a column whose longest cell is longer than this (characters) wraps


def colspec(header: list[str], rows: list[list[str]]) -> str:
    longest = [max(len(re.sub(r"\\[a-z]+|[{}$]", "", str(c))) for c in col) for col in zip(header, *rows)]
    wrap = [n > WRAP_AT for n in longest]
    if not any(wrap):
        return "l" * len(header)
    free = 0.92 - 0.13 * wrap.count(False)
    total = sum(n for n, w in zip(longest, wrap) if w)
    return "".join(rf">{{\raggedright\arraybackslash}}p{{{max(free * n / total, 0.12):.2f}\linewidth}}"
                   if w else "l" for n, w in zip(longest, wrap))


def tex_blocks(blocks: list[Block], lang: str = "en") -> list[Block]:
    return [_tex_block(b, lang != "vi") for b in blocks if b.kind != "nav"]


def _tex_block(b: Block, foreign: bool) -> Block:
    def text(t: str) -> str:
        return tex_text(t, foreign)
    if b.kind in ("heading", "para", "figure", "box", "details", "exercise"):
        # the books are compiled in tex/ with \graphicspath{figures/}: the PDF twin, by its path
        # under figures/ (``graph.pdf``, ``vi/graph.pdf``)
        path = b.path.split("figures/", 1)[-1].replace(".svg", ".pdf") if b.path else ""
        return Block(b.kind, text(b.text), level=b.level, path=path, width=b.width,
                     children=tex_blocks(b.children, "en" if foreign else "vi"), eq=b.eq)
    if b.kind == "table":
        return TexTable("table", header=[text(h) for h in b.header],
                        rows=[[text(c) for c in row] for row in b.rows], colspec=colspec(b.header, b.rows))
    return b


_SPECIAL = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
            "∞": r"$\infty$", "−": "$-$", "→": r"$\to$", "←": r"$\leftarrow$", "↔": r"$\leftrightarrow$",
            "≈": r"$\approx$", "·": r"$\cdot$", "≥": r"$\geq$", "≤": r"$\leq$", "×": r"$\times$",
            "σ": r"$\sigma$", "ε": r"$\epsilon$", "η": r"$\eta$", "α": r"$\alpha$", "μ": r"$\mu$",
            "²": r"$^2$", "√": r"$\surd$", "∂": r"$\partial$", "δ": r"$\delta$", "ŷ": r"$\hat{y}$",
            "λ": r"$\lambda$", "\u00a0": "~"}


def _texttt(code: str) -> str:
    """Inline code that may break at spaces and after ``_,(``: long names do not overflow."""
    out = "".join(_SPECIAL.get(ch, ch) for ch in code)
    for mark in (r"\_", ",", "(", "=", "."):
        out = out.replace(mark, mark + r"\allowbreak{}")
    return r"\texttt{" + out + "}"


def _vietnamese(text: str) -> str:
    """Vietnamese (letters beyond Latin-1) in an English book: set in Vietnamese (T5 encoding)."""
    return r"\foreignlanguage{vietnamese}{" + text + "}" if re.search("[\u0100-\u1EFF]", text) else text


def tex_text(text: str, foreign: bool = False) -> str:
    """Prose with ``$math$``, ```code``` and ``[label](link)`` segments as LaTeX (plain parts escaped);
    ``foreign``: in an English book, Vietnamese words set in Vietnamese."""
    out = []
    quotes = iter(("``", "''") * text.count('"'))  # "a quotation" opens and closes: ``a quotation''
    for part in re.split(r"(\$[^$]+\$|`[^`]+`|\*\*[^*]+\*\*)", text):
        if part.startswith("$") and len(part) > 1:
            out.append(part)
        elif part.startswith("`") and len(part) > 1:
            out.append(_texttt(part[1:-1]))
        elif part.startswith("**") and len(part) > 3:
            out.append(r"\textbf{" + tex_text(part[2:-2]) + "}")
        else:
            plain = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", part)  # links: their text
            escaped = "".join(_SPECIAL.get(ch, ch) for ch in plain)
            escaped = re.sub('"', lambda m: next(quotes), escaped)
            out.append(_vietnamese(escaped) if foreign else escaped)
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
    return page_md(name, title, blocks, lang) if fmt == "md" else page_tex(name, title, blocks, lang)
