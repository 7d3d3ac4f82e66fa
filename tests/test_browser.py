"""The site and `symbp serve` in a real browser: headless Chromium (Debian's `chromium`, installed by
.ci/run), driven over the DevTools protocol (tests/browser.py). Every page of both languages is
reached by clicking "next" from its index; on each, every math element rendered (as many KaTeX
nodes as the page has math, no KaTeX error, no `$` left), figures and KaTeX's fonts loaded from
disk, no request left the machine, and every link resolves. Screenshots are test artefacts, in
pytest's tmp dir (or $SYMBP_SCREENSHOTS), never committed. Skipped locally without chromium;
under CI=true a missing chromium fails."""
import html
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser import PAGE_STATE, Browser
from conftest import require_program
from test_site import SITE, markdown_pages, math_segments

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def browser():
    b = Browser(require_program("chromium"))
    yield b
    b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    where = os.environ.get("SYMBP_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        return Path(where)
    return tmp_path_factory.mktemp("screenshots")


def local_path(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def check_page(browser) -> dict:
    """The current site page: its math rendered, its assets loaded from disk, its links on disk."""
    state = browser.run(PAGE_STATE)
    path = local_path(state["url"])
    display, inline = math_segments(path)
    where = path.relative_to(SITE)
    assert state["errors"] == 0, f"{where}: KaTeX errors"
    assert state["raw"] == [], f"{where}: math left unrendered: {state['raw'][:3]}"
    assert state["katex"] == display + inline and state["display"] == display, where
    if state["katex"]:
        assert state["katexFonts"] > 0, f"{where}: KaTeX fonts did not load"
    assert all(ok for _, ok in state["images"]), f"{where}: an image did not load: {state['images']}"
    remote = [u for u in browser.requests() if not u.startswith(("file:", "data:"))]
    assert not remote, f"{where} asked the network for {remote}"
    for ref in state["links"]:
        assert (path.parent / ref.split("#")[0]).resolve().is_file(), f"{where}: {ref}"
    return state


@pytest.mark.parametrize("lang", ("en", "vi"))
def test_every_page_renders_its_math_and_its_links_resolve(browser, shots, lang):
    index = SITE / lang / "index.html"
    browser.goto(index.as_uri())
    check_page(browser)
    browser.screenshot(shots / f"{lang}-index.png")
    browser.click_and_wait("document.querySelector('.sidebar ul a').click()")
    visited = []
    while True:  # the next-links chain through every page, in sidebar order
        state = check_page(browser)
        visited.append(local_path(state["url"]).stem)
        if not state["next"]:
            break
        assert len(visited) < 100, "the next links loop"
        browser.click_and_wait("document.querySelector('a[rel=next]').click()")
    assert sorted(visited) == markdown_pages(lang)
    sidebar = re.findall(r'<li><a href="([^"]+)\.html"', index.read_text())
    assert visited == sidebar


@pytest.mark.parametrize("name", ("softmax", "kaiming", "index"))
def test_the_language_switch_lands_on_the_same_page(browser, shots, name):
    browser.goto((SITE / "en" / f"{name}.html").as_uri())
    english = browser.run(PAGE_STATE)
    browser.click_and_wait("document.querySelector('a.lang-switch').click()")
    state = check_page(browser)
    assert local_path(state["url"]) == SITE / "vi" / f"{name}.html"
    heading = re.search(r"<h1>(.*?)</h1>", (SITE / "vi" / f"{name}.html").read_text()).group(1)
    assert state["lang"] == "vi" and state["h1"] == html.unescape(heading)
    browser.screenshot(shots / f"vi-{name}.png")
    browser.click_and_wait("document.querySelector('a.lang-switch').click()")
    back = browser.run(PAGE_STATE)
    assert local_path(back["url"]) == SITE / "en" / f"{name}.html" and back["h1"] == english["h1"]


# -- symbp serve ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    """`symbp serve --port 0` (a free port on 127.0.0.1), stopped after the tests."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "symbp", "serve", "--port", "0"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert match, f"no address announced: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"
    yield match.group(0)
    proc.terminate()
    proc.wait(timeout=20)


def submit(browser, **fields):
    """Type into the form's fields, then click its button, as a user would."""
    typing = "".join(f"document.getElementById({k!r}).value = {v!r};" for k, v in fields.items())
    browser.click_and_wait(typing + "document.getElementById('derive').click()")


SERVE_STATE = """(() => ({
  result: !!document.getElementById('result'),
  error: (document.getElementById('error') || {}).textContent || null,
  verification: (document.getElementById('verification') || {}).textContent || '',
  verdict: (document.querySelector('#verdict .verdict') || {}).className || '',
  url: location.href,
}))()"""


def test_serve_derives_a_submitted_expression(browser, server, shots):
    browser.goto(server)
    submit(browser, expr="x * sigmoid(x)", answer="g * sigmoid(x) * (1 + x * (1 - sigmoid(x)))")
    page, state = browser.run(PAGE_STATE), browser.run(SERVE_STATE)
    browser.screenshot(shots / "serve-swish.png")
    assert state["result"] and state["error"] is None
    assert urlsplit(state["url"]).hostname == "127.0.0.1"
    assert "verified" in state["verification"]
    assert state["verdict"] == "verdict correct"
    assert page["katex"] >= 10 and page["display"] >= 4 and page["errors"] == 0 and page["raw"] == []
    assert page["katexFonts"] > 0 and page["code"] > 20  # the numpy code, highlighted
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in browser.requests() if u.startswith("http"))


def test_serve_shows_the_command_lines_error_for_hostile_input(browser, server, shots):
    browser.goto(server)
    submit(browser, expr="__import__('os')")
    state = browser.run(SERVE_STATE)
    browser.screenshot(shots / "serve-hostile.png")
    cli = subprocess.run([sys.executable, "-m", "symbp", "derive", "--expr", "__import__('os')"],
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert cli.returncode == 2
    assert state["error"] == cli.stderr.strip() and state["error"].startswith("symbp: error:")
    assert not state["result"]
