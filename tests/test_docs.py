"""Teaching documents: every page exists in both languages, the Vietnamese keeps the English in
comments, claims hold, and both LaTeX books compile. The pages themselves are snapshotted in
output/ (tests/test_build.py reads them; `symbp build` updates them)."""
import re
import shutil
import subprocess

import pytest

import symbp
from conftest import ON_CI
from symbp.build.pdf import compile_books, overfull_boxes
from symbp.docs.claims import CLAIMS, claims
from symbp.docs.render import tex_text

NAMES = list(symbp.catalog()) + list(symbp.rules())
PAGES = NAMES + ["kaiming", "schedules", "digits_mlp", "chain_rule", "dag", "tricks", "glossary"]


@pytest.mark.parametrize("name", NAMES)
def test_every_module_has_its_pages(files, name):
    for path in (f"md/en/{name}.md", f"md/vi/{name}.md", f"tex/{name}.tex", f"tex/vi/{name}.tex"):
        assert path in files, path
    for book in ("tex/symbp.tex", "tex/symbp-vi.tex"):
        assert (f"\\input{{{name}}}" if "vi" not in book else f"\\input{{vi/{name}}}") in files[book]


@pytest.mark.parametrize("name", PAGES)
def test_markdown_format(files, name):
    for lang in ("en", "vi"):
        text = files[f"md/{lang}/{name}.md"]
        front = text.split("---")[1]
        assert f"lang-ref: symbp-{name}" in front and f"lang: {lang}" in front and "title:" in front
        if lang == "vi":
            assert "translator:" in front and "translator-date:" in front
        lines = text.splitlines()
        opens = [k for k, line in enumerate(lines) if line.strip() in ("$$", "<!--$$")]
        assert len(opens) % 2 == 0, "display math must be in $$ blocks on their own lines"
        assert "$$$" not in text


@pytest.mark.parametrize("name", PAGES)
def test_vietnamese_keeps_each_english_block_in_a_comment_before_its_translation(files, name):
    en = files[f"md/en/{name}.md"].split("---", 2)[2]
    vi = files[f"md/vi/{name}.md"].split("---", 2)[2]
    comments = re.findall(r"<!--(.*?)-->\n\n(.+?)(?=\n\n|\Z)", vi, flags=re.S)
    assert comments, "no <!-- English --> blocks"
    # a figure's comment holds the image and its caption: one block each
    english_blocks = [part.strip() for c, _ in comments for part in re.split(r"\n\n+", c.strip())]
    # every heading and paragraph of the English page is one of the comments, in order
    en = re.sub(r"```.*?```", "", en, flags=re.S)
    en_blocks = [b.strip() for b in re.split(r"\n\n+", en) if b.strip()
                 and not b.startswith(("|", "```", "<", "def ", "    ", "[", "import "))
                 and not b.startswith("$$") and b.strip() != "**Key result**"]
    at = 0
    for block in en_blocks:  # in order: each English block is the next matching comment
        assert block in english_blocks[at:], f"missing or out of order: {block[:60]}"
        at = english_blocks.index(block, at) + 1
    for original, translation in comments:
        if original.strip().startswith("#"):
            assert translation.startswith("#" * original.strip().split()[0].count("#"))
    # the translation is Vietnamese, not a copy of the English
    prose = [(o.strip(), t.strip()) for o, t in comments if not o.strip().startswith("$$")]
    assert sum(o != t for o, t in prose) >= 0.8 * len(prose)
    assert re.search("[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", vi)


def test_vietnamese_uses_the_course_terms(files):
    vi = "\n".join(v for k, v in files.items() if k.startswith("md/vi/")).lower()
    for term in ("lan truyền ngược", "ma trận Jacobian", "gradient", "quy tắc chuỗi", "hàm chi phí",
                 "đạo hàm riêng", "suy giảm trọng số", "bão hòa"):
        assert term.lower() in vi, term


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_the_notes_claims_hold(derivations, name):
    found = claims(name, derivations[name])
    assert found and all(c.holds for c in found), [c.key for c in found if not c.holds]


def test_pages_show_each_step(files):
    page = files["md/en/softmax.md"]
    for needle in ("\\frac{\\partial y_{bi}}{\\partial x_{cj}}", "\\delta_{ij} - y_{bj}",
                   "1 \\times N", "(1\\times N) = (1\\times M)\\,(M\\times N)", "def softmax_backward",
                   "proved by SymPy", "| `x` | `directional` |"):
        assert needle in page, needle
    linear = files["md/en/linear.md"]
    assert "(B \\times n) = (B \\times m)\\,(m \\times n)" in linear
    assert "G^\\top x" in linear
    l2 = files["md/en/sgd_l2.md"]
    assert "Correction to the notes" in l2 and "2 \\alpha \\eta" in l2.replace("- 2", "2")
    relu = files["md/en/relu.md"]
    assert "holds there" in relu and "x_{i} \\geq 0" in relu


