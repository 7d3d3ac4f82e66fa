"""The content review of the pages: each problem it found, held fixed (symbolic sizes in key results,
cases in parentheses, one orientation of comparisons, readable by-hand answers, Kaiming's one n,
rules without a penalty, notation, figures per language with no edge across a node, numbers in
prose and tables)."""
import re

import pytest
import sympy as sp

from symbp.docs.blocks import walk
from symbp.docs.outputs import PARTS

PAGES = [name for _, _, names in PARTS for name in names]
LANGS = ("en", "vi")


@pytest.fixture(scope="module")
def files(site):
    return site[0]


@pytest.fixture(scope="module")
def registry(site):
    return site[1]


def maths(registry, lang, name) -> list[str]:
    return [b.text for b in walk(registry[(lang, name)]) if b.kind == "math"]


def key_maths(registry, lang, name) -> list[str]:
    box = next(b for b in registry[(lang, name)] if b.kind == "box")
    return [b.text for b in walk(box.children) if b.kind == "math"]


def paras(registry, lang, name) -> list[str]:
    return [b.text for b in walk(registry[(lang, name)]) if b.kind == "para"]


# -- 1. key results in the symbolic sizes -----------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_linear_key_result_uses_symbolic_sizes_like_the_matrix_forms(registry, lang):
    (key,) = key_maths(registry, lang, "linear")
    assert r"\frac{\partial C}{\partial b} &= \mathbf{1}_{B}^\top G" in key
    for name in PAGES:
        for tex in maths(registry, lang, name):
            assert not re.search(r"\\mathbf\{1\}_\{\d", tex), (name, tex[:80])


# -- 2. a colon announces a formula ---------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_a_paragraph_ending_in_a_colon_is_followed_by_what_it_announces(registry, lang):
    for name in PAGES:
        blocks = list(walk(registry[(lang, name)]))
        for b, after in zip(blocks, blocks[1:] + [None]):
            if b.kind == "para" and b.text.rstrip().endswith(":"):
                assert after is not None and after.kind in ("math", "table", "code", "figure"), \
                    (name, b.text[-80:], after and after.kind)


def test_normalize_deltas_are_announced_where_they_are():
    from symbp.docs.lang import strings
    en = strings("en")
    assert "Kronecker" not in en["partial.intro_statistics"] and "Kronecker" in en["partial.through"]


# -- 3. cases inside an expression are bracketed; readable by-hand answers ----------------------
def test_cases_are_bracketed_unless_they_are_the_whole_expression():
    from symbp.docs.latex import latex
    x, i, c = sp.IndexedBase("x"), sp.Symbol("i"), sp.Symbol("c")
    cases = sp.Piecewise((x[i], x[i] > 0), (0, True))
    assert latex(cases).startswith(r"\begin{cases}")
    for expr in (cases + c, -cases, c * cases):
        text = latex(expr)
        assert r"\left(\begin{cases}" in text and r"\end{cases}\right)" in text, text
        assert r"\left(\left(" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_no_term_follows_a_case_brace_unbracketed(registry, lang):
    for name in PAGES:
        for tex in maths(registry, lang, name):
            for m in re.finditer(r"\\end\{cases\}", tex):
                rest = tex[m.end():].lstrip()
                assert rest == "" or rest.startswith((r"\right)", r"\end{aligned}", r"\\")), \
                    (name, tex[m.start():m.start() + 60])


def test_matrix_form_brackets_its_cases(registry):
    (matrix,) = [t for t in maths(registry, "en", "normalize") if t.startswith(r"\frac{\partial C}{\partial x} =")]
    assert r"+ \left(\begin{cases}" in matrix and r"\end{cases}\right)" in matrix


def test_normalize_by_hand_answer_shows_the_case_that_holds_over_rows(registry):
    from symbp.docs.exercises import number_tex
    exercise = next(b for b in walk(registry[("en", "normalize")]) if b.kind == "exercise")
    (answer,) = [b.text for b in walk(exercise.children) if b.kind == "math"]
    assert r"\begin{cases}" not in answer and answer.startswith(r"\begin{aligned}")
    assert answer.count(r"\\[6pt]") >= 2
    assert r"\text{for}\: 0.8165 > 10^{-5}" in answer  # epsilon was printed as 0
    assert number_tex(1e-5) == "10^{-5}" and number_tex(-2.5e-6) == r"-2.5 \cdot 10^{-6}"
    assert number_tex(0.5) == "0.5"


# -- 4. one orientation of comparisons ----------------------------------------------------------
def test_comparisons_put_the_varying_side_first():
    from symbp.docs.latex import latex
    x, i, eps = sp.IndexedBase("x"), sp.Symbol("i"), sp.Symbol("eps")
    assert latex(sp.Lt(eps, x[i])) == r"x_{i} > \epsilon"
    assert latex(sp.Le(0, x[i])) == r"x_{i} \geq 0"
    assert latex(sp.Lt(x[i], 0)) == r"x_{i} < 0"


