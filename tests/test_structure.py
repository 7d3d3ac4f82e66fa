"""The package's shape: stage subpackages whose imports point one way, no cycles, and a facade
(``symbp/__init__.py``) that nothing inside the package imports. Imports are read with ``ast``,
function-level ones included."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "symbp"

# lowest first: a unit may import units of its own rank or below, never above
LAYERS = (
    ("version", "names", "sums", "spec", "templating"),
    ("expr",),
    ("request",),
    ("catalog",),
    ("graph",),
    ("networks",),
    ("derive",),
    ("lower",),
    ("codegen",),
    ("check",),
    ("testing",),
    ("training",),
    ("docs",),
    ("build",),
    ("train", "serve"),
    ("cli", "__main__"),
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path) -> list[tuple[str, int]]:
    """``(imported module, line)`` for every import of a symbp module in ``path``."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "symbp"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "symbp":
                continue
            known = modules()
            for alias in node.names:  # ``from . import x`` may name a submodule
                sub = f"{target}.{alias.name}"
                found.append((sub if sub in known else target, node.lineno))
    return found


def unit(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "symbp"


def test_every_module_is_in_a_layer():
    missing = sorted({unit(n) for n in modules()} - set(RANK) - {"symbp"})
    assert not missing, f"place these in LAYERS: {missing}"


def test_nothing_imports_the_facade():
    bad = [f"{n}:{line}" for n, p in modules().items() if n != "symbp"
           for target, line in imports_of(n, p) if target == "symbp"]
    assert not bad, f"imports of the facade symbp/__init__.py: {bad}"


def test_imports_point_down():
    bad = []
    for n, p in modules().items():
        if n == "symbp":
            continue
        for target, line in imports_of(n, p):
            if target == "symbp":
                continue
            if RANK[unit(target)] > RANK[unit(n)]:
                bad.append(f"{n}:{line} imports {target} ({unit(n)} is below {unit(target)})")
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_no_import_cycles():
    graph = {n: {t for t, _ in imports_of(n, p) if t in modules() and t != n}
             for n, p in modules().items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for t in sorted(graph[n]):
            if state.get(t) == 1:
                cycle = stack[stack.index(t):] + [t]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if t not in state:
                visit(t)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)


def test_the_checker_catches_what_it_forbids(tmp_path, monkeypatch):
    """The walker itself: an upward import and a facade import written into a fake module."""
    fake = PACKAGE / "catalog" / "_probe.py"
    src = "from ..codegen import load\nfrom .. import derive\n"
    fake_path = tmp_path / "symbp" / "catalog" / "_probe.py"
    fake_path.parent.mkdir(parents=True)
    fake_path.write_text(src)
    found = imports_of("symbp.catalog._probe", fake_path)
    assert ("symbp.codegen", 1) in found
    assert ("symbp.derive", 2) in found  # a subpackage named through the facade's package
    assert RANK[unit("symbp.codegen")] > RANK[unit("symbp.catalog._probe")]
    assert not fake.exists()


def test_tests_use_no_private_names_of_the_package():
    """Tests go through public names: no ``from symbp.x import _y``, no ``symbp_module._y``."""
    tests = Path(__file__).resolve().parent
    bad = []
    for path in sorted(tests.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        modules_imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("symbp"):
                bad += [f"{path.name}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("_")]
                modules_imported |= {a.asname or a.name for a in node.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and isinstance(node.value, ast.Name) and node.value.id in modules_imported | {"symbp"}:
                bad.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    assert not bad, f"private names used by tests: {bad}"