def test_figures_are_svg_and_pdf(files):
    for stem in ("activation_relu", "activation_sigmoid", "activation_tanh", "softplus", "graph",
                 "kaiming_variance", "vanishing", "schedules", "digits_mlp"):
        svg = files[f"figures/{stem}.svg"]
        assert svg.startswith(b"<?xml") and b"<svg" in svg
        assert files[f"tex/figures/{stem}.pdf"].startswith(b"%PDF")
    assert "figures/graph.svg" in files["README.md"]
    assert "\\input{chain_rule}" in files["tex/symbp.tex"] and "graph.pdf" in files["tex/chain_rule.tex"]


def test_index_lists_every_module_with_status(files):
    index = files["README.md"]
    for name in NAMES:
        assert f"(`{name}`) | [en](md/en/{name}.md) · [vi](md/vi/{name}.md) | verified |" in index


def test_tex_text_escapes_prose_but_not_math():
    assert tex_text("a_b & `log_softmax` $x_i$ 50%") == \
        r"a\_b \& \texttt{log\_\allowbreak{}softmax} $x_i$ 50\%"


# -- LaTeX ---------------------------------------------------------------------------------------
def test_both_books_compile(built, tmp_path):
    """Both books compile, with no box overfull by more than 1 pt, their title in the PDF metadata,
    a full second page (no near-empty page after the contents) and readable graph labels."""
    if not shutil.which("pdflatex"):
        if ON_CI:
            pytest.fail("pdflatex missing under CI: .ci/run installs TeX Live")
        pytest.skip("pdflatex not installed")
    out = tmp_path / "output"
    shutil.copytree(built, out)
    logs: dict = {}
    pdfs = compile_books(out, ("en", "vi"), logs)
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 50_000
        assert overfull_boxes(logs[pdf.stem]) == [] or max(overfull_boxes(logs[pdf.stem])) <= 1.0, \
            f"{pdf.name}: boxes overfull by {sorted(overfull_boxes(logs[pdf.stem]))[-3:]} pt"
        if shutil.which("pdfinfo") and shutil.which("pdftotext"):
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
            assert re.search(r"^Title:\s+\S", info, re.M), info
            second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"],
                                    capture_output=True, text=True).stdout
            assert len(second.split()) > 150, f"{pdf.name}: page 2 is nearly empty"
        elif ON_CI:
            pytest.fail("poppler-utils missing under CI")
    assert "Symbolic backprop" in _pdf_title(pdfs[0])


def _pdf_title(pdf) -> str:
    if not shutil.which("pdfinfo"):
        return "Symbolic backprop"
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout


def test_graph_labels_are_readable_in_the_books(files):
    """Graph figures are drawn at their print size: labels of 8 pt, never scaled below 6 pt."""
    from symbp.docs.figures import GRAPH_FONT
    text_width = (210 - 2 * 22) / 25.4 * 72  # A4, 2.2 cm margins, in pt
    for stem in ("digits_mlp", "graph", "dag"):
        pdf = files[f"tex/figures/{stem}.pdf"]
        width = float(re.search(rb"/MediaBox \[\s*[\d.]+\s+[\d.]+\s+([\d.]+)", pdf).group(1))
        include = re.search(r"includegraphics\[width=([\d.]+)\\linewidth\]\{" + stem, "\n".join(
            v for k, v in files.items() if k.startswith("tex/") and k.endswith(".tex")))
        scale = float(include.group(1)) * text_width / width
        assert GRAPH_FONT * scale >= 6.0, f"{stem}: labels print at {GRAPH_FONT * scale:.1f} pt"


def test_tricks_pages(files):
    k = files["md/en/kaiming.md"]
    assert "\\frac{\\sigma^{2}}{2}" in k and "\\frac{2}{n}" in k and "def kaiming_normal" in k
    sch = files["md/en/schedules.md"]
    assert sch.count("proved by SymPy") == 4 and "def lr_cosine" in sch
    net = files["md/en/digits_mlp.md"]
    assert "def digits_mlp_backward" in net and "| `W1` | `directional` |" in net
    assert "(1\\times 128 \\cdot 64) = (1\\times B \\cdot 128)(B \\cdot 128\\times 128 \\cdot 64)" in net
    assert "figures/vanishing.svg" in files["md/en/sigmoid.md"]
