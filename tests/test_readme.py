"""The README's first example runs as printed (a newcomer pastes it)."""
import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_starts_with_the_two_commands():
    top = README.split("```bash", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(top) == 2
    assert "symbp build" in top[0] and "pytest" in top[1]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert top[1].split("#")[0].strip().replace(" -q", "") in ci.replace(" -q", "")


def test_first_python_example_runs(capsys):
    block = re.search(r"```python\n(.*?)```", README, flags=re.S).group(1)
    exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "True" in out and "def swish_backward" in out


def test_expression_language_example_runs(capsys):
    section = README.split("### The expression language", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out.split()
    assert out == ["gelu", "True", "layer_norm", "True", "attention", "True", "bilinear", "True"]
