"""site: the pages of ``output/md`` as a static HTML site, ``output/site/``, readable offline.

Each page is laid out from the *same* blocks as its Markdown (:mod:`symbp.docs.render`); nothing
here re-derives or re-words anything. Python prepares every string — inline math kept between
``$`` for KaTeX's auto-render, code highlighted by Pygments, text HTML-escaped — and the Jinja2
templates ``site_page.html.j2`` and ``site_index.html.j2`` only lay them out. KaTeX 0.11.1 (the
course site's version) ships in ``static/katex`` and is copied next to the pages.
"""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import BashLexer, PythonLexer

from ..templating import render
from ..version import __version__
from .figures import figure_path
from .lang import strings
from .report import fmt_bound_text

STATIC = Path(__file__).resolve().parent / "static"
PYGMENTS_STYLE = "friendly"


@dataclass(frozen=True)
class Page:
    """One page of the Markdown, as the site needs it: its blocks and where it belongs."""

    name: str
    lang: str
    title: str                 # the page's heading
    blocks: tuple
    section: str = ""          # the part of the notes it belongs to (a strings key)
    derived: bool = True       # the full title says "the backward pass, derived"
    report: object = None      # the verification Report, if any


@dataclass(frozen=True)
class HtmlBlock:
    """A block with its HTML prepared; the templates only place these strings."""

    kind: str                  # heading | para | math | code | table | figure | other
    html: str = ""             # inline HTML (heading, para, caption), escaped TeX (math), highlighted code
    level: int = 2
    anchor: str = ""
    css: str = ""              # the source block's kind, as a class for unknown kinds
    header: tuple = ()
    rows: tuple = ()
    src: str = ""
    alt: str = ""
    children: tuple = ()       # box, details, exercise: the blocks inside, as HtmlBlocks
    summary: str = ""          # details, exercise: the line that unfolds them


# -- inline text: math stays for KaTeX, code and the rest are escaped ---------------------------
_SEGMENTS = re.compile(r"(\$\$.+?\$\$|\$[^$]+\$|`[^`]+`)", re.S)
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _link(match: re.Match) -> str:
    text, target = match.group(1), match.group(2)
    if not re.match(r"[a-z]+:", target) and target.split("#")[0].endswith(".md"):
        path, _, anchor = target.partition("#")
        target = path[:-3] + ".html" + (f"#{anchor}" if anchor else "")
    return f'<a href="{html.escape(target)}">{text}</a>'


def _plain(text: str) -> str:
    out = _BOLD.sub(r"<strong>\1</strong>", _escape(text))
    return _LINK.sub(_link, out)


def inline_html(text: str) -> str:
    """Prose with ``$math$`` (left for KaTeX, escaped), ```code``` and ``**bold**``/links as HTML.

    Math and code are set aside first (a NUL-delimited placeholder each), so bold and links may
    hold them: ``**Choose $\\epsilon$ well.**`` is bold around its math."""
    kept, prose = [], []
    for part in _SEGMENTS.split(text.replace("\0", "")):
        if part.startswith("$"):
            kept.append(_escape(part))
        elif part.startswith("`") and part.endswith("`") and len(part) > 1:
            kept.append(f"<code>{_escape(part[1:-1])}</code>")
        else:
            prose.append(part)
            continue
        prose.append(f"\0{len(kept) - 1}\0")
    return _GLUED.sub(lambda m: _glue(m, kept), _plain("".join(prose)))


# A short formula and the bracket or punctuation touching it stay on one line: a browser may
# otherwise break between KaTeX's output and the ")" or "," after it.
_GLUED = re.compile(r"(\(?)\0(\d+)\0([.,;:!?)\]]*)")
_GLUE_UP_TO = 40  # characters of TeX; a longer formula keeps KaTeX's own line breaks


def _glue(match: re.Match, kept: list[str]) -> str:
    before, item, after = match.group(1), kept[int(match.group(2))], match.group(3)
    if (before or after) and item.startswith("$") and len(item) <= _GLUE_UP_TO:
        return f'<span class="nowrap">{before}{item}{after}</span>'
    return before + item + after


def plain_text(text: str) -> str:
    """Prose without markup, for ``alt`` attributes: math and code delimiters dropped."""
    return html.escape(re.sub(r"[$`]|\*\*", "", text))


LEXERS = {"python": PythonLexer, "sh": BashLexer}


def code_html(source: str, language: str = "python") -> str:
    """Source highlighted (Pygments spans; the template wraps it in ``<pre>``)."""
    return highlight(source, LEXERS.get(language, PythonLexer)(), HtmlFormatter(nowrap=True))


