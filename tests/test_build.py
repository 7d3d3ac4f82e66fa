"""symbp build: deterministic, atomic, and the committed output/ is what a build writes."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from symbp.build import build, collect, write_atomic

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    assert build(out) is True
    return out


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.endswith((".pdf", ".aux", ".log", ".fls",
                                                     ".fdb_latexmk", ".toc", ".out"))}


def test_build_is_deterministic(fresh, tmp_path):
    build(tmp_path)
    assert _tree(fresh) == _tree(tmp_path)


def test_committed_output_is_current(fresh):
    """CI rebuilds output/ and fails on any difference: run `symbp build` and commit output/."""
    committed = ROOT / "output"
    assert committed.is_dir(), "output/ is missing: run `symbp build`"
    built, have = _tree(fresh), _tree(committed)
    stale = sorted(k for k in built if have.get(k) != built[k])
    extra = sorted(k for k in have if k not in built)
    assert not stale and not extra, f"output/ differs from a fresh build: {stale[:5]} {extra[:5]}"


def test_write_atomic_skips_identical_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "b.txt"
    assert write_atomic(target, "one") is True
    before = target.stat().st_mtime_ns
    assert write_atomic(target, "one") is False
    assert target.stat().st_mtime_ns == before
    assert write_atomic(target, "two") is True and target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["b.txt"]


def test_generated_numpy_module_is_standalone(fresh):
    path = fresh / "numpy" / "symbp_nn.py"
    code = ("import sys, importlib.util\n"
            f"spec = importlib.util.spec_from_file_location('nn', {str(path)!r})\n"
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
            "assert 'sympy' not in sys.modules and 'symbp' not in sys.modules\n"
            "print(len(m.__all__))\n")
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) >= 26


def test_collect_reports_every_module():
    files, ok = collect()
    assert ok
    assert "numpy/symbp_nn.py" in files


def test_build_is_identical_across_hash_seeds(tmp_path):
    """Set and dict orders must not leak into the files: two processes, two hash seeds."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "symbp.cli", "build", "--out", str(out)],
                              capture_output=True, text=True, env=env, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        outs.append(_tree(out))
    assert outs[0] == outs[1]


def test_wheel_ships_every_subpackage_and_the_templates():
    """`pip install .` must carry symbp/* packages and templates/ (named in pyproject.toml)."""
    import tomllib
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    shipped = set(conf["packages"])
    found = {".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "symbp").rglob("__init__.py")}
    assert found <= shipped, f"not shipped: {sorted(found - shipped)}"
    assert conf["package-dir"]["symbp.templates"] == "templates"
    assert "*.j2" in conf["package-data"]["symbp.templates"]


def test_generated_module_ships_schedules_and_kaiming(fresh):
    import numpy as np
    ns: dict = {}
    exec(compile((fresh / "numpy" / "symbp_nn.py").read_text(), "symbp_nn.py", "exec"), ns)
    for name in ("kaiming_normal", "lr_step", "lr_exponential", "lr_inverse", "lr_cosine",
                 "dropout_mask", "normalize_backward", "adam_step"):
        assert name in ns["__all__"] and callable(ns[name])
    w = ns["kaiming_normal"](4000, 50, rng=0)
    assert w.dtype == np.float32 and abs(w.std() - np.sqrt(2 / 50)) < 0.01
    t = np.arange(51)
    assert ns["lr_cosine"](t)[0] == 0.1 and abs(ns["lr_cosine"](t)[-1]) < 1e-12
    assert np.all(np.diff(ns["lr_inverse"](t)) < 0)