@pytest.mark.parametrize("lang", LANGS)
def test_normalize_writes_sigma_greater_than_epsilon_everywhere(registry, lang):
    texts = maths(registry, lang, "normalize")
    assert not any(r"\epsilon <" in t for t in texts)
    assert any(r"\sigma_{j} > \epsilon" in t for t in texts) and any(r"\sigma > \epsilon" in t for t in texts)


# -- 5. Kaiming: one n, the conventional order ------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_kaiming_writes_one_n_in_the_usual_order(registry, lang):
    texts = maths(registry, lang, "kaiming")
    assert not any(r"\mathrm{in}" in t for t in texts)
    assert r"\mathrm{Var}(y) = n\,\mathrm{Var}(w)\,\mathbb{E}[x^2]" in texts
    assert any(t.endswith(r"\mathrm{std}(w) = \frac{\sqrt{2}}{\sqrt{n}} = \sqrt{\frac{2}{n}}") for t in texts)
    assert not any(r"n_{\mathrm{in}}" in p for p in paras(registry, lang, "kaiming"))


# -- 6, 7. update rules without a penalty; Adam's epsilon ----------------------------------------
@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_rules_without_a_penalty_say_dL_equals_dC(files, registry, name):
    page = files[f"md/en/{name}.md"]
    assert "differentiates the penalty" not in page and r"\left(0\right)" not in page
    assert r"\frac{\partial L}{\partial w_i} = \frac{\partial C}{\partial w_{i}}" in maths(registry, "en", name)


def test_penalised_rules_still_show_the_penalty_derivative(files):
    assert "SymPy differentiates the penalty" in files["md/en/sgd_l2.md"]


def test_adam_epsilon_is_added_to_the_divisor_not_a_floor(files):
    adam, normalize = files["md/en/adam.md"], files["md/en/normalize.md"]
    assert "floor" not in adam and "added to the divisor" in adam
    assert "the floor of the divisor" in normalize


# -- 8, 9. the chain rule's graph and the graph drawings --------------------------------------------
def test_chain_rule_words_match_the_drawing(files):
    page = files["md/en/chain_rule.md"]
    assert "top node" not in page and "on the left" in page


def test_graph_drawings_write_values_as_the_pages_do():
    from symbp.docs.figures import drawing
    from symbp.docs.notes_pages import NOTES_SHOWN, notes_example
    forward, backward = drawing(notes_example()[2], NOTES_SHOWN)
    labels = [label for _, label, _, _ in forward.nodes + backward.nodes]
    assert r"$\bar{y}$: G" in labels and r"$\partial C/\partial \bar{y}$" in labels
    assert r"$\partial C/\partial w$" in labels
    assert not any("ybar" in label or "∂C/∂W" in label for label in labels)


def test_no_edge_of_a_graph_drawing_crosses_a_node():
    import matplotlib.pyplot as plt

    from symbp.docs import figures
    from symbp.docs.notes_pages import NOTES_SHOWN, dag_example, notes_example
    from symbp.docs.outputs import networks
    drawings = [figures.drawing(notes_example()[2], NOTES_SHOWN), figures.drawing(dag_example()[2].graph),
                figures.drawing(networks()[0][0].graph)]
    for d in drawings:
        fig, crossing = figures.draw_graphs(*d)
        plt.close(fig)
        assert crossing == []
    straight = figures.BENDS
    try:  # drawn straight, the DAG's x -> s runs through the node a: the check sees it
        figures.BENDS = (0.0,)
        fig, crossing = figures.draw_graphs(*drawings[1])
        plt.close(fig)
    finally:
        figures.BENDS = straight
    assert (0, "x", "s") in crossing


# -- 10. figures in the page's language -------------------------------------------------------------
WORDED = ("graph", "dag", "digits_mlp", "kaiming_variance", "vanishing", "schedules", "tricks")


def test_worded_figures_exist_per_language_and_the_vietnamese_pages_use_theirs(files):
    for stem in WORDED:
        en, vi = files[f"figures/{stem}.svg"], files[f"figures/vi/{stem}.svg"]
        assert en != vi, stem
        assert files[f"tex/figures/vi/{stem}.pdf"].startswith(b"%PDF")
    vi_pages = "\n".join(v for k, v in files.items() if k.startswith("md/vi/"))
    en_pages = "\n".join(v for k, v in files.items() if k.startswith("md/en/"))
    vi_tex = "\n".join(v for k, v in files.items() if k.startswith("tex/vi/") and k.endswith(".tex"))
    for stem in WORDED:
        assert f"../../figures/{stem}.svg" not in re.sub(r"<!--.*?-->", "", vi_pages, flags=re.S), stem
        assert f"../../figures/{stem}.svg" in en_pages and f"../../figures/vi/{stem}.svg" in vi_pages
        assert f"{{vi/{stem}.pdf}}" in vi_tex
    assert 'src="../figures/vi/graph.svg"' in files["site/vi/index.html"]
    for rel in re.findall(r'src="\.\./\.\./(figures/[^"]+)"', vi_pages):
        assert rel in files, rel


