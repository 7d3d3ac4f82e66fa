"""Teaching pages (issue 11): every display formula is a checked SymPy object; every module page has
its key result, worked example (numbers equal to the generated code's), exercises with solutions,
navigation and captions; the notes' errors stay fixed; the Vietnamese follows the glossary."""
import posixpath
import re

import numpy as np
import pytest
import sympy as sp

import symbp
from conftest import require
from symbp.docs.blocks import localize_math, walk
from symbp.docs.equations import Equation
from symbp.docs.examples import EXAMPLES, array_text
from symbp.docs.exercises import DERIVE
from symbp.docs.glossary import GLOSSARY, load_glossary
from symbp.docs.outputs import PARTS
from symbp.docs.points import ModulePoint

MODULES = list(symbp.catalog())
RULES = list(symbp.rules())
PAGES = [name for _, _, names in PARTS for name in names]
LANGS = ("en", "vi")


@pytest.fixture(scope="module")
def files(site):
    return site[0]


def md(files, lang, name) -> str:
    return files[f"md/{lang}/{name}.md"]


def shown(text: str) -> str:
    """A page without its HTML comments (the Vietnamese pages keep the English there)."""
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def display_math(text: str) -> list[str]:
    return [m.strip() for m in re.findall(r"^\$\$\n(.*?)\n\$\$$", shown(text), flags=re.S | re.M)]


def outside_display(text: str) -> str:
    """Prose and inline math: the page without comments, code blocks and ``$$`` blocks."""
    text = re.sub(r"```.*?```", "", shown(text), flags=re.S)
    return re.sub(r"^\$\$\n.*?\n\$\$$", "", text, flags=re.S | re.M)


# -- every display equation is a checked SymPy object --------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_every_display_equation_is_a_checked_sympy_object(site, lang):
    files, registry = site
    for name in PAGES:
        blocks = registry[(lang, name)]
        maths = [b for b in walk(blocks) if b.kind == "math"]
        assert display_math(md(files, lang, name)) == [b.text for b in maths], name
        for b in maths:
            eq = b.eq
            assert isinstance(eq, Equation), (name, b.text[:60])
            assert b.text == localize_math(eq.tex, lang)
            assert eq.shown and all(isinstance(o, (sp.Basic, sp.MatrixBase)) or np.isscalar(o)
                                    for o in eq.shown), (name, eq.tex[:60])
            assert eq.ok, f"{name}: {eq.tex[:80]} — {eq.check}: error {eq.error:.2e}"


def test_a_wrong_formula_fails_its_check(derivations):
    d = derivations["sigmoid"]
    point = ModulePoint(d)
    y, g = symbp.names.OUTPUT.base, symbp.names.UPSTREAM.base
    c = d.steps["x"].index[0]
    right = point.vjp("", d.steps["x"].vjp, "x")
    wrong = point.vjp("", g[c] * y[c] * (1 + y[c]), "x")
    assert right.ok and not wrong.ok
    i = d.module.index[0]
    assert not point.derivative("", 2 * d.steps["x"].jacobian, "x").ok
    assert point.derivative("", d.steps["x"].jacobian, "x").ok and i is not None


def test_writer_refuses_typed_latex():
    from symbp.docs.blocks import Writer
    with pytest.raises(TypeError):
        Writer("en").math(r"\frac{\partial C}{\partial x} = g")


# -- math that survives kramdown and KaTeX --------------------------------------------------------
KRAMDOWN_ESCAPES = r"\\`*_{}[]()#+-.!:|\"'$<>="


def test_no_kramdown_escape_outside_display_math(files):
    for path, text in files.items():
        if not path.startswith("md/"):
            continue
        prose = outside_display(text)
        assert not re.search(r"\\[{}]", prose), f"{path}: \\{{ outside $$ (kramdown eats the backslash)"
        for inline in re.findall(r"\$([^$]+)\$", prose):
            bad = re.findall(r"\\([" + re.escape(KRAMDOWN_ESCAPES) + r"])", inline)
            assert not bad, f"{path}: ${inline}$ has \\{bad[0]}"


def test_vietnamese_formulas_have_no_english_words(files):
    for name in PAGES:
        for tex in display_math(md(files, "vi", name)):
            assert r"\text{for}" not in tex and r"\text{otherwise}" not in tex, name
    assert r"\text{nếu}" in md(files, "vi", "relu") and r"\text{ngược lại}" in md(files, "vi", "relu")


