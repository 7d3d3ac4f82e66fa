"""output/notebooks: one valid, output-free notebook per catalog module and language, executed with
nbclient top to bottom. On CI (or with SYMBP_ALL_NOTEBOOKS=1) every notebook of both languages runs;
locally, the English notebooks that cover each kind of cell (curve and line plots, several inputs,
a tuple output, class targets, a mask with a parameter) — the Vietnamese code cells are the
English ones, as a test checks. One kernel runs them all, reset before each notebook; one
notebook also runs in a fresh kernel of its own."""
import copy
import os
from pathlib import Path

import pytest

import symbp
from conftest import ON_CI, require

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "output" / "notebooks"
MODULES = list(symbp.catalog())
EVERY = ON_CI or bool(os.environ.get("SYMBP_ALL_NOTEBOOKS"))
RUNS = [(lang, name) for lang in ("en", "vi") for name in MODULES] if EVERY else \
    [("en", name) for name in ("relu", "duplicate", "cross_entropy", "dropout")]
RESET = 'get_ipython().run_line_magic("reset", "-f")'


def read(lang: str, name: str):
    nbformat = require("nbformat")
    return nbformat.read(NOTEBOOKS / lang / f"{name}.ipynb", as_version=4)


def code_of(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def outputs_of(nb, cell_id: str) -> str:
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.fixture(scope="module")
def kernel():
    require("nbclient")
    require("ipykernel")
    from jupyter_client import KernelManager
    with pytest.MonkeyPatch.context() as mp:  # the kernel imports this checkout's symbp
        mp.setenv("PYTHONPATH", str(ROOT))
        km = KernelManager(kernel_name="python3")
        km.start_kernel(cwd=str(NOTEBOOKS / "en"))
    yield km
    km.shutdown_kernel(now=True)


def execute(nb, km=None):
    """Run ``nb`` top to bottom (in ``km`` after a reset of its namespace); raise on any error."""
    from nbclient import NotebookClient
    nb = copy.deepcopy(nb)
    if km is not None:
        nbformat = require("nbformat")
        nb.cells.insert(0, nbformat.v4.new_code_cell(RESET, id="reset"))
    NotebookClient(nb, km=km, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS / "en")}}).execute()
    return nb


@pytest.mark.parametrize("lang", ("en", "vi"))
def test_every_module_has_a_valid_notebook_without_outputs(lang):
    nbformat = require("nbformat")
    for name in MODULES:
        nb = read(lang, name)
        nbformat.validate(nb)
        ids = [c.id for c in nb.cells]
        assert len(set(ids)) == len(ids) and "exercise" in ids and "check" in ids
        for c in nb.cells:
            if c.cell_type == "code":
                assert c.outputs == [] and c.execution_count is None, (name, c.id)
        markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "$$" in markdown and f"../../site/{lang}/{name}.html" in markdown
        assert f'symbp.get("{name}")' in code_of(nb)[0]


def test_vietnamese_notebooks_have_the_english_code_and_vietnamese_prose():
    for name in MODULES:
        en, vi = read("en", name), read("vi", name)
        assert [c.replace('text("vi")', 'text("en")') for c in code_of(vi)] == code_of(en), name
        prose = lambda nb: [c.source for c in nb.cells if c.cell_type == "markdown"]
        assert prose(en) != prose(vi)
        assert "Bài tập" in vi.cells[[c.id for c in vi.cells].index("exercise-text")].source


@pytest.mark.parametrize("lang, name", RUNS)
def test_notebook_runs_clean_top_to_bottom(kernel, lang, name):
    nb = execute(read(lang, name), kernel)
    checked = outputs_of(nb, "check")
    for t in symbp.get(name).differentiable:  # the finite-difference check ran for every input
        assert f"{t.name}: max |finite differences - backward|" in checked, checked
    verdict = outputs_of(nb, "exercise")  # the blank answer is wrong
    assert verdict.splitlines()[1].startswith(("wrong", "sai")), verdict
    plot = next(c for c in nb.cells if c.get("id") == "plot")
    assert any(o.output_type == "display_data" and "image/png" in o.data for o in plot.outputs)


def _with_answer(nb, answer: str):
    nb = copy.deepcopy(nb)
    cell = next(c for c in nb.cells if c.get("id") == "exercise")
    blank = 'answer = "0 * g"'
    assert blank in cell.source
    cell.source = cell.source.replace(blank, f"answer = {answer!r}")
    return nb


def test_the_exercise_accepts_a_right_answer_and_rejects_wrong_ones(kernel):
    nb = read("en", "sigmoid")
    assert outputs_of(execute(_with_answer(nb, "g * y * (1 - y)"), kernel), "exercise").splitlines()[1].startswith("correct")
    assert "counterexample" in outputs_of(execute(_with_answer(nb, "g * y"), kernel), "exercise")
    assert "shape" in outputs_of(execute(_with_answer(nb, "sum(g * y)"), kernel), "exercise")


def test_a_notebook_runs_in_a_fresh_kernel_of_its_own(monkeypatch):
    require("nbclient")
    require("ipykernel")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nb = execute(read("vi", "relu"))
    assert "x: max |finite differences - backward|" in outputs_of(nb, "check")
