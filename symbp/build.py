"""build: everything into ``output/`` — atomically, deterministically.

Files are rendered in memory first; each is then written to a temporary file in its folder and
renamed over the old one, and only when its bytes differ. Running twice changes nothing.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from . import catalog, derive, rules, verify


def write_atomic(path: Path, data: bytes | str) -> bool:
    """Write ``data`` to ``path`` via a temporary file and a rename; return whether it changed."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


class Progress:
    """One line per item on a terminal; silent otherwise."""

    def __init__(self, enabled: bool, total: int):
        self.enabled, self.total, self.done = enabled, total, 0

    def __call__(self, what: str):
        self.done += 1
        if self.enabled:
            print(f"[{self.done:>2}/{self.total}] {what}", file=sys.stderr, flush=True)


def collect(langs=("en", "vi"), progress=None) -> tuple[dict[str, bytes | str], bool]:
    """Every output file, path (relative to the output folder) -> content; and whether all verified."""
    from .outputs import outputs
    targets = list(catalog().values()) + list(rules().values())
    progress = progress or Progress(False, len(targets))
    items = []
    for t in targets:
        d = derive(t)
        r = verify(d, seed=0)
        items.append((d, r))
        progress(f"{t.name}: {'verified' if r.ok else 'FAILED'}")
    files = outputs(items, langs)
    return files, all(r.ok for _, r in items)


def build(out: str | os.PathLike = "output", langs=("en", "vi"), pdf: bool = False,
          progress: bool = False) -> bool:
    """Write ``output/``; return ``True`` when every derivation verified."""
    root = Path(out)
    n = len(catalog()) + len(rules())
    files, ok = collect(langs, Progress(progress, n))
    for rel, data in sorted(files.items()):
        write_atomic(root / rel, data)
    if pdf:
        from .pdf import compile_books
        compile_books(root, langs)
    return ok