def pygments_css() -> str:
    return HtmlFormatter(style=PYGMENTS_STYLE).get_style_defs(".highlight") + "\n"


# -- blocks --------------------------------------------------------------------------------------
# every renderer takes (block, position, figure paths, the page's words) -> HtmlBlock | None
def _heading(b, k, figure):
    return HtmlBlock("heading", inline_html(b.text), level=min(max(b.level - 1, 2), 6), anchor=f"s{k}")


def _para(b, k, figure):
    return HtmlBlock("para", inline_html(b.text)) if b.text.strip() else None


def _math(b, k, figure):
    return HtmlBlock("math", _escape(b.text))


def _code(b, k, figure):
    return HtmlBlock("code", code_html(b.text, getattr(b, "language", "python")))


def _table(b, k, figure):
    return HtmlBlock("table", header=tuple(inline_html(h) for h in b.header),
                     rows=tuple(tuple(inline_html(str(c)) for c in row) for row in b.rows))


def _figure(b, k, figure):
    return HtmlBlock("figure", inline_html(b.text), src=html.escape(figure(b.path)), alt=plain_text(b.text))


def _other(b, k, figure):
    """A kind this renderer does not know yet: its text as prose, its rows as a table."""
    table = _table(b, k, figure) if getattr(b, "rows", None) else None
    return HtmlBlock("other", inline_html(getattr(b, "text", "") or ""), css=html.escape(b.kind),
                     header=table.header if table else (), rows=table.rows if table else ())


def _box(b, k, figure, lang):
    return HtmlBlock("box", inline_html(b.text), children=tuple(html_blocks(b.children, figure, lang)))


def _details(b, k, figure, lang):
    return HtmlBlock("details", summary=inline_html(b.text),
                     children=tuple(html_blocks(b.children, figure, lang)))


def _exercise(b, k, figure, lang):
    s = strings(lang)
    question = f"<strong>{_escape(s['ex.label'])} {b.level}.</strong> {inline_html(b.text)}"
    return HtmlBlock("exercise", question, summary=_escape(s["ex.solution"]),
                     children=tuple(html_blocks(b.children, figure, lang)))


def _nav(b, k, figure, lang):
    return None  # the site has its own navigation (sidebar, previous and next)


BLOCKS = {"heading": _heading, "para": _para, "math": _math, "code": _code, "table": _table,
          "figure": _figure}
NESTED = {"box": _box, "details": _details, "exercise": _exercise, "nav": _nav}


def html_blocks(blocks, figure=lambda path: path, lang: str = "en") -> list[HtmlBlock]:
    """Page blocks as :class:`HtmlBlock`; ``figure`` maps a block's image path to the page's."""
    out = []
    for k, b in enumerate(blocks):
        if b.kind in NESTED:
            hb = NESTED[b.kind](b, k, figure, lang)
        else:
            hb = BLOCKS.get(b.kind, _other)(b, k, figure)
        if hb is not None:
            out.append(hb)
    return out


# -- the site ------------------------------------------------------------------------------------
def in_sidebar_order(pages: list[Page], lang: str) -> list[Page]:
    """The pages of one language in reading order (the order they are given in)."""
    return [p for p in pages if p.lang == lang]


def _sections(pages: list[Page]) -> list[str]:
    """The parts of the notes, in the order their first page comes."""
    return list(dict.fromkeys(p.section for p in pages))


def _full_title(page: Page) -> str:
    return strings(page.lang)["site.title"].format(title=page.title) if page.derived else page.title


def _status(page: Page, s: dict) -> dict:
    """The verification status as the index and the page show it ("—" without a report)."""
    r = page.report
    if r is None:  # a page with nothing to verify: neither green nor red
        return dict(text="—", error="—", ok=True, css="none")
    return dict(text=_escape(s["index.verified"] if r.ok else s["index.failed"]),
                error=_escape(fmt_bound_text(r.max_rel_error)), ok=r.ok, css="ok" if r.ok else "failed")


def _sidebar(pages: list[Page], current: str, s: dict) -> list[dict]:
    groups = []
    for section in _sections(pages):
        links = [dict(href=f"{p.name}.html", title=_escape(p.title), current=p.name == current)
                 for p in pages if p.section == section]
        groups.append(dict(title=_escape(s.get(section, section)), links=links))
    return groups


