"""outputs: (derivation, report) pairs -> the files of ``output/`` (contents only, no I/O).

Pages are listed once, in reading order (:data:`PARTS`, the order of the notes), each with a
function of the language that returns its blocks; navigation (previous, index, next, the other
language, the lecture video), the Markdown, the LaTeX sections, the books' answers and the index
all follow from that list.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..catalog.schedules import SCHEDULES
from ..check import verify
from ..codegen import load as load_any
from ..codegen.compiled import run_source
from ..codegen.extras import extras, schedule_source
from ..codegen.generate import module_source
from ..derive import derive
from ..expr import elementwise
from ..graph import graph
from ..networks import mlp_graph
from ..templating import render
from ..version import __version__
from .blocks import Block
from .figures import (drawing, figure_path, function_and_derivative, gradient_norms, graph_figure,
                      layer_variances, schedules_plot, softplus_curve, tricks_plot, vanishing_plot,
                      variance_plot)
from .glossary import glossary_blocks
from .lang import strings
from .notebooks import notebook_files
from .notes_pages import (NOTES_SHOWN, chain_rule_blocks, chain_rule_edges, dag_blocks, dag_example,
                          kaiming_blocks, network_blocks, notes_example, schedules_blocks)
from .render import answers_tex, page_blocks, page_md, page_tex, tex_text
from .report import checks_table, fmt_bound
from .site import Page as SitePage
from .site import site_files
from .tricks_page import tricks_blocks, tricks_curves

ACTIVATION_FIGURES = ("relu", "sigmoid", "tanh")
VIDEO = "https://www.youtube.com/watch?v=d9vdh3b787Y&t={seconds}s"

# the notes' three parts, their lecture-video timestamps, and the pages of each, in reading order
PARTS = (
    ("index.part.example", 2989, ("chain_rule", "linear", "relu", "duplicate", "add", "max")),
    ("index.part.softmax", 3953, ("softmax", "sigmoid", "tanh", "log_softmax")),
    ("index.part.tricks", 4891, ("cross_entropy", "mse", "normalize", "dropout", "l2_penalty",
                                 "l1_penalty", "sgd", "sgd_l2", "sgd_l1", "momentum", "adam",
                                 "schedules", "kaiming", "tricks", "digits_mlp", "dag")),
    ("index.part.reference", None, ("glossary",)),
)


@dataclass
class Page:
    name: str
    blocks_of: Callable[[str], list]   # language -> blocks
    derived: bool = False              # title "NAME: the backward pass, derived"
    report: object = None              # its verification, for the index
    fallback_title: str = ""


def _title(name: str, lang: str, fallback: str = "") -> str:
    return strings(lang).get(f"title.{name}", fallback or name)


# -- figures -------------------------------------------------------------------------------------
def figures(items, langs=("en",)) -> tuple[dict[str, bytes], dict[str, dict[str, str]]]:
    """Figure files (``figures/*.svg`` and ``tex/figures/*.pdf``, the figures with words once per
    language in ``langs``), and per module the figures its page shows (key -> figure stem). The
    numbers behind a plot are computed once; only the drawing is repeated per language."""
    files, used = {}, {}

    def add(stem: str, data: dict[str, bytes], lang: str = "en"):
        svg = figure_path(stem, lang)
        files[svg] = data["svg"]
        files["tex/" + svg[:-len(".svg")] + ".pdf"] = data["pdf"]

    by_name = {d.name: d for d, _ in items}
    for name in ACTIVATION_FIGURES:
        if name in by_name:
            add(f"activation_{name}", function_and_derivative(load_any(by_name[name]), name))
            used.setdefault(name, {})["activation"] = f"activation_{name}"
    if "log_softmax" in by_name:
        add("softplus", softplus_curve(load_any(derive(elementwise("log1pexp", "softplus(x)")))))
        used.setdefault("log_softmax", {})["softplus"] = "softplus"
    _, _, notes = notes_example()
    notes_drawing = drawing(notes, NOTES_SHOWN)
    _, _, dag = dag_example()
    dag_drawing = drawing(dag.graph)
    variances = norms = None
    if {"linear", "relu"} <= set(by_name):
        variances = layer_variances(load_any(by_name["linear"]), load_any(by_name["relu"]))
        norms = gradient_norms(_deep_stack)
        used.setdefault("sigmoid", {})["vanishing"] = "vanishing"
    schedules = _schedule_functions()
    curves = tricks_curves()
    for lang in dict.fromkeys(("en", *langs)):  # English always: the index shows its graph
        words = strings(lang)
        titles = (words["fig.word.forward"], words["fig.word.gradient"])
        add("graph", graph_figure(*notes_drawing, chain_rule_edges(), titles=titles), lang)
        add("dag", graph_figure(*dag_drawing, titles=titles), lang)
        if variances is not None:
            add("kaiming_variance", variance_plot(variances, words), lang)
            add("vanishing", vanishing_plot(norms, words), lang)
        add("schedules", schedules_plot(schedules, words), lang)
        add("tricks", tricks_plot(curves, words), lang)
    return files, used


def _deep_stack(activation: str, depth: int, width: int):
    """A ``depth``-layer Linear+activation stack with a squared-norm loss, compiled."""
    g = graph(f"deep_{activation}")
    g.input("x", ("B", width))
    prev = "x"
    for k in range(depth):
        g.param(f"W{k}", (width, width))
        g.param(f"b{k}", (width,))
        h = g.node(f"h{k}", "linear", prev, f"W{k}", f"b{k}")
        prev = g.node(f"a{k}", activation, h)
    g.node("loss", "l2_penalty", prev, alpha=1.0)
    g.output("loss")
    return load_any(derive(g)), depth


def _schedule_functions() -> dict:
    return {name: run_source(schedule_source(name), f"lr_{name}")[f"lr_{name}"] for name in SCHEDULES}


def networks():
    """The graphs documented in output/: the MLP that `symbp train digits` trains."""
    d = derive(mlp_graph(64, 128, 10))
    return [(d, verify(d))]


def _graph_files(d, langs) -> dict:
    """The drawing of a network's graph, once per language."""
    forward, backward = drawing(d.graph)
    files = {}
    for lang in langs:
        words = strings(lang)
        data = graph_figure(forward, backward, titles=(words["fig.word.forward"], words["fig.word.gradient"]))
        svg = figure_path(d.name, lang)
        files[svg] = data["svg"]
        files["tex/" + svg[:-len(".svg")] + ".pdf"] = data["pdf"]
    return files


# -- pages ---------------------------------------------------------------------------------------
def pages(items, nets, used: dict) -> list[Page]:
    """Every page, in reading order (each language's page shows that language's figures)."""
    def fig(stem: str, lang: str) -> str:
        return "../../" + figure_path(stem, lang)
    found: dict[str, Page] = {}
    for d, r in items:
        stems = used.get(d.name, {})
        found[d.name] = Page(d.name, (lambda d, r, stems: lambda lang: page_blocks(
            d, r, lang, {k: fig(stem, lang) for k, stem in stems.items()}))(d, r, stems),
            derived=d.kind == "module", report=r, fallback_title=d.title)
    for d, r in nets:
        found[d.name] = Page(d.name, (lambda d, r: lambda lang: network_blocks(d, r, lang, fig(d.name, lang)))(d, r),
                             derived=True, report=r)
    _, _, dag = dag_example()
    dag_report = verify(dag)
    found["dag"] = Page("dag", lambda lang: dag_blocks(lang, fig("dag", lang), dag_report), report=dag_report)
    found["chain_rule"] = Page("chain_rule", lambda lang: chain_rule_blocks(lang, fig("graph", lang)))
    found["kaiming"] = Page("kaiming", lambda lang: kaiming_blocks(lang, fig("kaiming_variance", lang)))
    found["schedules"] = Page("schedules", lambda lang: schedules_blocks(lang, fig("schedules", lang)))
    found["tricks"] = Page("tricks", lambda lang: tricks_blocks(lang, fig("tricks", lang)))
    found["glossary"] = Page("glossary", glossary_blocks)
    ordered = [found[n] for _, _, names in PARTS for n in names if n in found]
    listed = {p.name for p in ordered}
    return ordered + [p for n, p in found.items() if n not in listed]


def _part_of(name: str):
    for key, seconds, names in PARTS:
        if name in names:
            return key, seconds
    return None, None


def navigation(ordered: list[Page], k: int, lang: str, langs) -> Block:
    """Previous, index, next, the other languages, and the notes' lecture video at this part."""
    s = strings(lang)
    links = []
    if k > 0:
        prev = ordered[k - 1].name
        links.append((s["nav.prev"].format(title=_title(prev, lang)), f"{prev}.md"))
    links.append((s["nav.index"], "../../README.md"))
    if k + 1 < len(ordered):
        nxt = ordered[k + 1].name
        links.append((s["nav.next"].format(title=_title(nxt, lang)), f"{nxt}.md"))
    name = ordered[k].name
    links += [(strings(other)["nav.language"], f"../{other}/{name}.md") for other in langs if other != lang]
    _, seconds = _part_of(name)
    if seconds:
        links.append((s["nav.video"].format(time=f"{seconds // 60}:{seconds % 60:02d}"),
                      VIDEO.format(seconds=seconds)))
    return Block("nav", links=links)


def outputs(items, langs, registry: dict | None = None) -> dict[str, str | bytes]:
    """Every file of ``output/``. ``registry``, if given, receives each page's blocks by
    ``(lang, name)`` — the checked equations the tests tie to the pages' text."""
    derivations = [d for d, _ in items]
    reports = [r for _, r in items]
    files: dict[str, str | bytes] = {
        "verification.txt": checks_table(reports, exact=False),
        "numpy/symbp_nn.py": module_source(
            derivations, title="symbp_nn — numpy forward/backward of the symbp catalog",
            extras=extras()),
    }
    figure_files, used = figures(items, langs)
    files.update(figure_files)
    nets = networks()
    for d, _ in nets:
        files.update(_graph_files(d, langs))
    ordered = pages(items, nets, used)
    site_pages: list[SitePage] = []
    for lang in langs:
        sections, answers = [], []
        for k, page in enumerate(ordered):
            nav = navigation(ordered, k, lang, langs)
            blocks = page.blocks_of(lang)
            if registry is not None:
                registry[(lang, page.name)] = [nav] + blocks + [nav]
            title = _title(page.name, lang, page.fallback_title)
            files[f"md/{lang}/{page.name}.md"] = page_md(page.name, title, [nav] + blocks + [nav], lang,
                                                         derived=page.derived)
            site_pages.append(SitePage(page.name, lang, title, tuple(blocks),
                                       _part_of(page.name)[0] or "index.part.reference",
                                       page.derived, page.report))
            prefix = "" if lang == "en" else f"{lang}/"
            files[f"tex/{prefix}{page.name}.tex"] = page_tex(page.name, title, blocks, lang)
            sections.append(f"{prefix}{page.name}")
            solutions = answers_tex(page.name, title, blocks, lang)
            if solutions:
                files[f"tex/{prefix}answers/{page.name}.tex"] = solutions
                answers.append(f"{prefix}answers/{page.name}")
        files[f"tex/{_book(lang)}.tex"] = book(lang, sections, answers)
    files["README.md"] = index(ordered, langs)
    files.update(notebook_files(items, site_pages))
    files.update(site_files(site_pages, files))
    return files


def _book(lang: str) -> str:
    return "symbp" if lang == "en" else f"symbp-{lang}"


def book(lang: str, sections: list[str], answers: list[str]) -> str:
    s = strings(lang)
    preamble = (r"\usepackage[T5]{fontenc}" "\n" r"\usepackage[utf8]{inputenc}" "\n"
                r"\usepackage[vietnamese]{babel}") if lang == "vi" else \
        (r"\usepackage[T5,T1]{fontenc}" "\n" r"\usepackage[utf8]{inputenc}" "\n"
         r"\usepackage[vietnamese,main=english]{babel}")  # the glossary's Vietnamese
    return render("book.tex.j2", title=tex_text(s["book.title"]), author=tex_text(s["book.author"]),
                  version=__version__, preamble=preamble, graphics="figures/", sections=sections,
                  answers_title=tex_text(s["book.answers"]), answer_files=answers)


def index(ordered: list[Page], langs) -> str:
    s = strings("en")
    parts = []
    for key, seconds, names in PARTS:
        rows = []
        for page in (p for p in ordered if p.name in names):
            links = " · ".join(f"[{lang}](md/{lang}/{page.name}.md)" for lang in langs)
            r = page.report
            rows.append(dict(name=page.name, title=_title(page.name, "en", page.fallback_title), links=links,
                             status="—" if r is None else (s["index.verified"] if r.ok else s["index.failed"]),
                             error="—" if r is None else fmt_bound(r.max_rel_error)))
        video = f" ([{s['index.video']}]({VIDEO.format(seconds=seconds)}))" if seconds else ""
        parts.append(dict(title=s[key] + video, rows=rows))
    books = [dict(tex=f"tex/{_book(lang)}.tex", pdf=f"{_book(lang)}.pdf") for lang in langs]
    return render("index.md.j2", title=s["index.title"], intro=s["index.intro"], version=__version__,
                  col_module=s["index.module"], col_pages=s["index.pages"],
                  col_status=s["index.status"], col_error=s["index.error"], parts=parts,
                  figures_title=s["index.figures"], books_title=s["index.books"],
                  graph_caption=s["fig.graph"], books=books)