def test_figure_words_come_from_the_language_files():
    from symbp.docs.lang import strings
    from symbp.docs.tricks_page import VARIANTS
    keys = ["fig.word.forward", "fig.word.gradient", "fig.axis.layer", "fig.axis.preactivation_variance",
            "fig.axis.layer_from_input", "fig.axis.gradient_norm", "fig.axis.epoch_t",
            "fig.axis.learning_rate", "fig.axis.epoch", "fig.axis.test_accuracy"]
    keys += [key.replace(".row.", ".legend.") for key, _ in VARIANTS]
    en, vi = strings("en"), strings("vi")
    for key in keys:
        assert key in en and key in vi, key
    assert vi["fig.axis.test_accuracy"] != en["fig.axis.test_accuracy"]
    assert vi["fig.word.forward"] != en["fig.word.forward"]


# -- 11. every index of the formulas is in the notation -------------------------------------------
@pytest.mark.parametrize("name, indices", [("cross_entropy", "b, i"), ("mse", "b, i"), ("l2_penalty", "i")])
def test_scalar_losses_list_the_indices_of_their_sum(files, name, indices):
    assert f"| ${indices}$ | indices of the loss's sum" in files[f"md/en/{name}.md"]


# -- 12. numbers: significant digits per column, a real minus sign ---------------------------------
def test_significant_digits_and_minus_sign():
    from symbp.docs.examples import significant, with_minus
    assert [significant(v, 3) for v in (143.2244, 0.0339728, 1.8799, 1.81, -99.98)] == \
        ["143", "0.0340", "1.88", "1.81", "−100"]
    assert significant(float("-inf"), 3) == "−∞" and significant(0.96667, 4) == "0.9667"
    assert with_minus("-99.9831") == "−99.9831" and with_minus("2") == "2"


@pytest.mark.parametrize("lang", LANGS)
def test_tricks_numbers_are_consistent(files, lang):
    page = re.sub(r"<!--.*?-->", "", files[f"md/{lang}/tricks.md"], flags=re.S)
    prose = re.sub(r"\$[^$]*\$|`[^`]*`", "", page)
    assert not re.search(r"(?<![\w-])-\d", prose), "a hyphen where a minus sign belongs"
    rows = [line.split(" | ")[1:4] for line in page.splitlines()
            if line.startswith("| ") and re.match(r"\| .* \| 0\.\d{4} \|", line)]
    assert len(rows) == 8
    for accuracy, test_loss, train_loss in rows:
        assert len(accuracy.lstrip("0.")) == 4
        for loss in (test_loss, train_loss.rstrip(" |")):
            digits = loss.replace(".", "").lstrip("0")
            assert len(digits) == 3 or loss.isdigit(), loss


# -- 13. the softplus plot is introduced -----------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_softplus_plot_is_introduced(registry, lang):
    blocks = list(walk(registry[(lang, "log_softmax")]))
    at = next(k for k, b in enumerate(blocks) if b.kind == "figure" and "softplus" in b.path)
    assert blocks[at - 1].kind == "para" and r"s - \log(1 + e^s)" in blocks[at - 1].text


# -- 14. "< 1e-9" does not break ------------------------------------------------------------------
def test_error_bound_in_prose_does_not_break(files):
    from symbp.docs.render import tex_text
    from symbp.docs.report import fmt_bound, fmt_bound_text
    assert fmt_bound(3e-10) == "< 1e-9" and fmt_bound_text(3e-10) == "<\u00a01e-9"
    assert tex_text("is <\u00a01e-9.") == "is <~1e-9."
    assert re.search("largest relative error is <\u00a01e-\\d+\\.", files["md/en/linear.md"])
    assert "<~1e-" in files["tex/linear.tex"]


# -- 15. aligned rows have room -------------------------------------------------------------------
def test_aligned_rows_are_spaced(registry):
    from symbp.docs.equations import aligned
    assert aligned(["a &= 1", "b &= 2"]) == r"\begin{aligned}a &= 1 \\[6pt] b &= 2\end{aligned}"
    for name in ("linear", "adam"):
        (key,) = key_maths(registry, "en", name)
        assert key.startswith(r"\begin{aligned}") and r"\\[6pt]" in key
        assert r"\\" not in key.replace(r"\\[6pt]", ""), key