def test_no_code_names_in_formulas(files):
    for path, text in files.items():
        if path.startswith("md/"):
            for tex in display_math(text):
                assert not re.search(r"(?<![\\a-zA-Z])(logits|mask|shift|target|pred)(?![a-zA-Z])", tex), \
                    f"{path}: a code name in {tex[:80]}"
                assert r"\mathrm{mask}" not in tex and "_{shift}" not in tex


# -- what every page has ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", MODULES + RULES)
def test_module_pages_have_key_result_example_exercises(site, name):
    files, registry = site
    for lang in LANGS:
        blocks = registry[(lang, name)]
        kinds = [b.kind for b in blocks]
        assert kinds[0] == "nav" and kinds[-1] == "nav"
        box = next(b for b in blocks if b.kind == "box")
        assert any(c.kind == "math" for c in box.children) and any(c.kind == "para" for c in box.children)
        assert kinds.index("box") < kinds.index("table"), "the key result comes first"
        exercises = [b for b in walk(blocks) if b.kind == "exercise"]
        assert 2 <= len(exercises) <= 3
        assert all(ex.children and ex.text for ex in exercises)
        assert any("symbp check" in c.text for ex in exercises for c in ex.children)
        text = md(files, lang, name)
        assert text.count("<details markdown=\"1\">") >= len(exercises)
        assert "### " + ("A worked example" if lang == "en" else "Một ví dụ bằng số") in text


@pytest.mark.parametrize("name", PAGES)
def test_navigation_and_captions(site, name):
    files, registry = site
    k = PAGES.index(name)
    for lang in LANGS:
        text = md(files, lang, name)
        nav = next(b for b in registry[(lang, name)] if b.kind == "nav")
        hrefs = [h for _, h in nav.links]
        assert "../../README.md" in hrefs
        assert (k == 0) or f"{PAGES[k - 1]}.md" in hrefs
        assert (k == len(PAGES) - 1) or f"{PAGES[k + 1]}.md" in hrefs
        other = "vi" if lang == "en" else "en"
        assert f"../{other}/{name}.md" in hrefs
        for href in hrefs:
            if not href.startswith("http"):
                assert posixpath.normpath(f"md/{lang}/{href}") in files, (name, href)
        for img, alt in re.findall(r'<img src="([^"]+)" alt="([^"]*)"', shown(text)):
            assert "\\" not in alt and "$" not in alt, (name, alt)
            caption = shown(text).split(img, 1)[1].split("\n\n", 2)[1]
            assert caption.strip() and not caption.startswith(("<", "#")), (name, img)


def test_lecture_video_timestamps(files):
    assert "t=2989s" in md(files, "en", "linear") and "t=3953s" in md(files, "en", "softmax")
    assert "t=4891s" in md(files, "en", "dropout") and "youtube" not in md(files, "en", "glossary")


# -- the worked examples are the generated code's numbers -------------------------------------------
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_worked_example_numbers_are_the_generated_codes(files, name):
    m = symbp.get(name)
    f = symbp.load(symbp.derive(m))
    ex = EXAMPLES[name]
    args = [np.asarray(ex["inputs"][t.name], dtype=np.int64 if t.kind == "class" else float) for t in m.inputs]
    out, cache = f.forward(*args, **ex.get("params", {}))
    out = np.stack(out) if isinstance(out, tuple) else out
    g = np.asarray(ex["g"], dtype=float)
    grads = f.backward(tuple(g) if m.branches else (float(g) if g.ndim == 0 else g), cache)
    page = md(files, "en", name)
    rows = re.findall(r"^\| (\$[^|]+\$) \| (\[?[-\d., \[\]e]+\]?) \| (\[?[-\d., \[\]e]+\]?) \|$", page, re.M)
    table = {label: (code, formula) for label, code, formula in rows}
    assert len(table) == 1 + sum(t.differentiable for t in m.inputs), table
    values = [out] + [v for t, v in zip(m.inputs, grads) if t.differentiable]
    for (code, formula), value in zip(table.values(), values):
        assert code == array_text(value), (name, code, array_text(value))
        assert formula == code, (name, formula, code)


# -- derive it yourself: the shipped answers are right ------------------------------------------------
@pytest.mark.parametrize("page", sorted(DERIVE))
def test_derive_it_yourself_answers_match_the_derivation(page):
    """Each shipped solution is what `symbp check` accepts (the exercise tells students to use it)."""
    answer = DERIVE[page]
    if answer.expr:
        shapes = {v: dims for v, dims in answer.shapes}
        m = symbp.module(page, answer.expr, shapes=shapes, params=dict(answer.params) or None)
    else:
        m = symbp.get(answer.target)
    verdict = symbp.check_answer(m, answer.wrt, answer.answer)
    assert verdict.correct, verdict.text()