def _chrome(lang: str, langs, page_name: str, s: dict) -> dict:
    """What every page of one language shares: labels, language switch, asset root."""
    switch = [dict(href=f"../{other}/{page_name}.html", lang=other,
                   label=_escape(strings(other)["site.language"])) for other in langs if other != lang]
    return dict(lang=lang, root="../", site_name=_escape(s["index.title"]),
                index_label=_escape(s["site.index"]), switch=switch,
                generated=_escape(s["site.generated"].format(version=__version__)))


def _site_figure(lang: str, source_files: dict, used: dict):
    """Maps a block's figure path (relative to ``md/LANG/``) to the site's copy, recorded in ``used``."""
    def figure(path: str) -> str:
        rel = posixpath.normpath(posixpath.join(f"md/{lang}", path))  # relative to output/
        if rel not in source_files:
            raise FileNotFoundError(f"figure {rel} of the site is not among the built files")
        used[f"site/{rel}"] = source_files[rel]
        return f"../{rel}"
    return figure


def page_html(page: Page, pages: list[Page], langs, figure, notebook: str | None) -> str:
    s = strings(page.lang)
    at = [p.name for p in pages].index(page.name)
    prev = pages[at - 1] if at > 0 else None
    nxt = pages[at + 1] if at + 1 < len(pages) else None
    return render("site_page.html.j2", **_chrome(page.lang, langs, page.name, s),
                  title=_escape(_full_title(page)), heading=_escape(page.title),
                  blocks=html_blocks(page.blocks, figure, page.lang), sidebar=_sidebar(pages, page.name, s),
                  prev=dict(href=f"{prev.name}.html", title=_escape(prev.title)) if prev else None,
                  next=dict(href=f"{nxt.name}.html", title=_escape(nxt.title)) if nxt else None,
                  prev_label=_escape(s["site.prev"]), next_label=_escape(s["site.next"]),
                  status_label=_escape(s["index.status"]),
                  status=_status(page, s) if page.report is not None else None,
                  notebook=notebook, notebook_label=_escape(s["site.notebook"]))


def index_html(lang: str, pages: list[Page], langs, graph: str) -> str:
    s = strings(lang)
    sections = []
    for section in _sections(pages):
        rows = [dict(href=f"{p.name}.html", title=_escape(p.title), name=_escape(p.name),
                     status=_status(p, s)) for p in pages if p.section == section]
        sections.append(dict(title=_escape(s.get(section, section)), rows=rows))
    return render("site_index.html.j2", **_chrome(lang, langs, "index", s),
                  title=_escape(s["index.title"]), intro=inline_html(s["index.intro"]),
                  sidebar=_sidebar(pages, "", s), sections=sections,
                  col_page=_escape(s["site.page"]), col_status=_escape(s["index.status"]),
                  col_error=_escape(s["index.error"]), figures_title=_escape(s["index.figures"]),
                  graph=graph, graph_caption=inline_html(s["fig.graph"]),
                  graph_alt=plain_text(s["fig.graph"]))


def static_files() -> dict[str, bytes]:
    """The vendored KaTeX and the site's stylesheet, path under ``site/`` -> bytes."""
    out = {}
    for path in sorted(STATIC.rglob("*")):
        if path.is_file() and path.name != "README.md":
            out[path.relative_to(STATIC).as_posix()] = path.read_bytes()
    out["pygments.css"] = pygments_css().encode()
    return out


def site_files(pages: list[Page], source_files: dict) -> dict[str, str | bytes]:
    """Every file of ``output/site/``: pages per language, indexes, assets, the figures used.

    ``source_files`` are the other output files: the figures are copied from them, and a page
    links to its notebook when there is one."""
    langs = tuple(dict.fromkeys(p.lang for p in pages))
    files: dict[str, str | bytes] = {f"site/{k}": v for k, v in static_files().items()}
    for lang in langs:
        ordered = in_sidebar_order(pages, lang)
        figure = _site_figure(lang, source_files, files)
        for page in ordered:
            notebook = f"notebooks/{lang}/{page.name}.ipynb"
            notebook = f"../../{notebook}" if notebook in source_files else None
            files[f"site/{lang}/{page.name}.html"] = page_html(page, ordered, langs, figure, notebook)
        graph = figure("../../" + figure_path("graph", lang))  # the notes' graph, in this language
        files[f"site/{lang}/index.html"] = index_html(lang, ordered, langs, graph)
    links = [dict(href=f"{lang}/index.html", label=_escape(strings(lang)["site.language"])) for lang in langs]
    files["site/index.html"] = render("site_root.html.j2", lang=langs[0], links=links,
                                      title=_escape(strings(langs[0])["index.title"]))
    return files
