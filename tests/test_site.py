"""output/site: one HTML page per Markdown page and language, laid out from the same blocks;
offline (KaTeX vendored); links that resolve; inline text escaped with its math left for KaTeX.
The browser checks are in test_browser.py."""
import html
import re
import tomllib
from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path

import pytest

from symbp.docs.render import Block
from symbp.docs.site import STATIC, html_blocks, inline_html
from symbp.templating import render

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "output"
SITE = OUT / "site"
LANGS = ("en", "vi")


def markdown_pages(lang: str) -> list[str]:
    return sorted(p.stem for p in (OUT / "md" / lang).glob("*.md"))


class Page(HTMLParser):
    """Links, images, and the text outside code of one HTML page."""

    SKIP = {"pre", "code", "script", "style", "textarea"}

    def __init__(self, path: Path):
        super().__init__()
        self.links, self.images, self.text, self.tags = [], [], [], []
        self._skip = 0
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in self.SKIP:
            self._skip += 1
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag in ("img", "script") and attrs.get("src"):
            self.images.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def math_segments(path: Path) -> tuple[int, int]:
    """(display, inline) math in a page's text outside code, by their ``$$``/``$`` delimiters."""
    text = " ".join(Page(path).text)  # text nodes apart: adjacent cells each hold their own $…$
    display = len(re.findall(r"\$\$.+?\$\$", text, flags=re.S))
    inline = len(re.findall(r"\$[^$]+\$", re.sub(r"\$\$.+?\$\$", " ", text, flags=re.S)))
    return display, inline


@pytest.mark.parametrize("lang", LANGS)
def test_every_markdown_page_has_a_site_page(lang):
    pages = markdown_pages(lang)
    assert len(pages) >= 20
    html_pages = sorted(p.stem for p in (SITE / lang).glob("*.html"))
    assert html_pages == sorted(pages + ["index"])
    index = (SITE / lang / "index.html").read_text()
    for name in pages:  # the index lists every page
        assert f'href="{name}.html"' in index


@pytest.mark.parametrize("lang", LANGS)
def test_each_page_shows_the_math_of_its_markdown_and_only_its_language(lang):
    for name in markdown_pages(lang):
        md = (OUT / "md" / lang / f"{name}.md").read_text()
        md = re.sub(r"<!--.*?-->", "", md, flags=re.S)  # the Vietnamese page's English originals
        page = (SITE / lang / f"{name}.html").read_text()
        for tex in re.findall(r"^\$\$\n(.*?)\n\$\$$", md, flags=re.S | re.M):
            assert html.escape(tex, quote=False) in page, (name, tex[:60])
        assert "<!--" not in page
        assert f'<html lang="{lang}">' in page
    if lang == "vi":  # English prose does not leak into the Vietnamese pages
        page = (SITE / "vi" / "softmax.html").read_text()
        assert "The chain rule" not in page and "Quy tắc chuỗi" in page


def test_pages_have_sidebar_prev_next_switch_status_and_highlighted_code():
    page = (SITE / "en" / "softmax.html").read_text()
    assert 'class="current" aria-current="page">SoftMax<' in page
    assert 'rel="prev" href="max.html"' in page and 'rel="next" href="sigmoid.html"' in page  # the notes' order
    assert 'class="lang-switch" href="../vi/softmax.html"' in page
    assert "verification: verified" in page
    assert '<span class="k">def</span>' in page and '<span class="nf">softmax_forward</span>' in page
    assert 'href="../../notebooks/en/softmax.ipynb"' in page
    figure = (SITE / "vi" / "sigmoid.html").read_text()
    assert re.search(r'<figure><img src="\.\./figures/activation_sigmoid\.svg" alt="[^"$]+">'
                     r'<figcaption>.+</figcaption></figure>', figure)


def test_every_link_and_asset_resolves_to_a_file():
    for path in sorted(SITE.rglob("*.html")):
        page = Page(path)
        for ref in page.links + page.images:
            assert not re.match(r"[a-z]+://", ref), f"{path.name}: {ref} needs the network"
            target = (path.parent / ref.split("#")[0]).resolve()
            assert target.is_file(), f"{path.relative_to(OUT)} -> {ref}"


def test_katex_is_vendored_and_shipped():
    for rel in ("katex/katex.min.css", "katex/katex.min.js", "katex/contrib/auto-render.min.js"):
        assert (SITE / rel).read_bytes() == (STATIC / rel).read_bytes()
    assert b'version:"0.11.1"' in (STATIC / "katex" / "katex.min.js").read_bytes()  # the course site's
    css = (SITE / "katex" / "katex.min.css").read_text()
    fonts = set(re.findall(r"url\((fonts/[^)]+\.woff2)\)", css))
    assert len(fonts) >= 19 and all((SITE / "katex" / f).is_file() for f in fonts)
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    patterns = [f"symbp/docs/{p}" for p in conf["symbp.docs"]]
    for path in STATIC.rglob("*"):
        if path.is_file():
            rel = path.relative_to(ROOT).as_posix()
            assert any(fnmatch(rel, p) for p in patterns), f"{rel} is not shipped in the wheel"


def test_math_is_written_for_katex_auto_render():
    page = (SITE / "en" / "softmax.html").read_text()
    assert "renderMathInElement(document.body, {delimiters: [{left: '$$', right: '$$', display: true}, " \
           "{left: '$', right: '$', display: false}]})" in page
    display, inline = math_segments(SITE / "en" / "softmax.html")
    assert display >= 5 and inline >= 10


def test_inline_text_is_escaped_and_keeps_its_math():
    assert inline_html("if $x < 0$ then <b> & `a<b` and **bold**") == \
        "if $x &lt; 0$ then &lt;b&gt; &amp; <code>a&lt;b</code> and <strong>bold</strong>"
    assert inline_html("`cost $5` and $y$") == "<code>cost $5</code> and $y$"
    assert inline_html("see [softmax](softmax.md#s2) or [x](https://a.b/c.md)") == \
        'see <a href="softmax.html#s2">softmax</a> or <a href="https://a.b/c.md">x</a>'


def test_blocks_of_unknown_kinds_are_shown_not_dropped():
    blocks = [Block("keyresult", "Remember: $y(1 - y)$"), Block("para", ""),
              Block("exercises", "Try it", rows=[["1", "$x$"]], header=["n", "answer"])]
    out = html_blocks(blocks)
    assert [b.kind for b in out] == ["other", "other"]  # the empty paragraph is dropped
    rendered = render("site_page.html.j2", lang="en", root="../", title="t", site_name="s",
                      index_label="i", switch=[], generated="g", heading="h", blocks=out,
                      sidebar=[], prev=None, next=None, prev_label="p", next_label="n",
                      status_label="s", status=None, notebook=None,
                      notebook_label="nb")
    assert '<div class="block block-keyresult">' in rendered and "Remember: $y(1 - y)$" in rendered
    assert "<td>$x$</td>" in rendered