# -- PyTorch cross-checks run --------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_pytorch_snippets_run(files, name):
    require("torch")
    page = md(files, "en", name)
    snippet = re.search(r"```python\n(import numpy as np\nimport torch.*?)```", page, re.S).group(1)
    scope: dict = {}
    exec(compile(snippet, f"{name}.md", "exec"), scope)  # asserts inside


# -- the notes' errors, fixed -------------------------------------------------------------------
def test_sigmoid_is_the_softmax_of_a_pair_not_of_one_value(files):
    page = md(files, "en", "sigmoid")
    assert r"\operatorname{softmax}(x, 0)_1" in page and "softmax of a single value" not in page
    assert "h(s)" in page.split("### Forward")[0]  # the notes' name, once, in the introduction
    forward = page.split("### Forward")[1]
    assert "h(s)" not in forward and r"\sigma'(s)" not in forward


def test_log_softmax_claim_is_the_notes_claim_made_precise(files):
    page = md(files, "en", "log_softmax")
    assert "the notes' cure" not in page and "Precisely" in page
    assert r"\xrightarrow[p\to 0]{} 0" in page and r"\xrightarrow[p\to 0]{} 1" in page


def test_symbols_do_not_clash(files):
    linear = md(files, "en", "linear")
    assert "y_{si}" in linear and "x_{b" not in linear
    normalize = md(files, "en", "normalize")
    assert r"B \times C" not in normalize and "C=" not in normalize
    dropout = md(files, "en", "dropout")
    assert "m_{c}" in dropout and "mask_" not in "".join(display_math(dropout))
    for name in PAGES:
        assert "$N = N$" not in md(files, "en", name) and "N = N " not in md(files, "en", name)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "add", "max", "dropout", "duplicate"])
def test_elementwise_pages_do_not_repeat_the_partial_as_the_jacobian(site, name):
    files, registry = site
    partials = [t for t in display_math(md(files, "en", name)) if t.startswith(r"\frac{\partial y")]
    assert len(partials) == len(set(partials)) >= 1, "the Jacobian step repeats the partial derivative"
    assert "already is the entry of the Jacobian" in md(files, "en", name)


@pytest.mark.parametrize("name", ["cross_entropy", "mse", "l2_penalty", "l1_penalty"])
def test_scalar_outputs_are_named_as_such(files, name):
    page = md(files, "en", name)
    assert "One element of the output" not in page and r"\partial y" not in outside_display(page)
    assert r"\partial L" in page


def test_regulariser_defined_once(files):
    for name in ("l2_penalty", "sgd_l2"):
        page = md(files, "en", name)
        assert r"R(w) = \Vert w \Vert^2" in page and r"R(w) = \alpha" not in page


def test_adam_shows_bias_correction_counter_and_zero_state(files):
    page = md(files, "en", "adam")
    assert r"\hat{m}_{i} &= " in page and r"\hat{v}_{i} &= " in page and r"t &\leftarrow t + 1" in page
    assert "(starts at $0$)" in page and "$t = 1$ at the first" in page


def test_cosine_schedule_decreases_on_its_interval_only():
    from symbp.catalog import schedules
    assert all(schedules.decreasing(n) for n in schedules.SCHEDULES)
    assert schedules.cosine_rises_after()
    slope = sp.diff(schedules.SCHEDULES["cosine"][0], schedules.t)
    assert schedules.cosine_slope_sign(-slope, sp.Interval(0, 1)) == "nonnegative"  # a rising one
    from symbp.codegen.compiled import run_source
    from symbp.codegen.extras import schedule_source
    lr = run_source(schedule_source("cosine"), "c")["lr_cosine"]
    t = np.arange(0, 101)
    assert np.all(np.diff(lr(t[:51])) <= 0) and np.all(np.diff(lr(t[50:])) >= 0)


def test_l1_says_it_oscillates_and_shows_the_soft_threshold(site):
    files, registry = site
    page = md(files, "en", "sgd_l1")
    assert "| 2 | -0.0077 |" in page and r"\max\left(0, \left|{u_{i}}\right|" in page
    assert "shrinks useless weights to zero" not in md(files, "en", "l1_penalty")


def test_kaiming_states_only_the_weights_need_zero_mean(files):
    page = md(files, "en", "kaiming")
    assert r"\mathcal{N}(\mu, \sigma_x^2)" in page and r"\mu^{2} + \sigma_{x}^{2}" in page


