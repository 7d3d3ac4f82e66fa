"""outputs: (derivation, report) pairs -> the files of ``output/`` (contents only, no I/O)."""
from __future__ import annotations

from . import __version__
from .derivation import RuleDerivation
from .figures import function_and_derivative, graph_figure, graph_tikz, notes_graph, softplus_curve
from .generate import load, module_source
from .lang import strings
from .render import module_blocks, page_md, page_tex, rule_blocks, tex_text
from .report import checks_table, fmt_bound
from .templating import render

ACTIVATION_FIGURES = ("relu", "sigmoid", "tanh")


def _name(d) -> str:
    return d.rule.name if isinstance(d, RuleDerivation) else d.module.name


def _title(d, lang: str) -> str:
    fallback = d.rule.title if isinstance(d, RuleDerivation) else d.module.title
    return strings(lang).get(f"title.{_name(d)}", fallback)


def figures(items) -> tuple[dict[str, bytes], dict[str, dict[str, str]]]:
    """Figure files (``figures/*.svg`` and ``tex/figures/*.pdf``), and per module the figures
    its page shows (key -> SVG path relative to ``output/``)."""
    files, used = {}, {}

    def add(stem: str, data: dict[str, bytes]):
        files[f"figures/{stem}.svg"] = data["svg"]
        files[f"tex/figures/{stem}.pdf"] = data["pdf"]

    by_name = {_name(d): d for d, _ in items}
    for name in ACTIVATION_FIGURES:
        if name in by_name:
            add(f"activation_{name}", function_and_derivative(load(by_name[name]), name))
            used.setdefault(name, {})["activation"] = f"figures/activation_{name}.svg"
    if "log_softmax" in by_name:
        from . import derive, elementwise
        add("softplus", softplus_curve(load(derive(elementwise("log1pexp", "softplus(x)")))))
        used.setdefault("log_softmax", {})["softplus"] = "figures/softplus.svg"
    forward, backward = notes_graph()
    add("graph", graph_figure(forward, backward))
    return files, used


def outputs(items, langs) -> dict[str, str | bytes]:
    derivations = [d for d, _ in items]
    reports = [r for _, r in items]
    files: dict[str, str | bytes] = {
        "verification.txt": checks_table(reports, exact=False),
        "numpy/symbp_nn.py": module_source(
            derivations, title="symbp_nn — numpy forward/backward of the symbp catalog"),
    }
    figure_files, used = figures(items)
    files.update(figure_files)
    forward, backward = notes_graph()
    for lang in langs:
        sections = []
        for d, r in items:
            name = _name(d)
            if isinstance(d, RuleDerivation):
                blocks = rule_blocks(d, r, lang)
            else:
                blocks = module_blocks(d, r, lang, {k: f"../../{v}" for k, v in used.get(name, {}).items()})
            files[f"md/{lang}/{name}.md"] = page_md(name, _title(d, lang), blocks, lang)
            tex_blocks = [b for b in blocks]
            for b in tex_blocks:
                if b.kind == "figure":
                    b.path = b.path.replace("../../figures/", "")
            section = f"{name}" if lang == "en" else f"{lang}/{name}"
            files[f"tex/{section}.tex"] = page_tex(name, _title(d, lang), tex_blocks)
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
    files["README.md"] = index(items, langs)
    return files


def index(items, langs) -> str:
    s = strings("en")
    rows = []
    for d, r in items:
        name = _name(d)
        links = " · ".join(f"[{lang}](md/{lang}/{name}.md)" for lang in langs)
        rows.append(dict(name=name, title=_title(d, "en"), links=links,
                         status=s["index.verified"] if r.ok else s["index.failed"],
                         error=fmt_bound(r.max_rel_error)))
    books = [dict(tex="tex/symbp.tex" if lang == "en" else f"tex/symbp-{lang}.tex",
                  pdf="symbp.pdf" if lang == "en" else f"symbp-{lang}.pdf") for lang in langs]
    return render("index.md.j2", title=s["index.title"], intro=s["index.intro"], version=__version__,
                  col_module=s["index.module"], col_pages=s["index.pages"],
                  col_status=s["index.status"], col_error=s["index.error"], rows=rows,
                  figures_title=s["index.figures"], books_title=s["index.books"],
                  graph_caption=s["fig.graph"], books=books)
