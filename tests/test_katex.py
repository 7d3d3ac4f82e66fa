"""Every formula of every Markdown page renders with KaTeX 0.11.1 (the course site's version), run
by node from ``tests/katex`` (``.ci/run`` installs it with ``npm ci``): skipped locally if node or
the package is missing, a failure under CI=true."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ON_CI

KATEX = Path(__file__).parent / "katex"


def formulas(text: str) -> list[dict]:
    """Display ``$$…$$`` blocks and inline ``$…$`` math of a page (comments included: the
    Vietnamese pages keep the English there, and the site's auto-render skips nothing)."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    found = [{"tex": m, "display": True} for m in re.findall(r"\$\$\n(.*?)\n\$\$", text, flags=re.S)]
    prose = re.sub(r"\$\$\n.*?\n\$\$", "", text, flags=re.S)
    found += [{"tex": m, "display": False} for m in re.findall(r"\$([^$\n]+)\$", prose)]
    return found


def katex_available() -> bool:
    if shutil.which("node") and (KATEX / "node_modules" / "katex").is_dir():
        return True
    if ON_CI:
        pytest.fail("node and tests/katex/node_modules are needed under CI: .ci/run runs npm ci")
    pytest.skip("node or KaTeX missing (cd tests/katex && npm ci)")


def render(items: list[dict]) -> dict:
    proc = subprocess.run(["node", str(KATEX / "render.js")], input=json.dumps(items), text=True,
                          capture_output=True, cwd=KATEX, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_katex_renders_every_formula_of_every_page(site):
    katex_available()
    files, _ = site
    items = [dict(item, page=path) for path, text in sorted(files.items())
             if path.endswith(".md") for item in formulas(text)]
    assert len(items) > 2000
    result = render([{"tex": i["tex"], "display": i["display"]} for i in items])
    assert result["version"] == "0.11.1"
    bad = [f"{items[f['index']]['page']}: {f['error'][:120]}" for f in result["failures"]]
    assert not bad, "\n".join(bad[:10])


def test_katex_check_can_fail():
    katex_available()
    result = render([{"tex": r"\frac{1}{", "display": True}, {"tex": r"x_{1}_{0}", "display": False},
                     {"tex": r"\sigma(x)", "display": False}])
    assert [f["index"] for f in result["failures"]] == [0, 1]