def test_normalize_names_the_notes_case_and_the_batch_case(files):
    page = md(files, "en", "normalize")
    assert "The notes' case: statistics of the dataset" in page and "The batch case" in page
    assert r"\right|_{\text{fixed}} = \frac{g_{cj}}{s_{j}}" in page


def test_no_invented_claim_of_the_notes(files):
    assert "What the notes claim" not in md(files, "en", "cross_entropy")
    assert "Prediction minus target" in md(files, "en", "cross_entropy")


# -- the Vietnamese follows the glossary -----------------------------------------------------------
def test_vietnamese_pages_use_the_glossary(site):
    files, registry = site
    for name in PAGES:
        en = " ".join(b.en for b in walk(registry[("en", name)]) if b.kind in ("para", "heading", "exercise"))
        vi = " ".join(b.text for b in walk(registry[("vi", name)]) if b.kind in ("para", "heading", "exercise"))
        for term in GLOSSARY:
            flags = 0 if term.exact else re.I
            if re.search(rf"\b{re.escape(term.en)}\b", en, flags):
                assert term.vi.lower() in vi.lower(), f"{name}: '{term.en}' without '{term.vi}'"
    everything = "\n".join(shown(v) for k, v in files.items() if k.startswith("md/vi/") and
                           not k.endswith("glossary.md")).lower()
    for term in GLOSSARY:
        for avoided in term.avoid:
            assert avoided.lower() not in everything, f"'{avoided}' (glossary: say '{term.vi}')"


def test_glossary_table_is_read_whole_and_checked(tmp_path):
    assert len(GLOSSARY) > 40 and all(t.en and t.vi for t in GLOSSARY)
    by_en = {t.en: t for t in GLOSSARY}
    assert by_en["Add"].exact and not by_en["gradient"].exact
    assert by_en["learning rate"].avoid == ("tỷ lệ học tập", "tốc độ học tập")
    table = tmp_path / "glossary.tsv"
    table.write_text("en\tvi\tnotes_vi\tavoid\texact\nkink\tđiểm gãy\t\ta; b\tyes\n", encoding="utf-8")
    (term,) = load_glossary(table)
    assert term.avoid == ("a", "b") and term.exact and term.notes_vi == ""
    table.write_text("en\tvi\tnotes_vi\tavoid\texact\nkink\tđiểm gãy\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"glossary.tsv:2"):
        load_glossary(table)


def test_vietnamese_calques_of_the_issue_are_gone(files):
    vi = "\n".join(shown(v) for k, v in files.items() if k.startswith("md/vi/") and not k.endswith("glossary.md"))
    for calque in ("được phép suy ra", "bài viết", "khối lượng", "hạt giống", "Nhân bản"):
        assert calque not in vi, calque
    assert "Những điểm mà lượt truyền xuôi" in vi and "Bản sao" in vi


# -- the measured tricks ----------------------------------------------------------------------------
def test_tricks_page_reads_its_measurements_right():
    from symbp.docs.tricks_page import by_key
    runs = by_key()
    base = runs["tricks.row.baseline"]
    assert runs["tricks.row.no_normalize"].test_accuracy[-1] < base.test_accuracy[-1] - 0.2
    assert runs["tricks.row.tiny_eps"].test_loss[-1] > 10 * base.test_loss[-1]
    assert abs(runs["tricks.row.tiny_eps"].test_accuracy[-1] - base.test_accuracy[-1]) < 0.02
    assert runs["tricks.row.naive_init"].loss[-1] > base.loss[-1]
    assert runs["tricks.row.softmax_log"].test_accuracy == base.test_accuracy
    assert runs["tricks.row.no_dropout"].loss[-1] < base.loss[-1]
    assert runs["tricks.row.no_dropout"].test_loss[-1] > base.test_loss[-1]
    assert abs(runs["tricks.row.no_l2"].test_accuracy[-1] - base.test_accuracy[-1]) < 0.01
    assert runs["tricks.row.constant_lr"].test_accuracy[-1] > base.test_accuracy[-1]


def test_underflow_demo_shows_what_the_page_says():
    from symbp.docs.tricks_page import underflow_demo
    z, naive, stable = underflow_demo()
    assert z[0] == 0 and naive[0] == -np.inf and stable[0] == -200 and np.isfinite(naive[1:]).all()


def test_tricks_runs_are_seeded_and_reproducible():
    from symbp.docs.tricks_page import BASELINE
    from symbp.training import train_digits
    from dataclasses import replace
    short = replace(BASELINE, epochs=2)
    _, first, _ = train_digits(short)
    _, second, _ = train_digits(short)
    assert first.loss == second.loss and first.test_accuracy == second.test_accuracy
