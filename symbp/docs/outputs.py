"""outputs: (derivation, report) pairs -> the files of ``output/`` (contents only, no I/O)."""
from __future__ import annotations

from ..check import verify
from ..codegen import load as load_any
from ..codegen.extras import extras, schedule_source
from ..codegen.compiled import run_source
from ..catalog.schedules import SCHEDULES
from ..derive import derive
from ..expr import elementwise
from ..graph import graph
from ..networks import mlp_graph
from ..version import __version__
from .figures import (drawing, function_and_derivative, graph_figure, graph_tikz, notes_graph,
                      schedules_plot, softplus_curve, vanishing_gradients, variance_through_layers)
from ..codegen.generate import module_source
from .lang import strings
from .render import (kaiming_blocks, network_blocks, page_blocks, page_md, page_tex, schedules_blocks,
                     tex_text)
from .report import checks_table, fmt_bound
from .notebooks import notebook_files
from .site import Page, site_files
from ..templating import render

ACTIVATION_FIGURES = ("relu", "sigmoid", "tanh")


def _title(d, lang: str) -> str:
    return strings(lang).get(f"title.{d.name}", d.title)


def figures(items) -> tuple[dict[str, bytes], dict[str, dict[str, str]]]:
    """Figure files (``figures/*.svg`` and ``tex/figures/*.pdf``), and per module the figures
    its page shows (key -> SVG path relative to ``output/``)."""
    files, used = {}, {}

    def add(stem: str, data: dict[str, bytes]):
        files[f"figures/{stem}.svg"] = data["svg"]
        files[f"tex/figures/{stem}.pdf"] = data["pdf"]

    by_name = {d.name: d for d, _ in items}
    for name in ACTIVATION_FIGURES:
        if name in by_name:
            add(f"activation_{name}", function_and_derivative(load_any(by_name[name]), name))
            used.setdefault(name, {})["activation"] = f"figures/activation_{name}.svg"
    if "log_softmax" in by_name:
        add("softplus", softplus_curve(load_any(derive(elementwise("log1pexp", "softplus(x)")))))
        used.setdefault("log_softmax", {})["softplus"] = "figures/softplus.svg"
    forward, backward = notes_graph()
    add("graph", graph_figure(forward, backward))
    if {"linear", "relu"} <= set(by_name):
        add("kaiming_variance", variance_through_layers(load_any(by_name["linear"]), load_any(by_name["relu"])))
        add("vanishing", vanishing_gradients(_deep_stack))
        used.setdefault("sigmoid", {})["vanishing"] = "figures/vanishing.svg"
    add("schedules", schedules_plot(_schedule_functions()))
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


def outputs(items, langs) -> dict[str, str | bytes]:
    derivations = [d for d, _ in items]
    reports = [r for _, r in items]
    files: dict[str, str | bytes] = {
        "verification.txt": checks_table(reports, exact=False),
        "numpy/symbp_nn.py": module_source(
            derivations, title="symbp_nn — numpy forward/backward of the symbp catalog",
            extras=extras()),
    }
    figure_files, used = figures(items)
    files.update(figure_files)
    nets = networks()
    for d, _ in nets:
        files.update(_graph_files(d))
    forward, backward = notes_graph()
    extra_pages = [
        ("kaiming", lambda lang: kaiming_blocks(lang, "../../figures/kaiming_variance.svg")),
        ("schedules", lambda lang: schedules_blocks(lang, "../../figures/schedules.svg")),
    ] + [(d.name, (lambda d, r: lambda lang: network_blocks(d, r, lang, f"../../figures/{d.name}.svg"))(d, r))
         for d, r in nets]
    reports = {d.name: r for d, r in items + nets}
    pages: list[Page] = []  # every Markdown page, for the site
    for lang in langs:
        sections = []
        for d, r in items:
            name = d.name
            blocks = page_blocks(d, r, lang, {k: f"../../{v}" for k, v in used.get(name, {}).items()})
            files[f"md/{lang}/{name}.md"] = page_md(name, _title(d, lang), blocks, lang,
                                                    derived=d.kind == "module")
            pages.append(Page(name, lang, _title(d, lang), tuple(blocks), d.kind, d.kind == "module", r))
            section = f"{name}" if lang == "en" else f"{lang}/{name}"
            files[f"tex/{section}.tex"] = page_tex(name, _title(d, lang), blocks)
            sections.append(section)
        for name, blocks_of in extra_pages:
            blocks = blocks_of(lang)
            title = strings(lang).get(f"title.{name}", name)
            files[f"md/{lang}/{name}.md"] = page_md(name, title, blocks, lang,
                                                    derived=name not in ("kaiming", "schedules"))
            pages.append(Page(name, lang, title, tuple(blocks), "network" if name in reports else "notes",
                              name not in ("kaiming", "schedules"), reports.get(name)))
            section = f"{name}" if lang == "en" else f"{lang}/{name}"
            files[f"tex/{section}.tex"] = page_tex(name, title, blocks)
            sections.append(section)
        s = strings(lang)
        preamble = (r"\usepackage[T5]{fontenc}" "\n" r"\usepackage[utf8]{inputenc}" "\n"
                    r"\usepackage[vietnamese]{babel}") if lang == "vi" else \
            (r"\usepackage[T1]{fontenc}" "\n" r"\usepackage[utf8]{inputenc}")
        book = "symbp" if lang == "en" else f"symbp-{lang}"
        files[f"tex/{book}.tex"] = render(
            "book.tex.j2", title=tex_text(s["book.title"]), author=tex_text(s["book.author"]),
            version=__version__, preamble=preamble, graphics="figures/", sections=sections,
            graph_caption=tex_text(s["fig.graph"]), graph_tikz=graph_tikz(forward, backward))
    files["README.md"] = index(items + nets, langs, extra=[n for n, _ in extra_pages])
    files.update(notebook_files(items, pages))
    files.update(site_files(pages, files))
    return files


def _graph_files(d) -> dict:
    forward, backward = drawing(d.graph)
    data = graph_figure(forward, backward)
    return {f"figures/{d.name}.svg": data["svg"], f"tex/figures/{d.name}.pdf": data["pdf"]}


def index(items, langs, extra=()) -> str:
    s = strings("en")
    rows = []
    for d, r in items:
        name = d.name
        links = " · ".join(f"[{lang}](md/{lang}/{name}.md)" for lang in langs)
        rows.append(dict(name=name, title=_title(d, "en"), links=links,
                         status=s["index.verified"] if r.ok else s["index.failed"],
                         error=fmt_bound(r.max_rel_error)))
    for name in extra:
        if name in {row["name"] for row in rows}:
            continue
        links = " · ".join(f"[{lang}](md/{lang}/{name}.md)" for lang in langs)
        rows.append(dict(name=name, title=s.get(f"title.{name}", name), links=links,
                         status="—", error="—"))
    books = [dict(tex="tex/symbp.tex" if lang == "en" else f"tex/symbp-{lang}.tex",
                  pdf="symbp.pdf" if lang == "en" else f"symbp-{lang}.pdf") for lang in langs]
    return render("index.md.j2", title=s["index.title"], intro=s["index.intro"], version=__version__,
                  col_module=s["index.module"], col_pages=s["index.pages"],
                  col_status=s["index.status"], col_error=s["index.error"], rows=rows,
                  figures_title=s["index.figures"], books_title=s["index.books"],
                  graph_caption=s["fig.graph"], books=books)
