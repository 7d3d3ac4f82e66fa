"""notebooks: one Jupyter notebook per catalog module and language, ``output/notebooks/{lang}/NAME.ipynb``.

The derivation is the page's own blocks (up to the numeric check) as Markdown cells; then code
cells that derive the module with symbp, run the generated code on a small worked example, check
every gradient against central finite differences, plot the function and its derivative, and an
exercise checked against the generated backward. The example's numbers are drawn here (seeded,
rounded, kept away from kinks) and written into the cells as literals; nothing is executed and no
output is stored, so the files are deterministic (fixed cell ids, sorted keys).
"""
from __future__ import annotations

import json

import numpy as np

from ..check.verification import sample
from ..codegen import load
from ..templating import render
from .lang import strings
from .site import Page

NBFORMAT = (4, 5)
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}
EXAMPLE_SEED = 0


# -- the worked example: numbers drawn once, written as literals ---------------------------------
def example_sizes(m) -> dict[str, int]:
    """Small distinct sizes per size name (3 elements for an elementwise module)."""
    names = sorted({d for t in m.inputs for d in t.dims} - set(dict(m.size_params)))
    floor = dict(m.min_sizes)
    if m.elementwise:
        return {d: max(3, floor.get(d, 1)) for d in names}
    return {d: max(2 + k, floor.get(d, 1)) for k, d in enumerate(names)}


def _literal(a) -> str:
    if isinstance(a, tuple):
        return "(" + ", ".join(_literal(x) for x in a) + ")"
    if np.ndim(a) == 0:
        return repr(float(a))
    return f"np.array({np.asarray(a).tolist()!r})"


def _rounded(values: dict) -> dict:
    return {k: (np.round(v, 2) if v.dtype.kind == "f" else v) for k, v in values.items()}


def worked_example(d) -> dict:
    """Inputs, parameters and an upstream gradient ``g`` for ``d``'s module, as arrays."""
    m = d.module
    rng = np.random.default_rng(EXAMPLE_SEED)
    values = _rounded(sample(m, example_sizes(m), rng, d.kinks))
    params = {p.name: p.default for p in m.params}
    out, _ = load(d).forward(*[values[t.name] for t in m.inputs], **params)

    def upstream(y):
        return 1.0 if np.ndim(y) == 0 else np.round(rng.uniform(-1, 1, np.shape(y)), 2)
    g = tuple(upstream(y) for y in out) if isinstance(out, tuple) else upstream(out)
    return dict(values=values, params=params, g=g, tuple_output=isinstance(out, tuple))


# -- cells ---------------------------------------------------------------------------------------
def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def markdown_cell(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": _lines(text.strip("\n"))}


def code_cell(cell_id: str, source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": {},
            "outputs": [], "source": _lines(source.strip("\n"))}


def _markdown_block(b) -> dict:
    """A page block as the Markdown-cell template needs it (unknown kinds: text, rows)."""
    text = getattr(b, "text", "") or ""
    return dict(kind=b.kind, text=text, level=getattr(b, "level", 3), path=getattr(b, "path", ""),
                alt=text.replace("$", ""), header=list(getattr(b, "header", []) or []),
                rows=list(getattr(b, "rows", []) or []))


def derivation_sections(blocks, stop: str) -> list[list[dict]]:
    """The page's blocks before the heading ``stop``, one list per heading, empty ones dropped."""
    sections: list[list[dict]] = [[]]
    for b in blocks:
        if b.kind == "heading" and b.en == stop:
            break
        if b.kind == "heading" and any(x["kind"] != "heading" for x in sections[-1]):
            sections.append([])
        if b.text or getattr(b, "rows", None):
            sections[-1].append(_markdown_block(b))
    return [s for s in sections if s]


def _code_context(d, ex: dict) -> dict:
    """The strings the code-cell templates place: names, literals, calls."""
    m = d.module
    inputs = [dict(name=t.name, literal=_literal(ex["values"][t.name])) for t in m.inputs]
    grads = [f"d{t.name}" if t.differentiable else "_" for t in m.inputs]
    first = m.differentiable[0]
    position = [t.name for t in m.inputs].index(first.name)
    point = tuple([0] * len(first.dims))
    call = ", ".join(t.name for t in m.inputs)
    return dict(
        name=m.name, inputs=inputs, call=call,
        params=repr(ex["params"]),
        g=_literal(ex["g"]), grads=", ".join(grads) + ("," if len(grads) == 1 else ""),
        differentiable=[dict(name=t.name, grad=f"d{t.name}") for t in m.differentiable],
        inner=("sum(np.sum(gi * yi) for gi, yi in zip(g, out))" if ex["tuple_output"]
               else "np.sum(g * out)"),
        wrt=first.name, dwrt=f"d{first.name}", position=position,
        point=repr(point), point_text=f"{first.name}[{', '.join(map(str, point))}]",
        low=repr(float(first.low) if first.low > 0 else -4.0),
        high=repr(float(first.high) if first.low > 0 else 4.0),
    )


def _curve(d) -> bool:
    """An elementwise function of one input with an output of the same shape: plot f and f'."""
    m = d.module
    return m.elementwise and len(m.inputs) == 1 and tuple(m.out_dims) == tuple(m.inputs[0].dims)


def notebook(d, page: Page) -> dict:
    """The notebook of module ``d`` in ``page.lang``, as nbformat 4 JSON data."""
    s, en = strings(page.lang), strings("en")
    m, ex = d.module, worked_example(d)
    ctx = {**_code_context(d, ex), "lang": page.lang}
    sizes = ", ".join(f"${k} = {v}$" for k, v in example_sizes(m).items())
    cells = [markdown_cell("title", render(
        "notebook_intro.md.j2", title=page.title,
        intro=s["nb.intro"].format(page=f"../../site/{page.lang}/{m.name}.html")))]
    for k, section in enumerate(derivation_sections(page.blocks, en["h.check"])):
        cells.append(markdown_cell(f"derivation-{k}", render("notebook_cell.md.j2", blocks=section)))
    steps = [
        ("derive", s["nb.derive"], "notebook_derive.py.j2"),
        ("example", s["nb.example"].format(sizes=sizes), "notebook_example.py.j2"),
        ("check", s["nb.check"], "notebook_check.py.j2"),
        ("plot", s["nb.plot.curve"] if _curve(d) else s["nb.plot.line"].format(name=ctx["wrt"]),
         "notebook_curve.py.j2" if _curve(d) else "notebook_line.py.j2"),
        ("exercise", s["nb.exercise"].format(wrt=ctx["wrt"]), "notebook_exercise.py.j2"),
    ]
    for cell_id, prose, template in steps:
        cells.append(markdown_cell(f"{cell_id}-text", prose))
        cells.append(code_cell(cell_id, render(template, **ctx)))
    return {"cells": cells, "metadata": {"kernelspec": KERNEL, "language_info": {"name": "python"}},
            "nbformat": NBFORMAT[0], "nbformat_minor": NBFORMAT[1]}


def notebook_json(nb: dict) -> str:
    """As nbformat writes it: one-space indent, sorted keys, UTF-8 kept."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def notebook_files(items, pages: list[Page]) -> dict[str, str]:
    """``notebooks/{lang}/NAME.ipynb`` for every module among ``items`` and page language."""
    modules = {d.name: d for d, _ in items if d.kind == "module"}
    return {f"notebooks/{p.lang}/{p.name}.ipynb": notebook_json(notebook(modules[p.name], p))
            for p in pages if p.name in modules}
