"""symbp build: deterministic, atomic, and the committed output/ is what a build writes.

output/ is the project's one snapshot: the test below only reads it and shows a unified diff; the
command that updates it is `symbp build` (review the diff, then commit).
"""
import difflib
import os
import subprocess
import sys

from conftest import ROOT, tree
from symbp.build import write_atomic


def _diff(path: str, old: bytes, new: bytes) -> str:
    try:
        a, b = old.decode("utf-8").splitlines(), new.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return f"{path}: binary file differs"
    return "\n".join(difflib.unified_diff(a, b, f"output/{path}", f"fresh build/{path}",
                                         lineterm="", n=2))[:4000]


def test_committed_output_is_current(built):
    """CI rebuilds output/ and fails on any difference: run `symbp build` and commit output/."""
    committed = ROOT / "output"
    assert committed.is_dir(), "output/ is missing: run `symbp build`"
    fresh, have = tree(built), tree(committed)
    stale = sorted(k for k in fresh if have.get(k) != fresh[k])
    extra = sorted(k for k in have if k not in fresh)
    report = [_diff(k, have.get(k, b""), fresh[k]) for k in stale[:3]]
    assert not stale and not extra, (f"output/ differs from a fresh build (run `symbp build`): "
                                     f"{len(stale)} changed {stale[:8]}, {len(extra)} not built "
                                     f"{extra[:8]}\n" + "\n".join(report))


def test_write_atomic_skips_identical_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "b.txt"
    assert write_atomic(target, "one") is True
    before = target.stat().st_mtime_ns
    assert write_atomic(target, "one") is False
    assert target.stat().st_mtime_ns == before
    assert write_atomic(target, "two") is True and target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["b.txt"]


def test_generated_numpy_module_is_standalone(built):
    path = built / "numpy" / "symbp_nn.py"
    code = ("import sys, importlib.util\n"
            f"spec = importlib.util.spec_from_file_location('nn', {str(path)!r})\n"
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
            "assert 'sympy' not in sys.modules and 'symbp' not in sys.modules\n"
            "print(len(m.__all__))\n")
    proc = subprocess.run([sys.executable, "-I", "-B", "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) >= 26


def test_build_is_identical_across_runs_and_hash_seeds(built, tmp_path):
    """Set and dict orders must not leak into the files: another process, another hash seed,
    through the command line, gives the session's build byte for byte."""
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run([sys.executable, "-m", "symbp", "build", "--out", str(tmp_path)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    other, mine = tree(tmp_path), tree(built)
    differ = sorted(k for k in set(other) | set(mine) if other.get(k) != mine.get(k))
    assert not differ, f"{differ[:8]}\n" + "\n".join(
        _diff(k, mine.get(k, b""), other.get(k, b"")) for k in differ[:2])


def test_wheel_ships_every_subpackage_and_the_templates():
    """`pip install .` must carry symbp/* packages and templates/ (named in pyproject.toml)."""
    import tomllib
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    shipped = set(conf["packages"])
    found = {".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "symbp").rglob("__init__.py")}
    assert found <= shipped, f"not shipped: {sorted(found - shipped)}"
    assert conf["package-dir"]["symbp.templates"] == "templates"
    assert "*.j2" in conf["package-data"]["symbp.templates"]


def test_generated_module_ships_schedules_and_kaiming(built):
    import numpy as np
    ns: dict = {}
    exec(compile((built / "numpy" / "symbp_nn.py").read_text(), "symbp_nn.py", "exec"), ns)
    for name in ("kaiming_normal", "lr_step", "lr_exponential", "lr_inverse", "lr_cosine",
                 "dropout_mask", "normalize_backward", "adam_step"):
        assert name in ns["__all__"] and callable(ns[name])
    w = ns["kaiming_normal"](4000, 50, rng=0)
    assert w.dtype == np.float32 and abs(w.std() - np.sqrt(2 / 50)) < 0.01
    t = np.arange(51)
    assert ns["lr_cosine"](t)[0] == 0.1 and abs(ns["lr_cosine"](t)[-1]) < 1e-12
    assert np.all(np.diff(ns["lr_inverse"](t)) < 0)
