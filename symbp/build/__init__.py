"""build: everything into ``output/`` — atomically, deterministically.

Files are rendered in memory first; each is then written to a temporary file in its folder and
renamed over the old one, and only when its bytes differ. Running twice changes nothing.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..catalog import catalog, rules
from ..check import verify
from ..derive import derive
from ..docs.outputs import outputs
from .files import write_atomic
from .pdf import compile_books

__all__ = ["build", "collect", "write_atomic"]


class Progress:
    """One line per item on a terminal; silent otherwise."""

    def __init__(self, enabled: bool, total: int):
        self.enabled, self.total, self.done = enabled, total, 0

    def __call__(self, what: str):
        self.done += 1
        if self.enabled:
            print(f"[{self.done:>2}/{self.total}] {what}", file=sys.stderr, flush=True)


def collect(langs=("en", "vi"), progress=None, registry: dict | None = None
            ) -> tuple[dict[str, bytes | str], bool]:
    """Every output file, path (relative to the output folder) -> content; and whether all verified.
    ``registry``, if given, receives every page's blocks by ``(lang, name)``."""
    targets = list(catalog().values()) + list(rules().values())
    progress = progress or Progress(False, len(targets))
    items = []
    for t in targets:
        d = derive(t)
        r = verify(d, seed=0)
        items.append((d, r))
        progress(f"{t.name}: {'verified' if r.ok else 'FAILED'}")
    files = outputs(items, langs, registry)
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
        compile_books(root, langs)
    return ok
