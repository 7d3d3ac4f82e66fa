import os
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import symbp
from symbp.build import collect, write_atomic

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ROOT = Path(__file__).resolve().parent.parent


def stable_seed(*parts) -> int:
    """A seed that is the same in every process (``hash`` of a str is not)."""
    return zlib.crc32("/".join(map(str, parts)).encode())


def rng_for(*parts) -> np.random.Generator:
    return np.random.default_rng(stable_seed(*parts))

# property-based tests: "ci" (default) is derandomized and fast; "long" explores for local runs
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.register_profile("long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def derivations():
    """Every catalog module and update rule, derived once for the session."""
    targets = {**symbp.catalog(), **symbp.rules()}
    return {name: symbp.derive(t) for name, t in targets.items()}


@pytest.fixture(scope="session")
def site():
    """Every output file and every page's blocks and equations, ``(files, registry)``: the one
    build of the session (``collect`` is what ``symbp build`` writes)."""
    registry: dict = {}
    files, ok = collect(registry=registry)
    assert ok, "a derivation of the catalog failed its verification"
    return files, registry


@pytest.fixture(scope="session")
def built(tmp_path_factory, site) -> Path:
    """The session's build written to a fresh folder, as ``symbp build`` writes it."""
    out = tmp_path_factory.mktemp("output")
    for rel, data in sorted(site[0].items()):
        write_atomic(out / rel, data)
    return out


def tree(root: Path) -> dict[str, bytes]:
    """Every file a build writes (LaTeX by-products and PDFs excluded), by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts
            and not p.name.endswith((".pdf", ".aux", ".log", ".fls", ".fdb_latexmk", ".toc", ".out"))}


TEXT_SUFFIXES = (".md", ".tex", ".py", ".txt", ".html", ".ipynb", ".json", ".css", ".js")


@pytest.fixture(scope="session")
def files(built) -> dict[str, str | bytes]:
    """The session build's files as ``collect()`` gives them: text as str, figures as bytes."""
    return {p.relative_to(built).as_posix(): (p.read_text("utf-8") if p.suffix in TEXT_SUFFIXES
                                               else p.read_bytes())
            for p in sorted(built.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def peak_memory(fn, *args) -> int:
    """Bytes allocated at the peak of ``fn(*args)`` (numpy reports its arrays to tracemalloc)."""
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def require(module_name: str):
    """Import an optional test dependency: skip locally if absent, fail under CI=true."""
    try:
        return __import__(module_name)
    except ImportError:
        if ON_CI:
            raise
        pytest.skip(f"{module_name} not installed")


def require_program(name: str) -> str:
    """The path of a system program the tests need: skip locally if absent, fail under CI=true."""
    import shutil
    path = shutil.which(name)
    if path is None:
        if ON_CI:
            pytest.fail(f"{name} is not installed (.ci/run installs it)")
        pytest.skip(f"{name} not installed")
    return path
