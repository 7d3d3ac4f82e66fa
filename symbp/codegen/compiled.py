"""codegen.compiled: the one place where generated source (ours, never user text) is executed."""
from __future__ import annotations

import numpy as np


def run_source(source: str, label: str) -> dict:
    """Execute generated ``source`` in a fresh namespace that has ``np``; return the namespace."""
    namespace: dict = {"np": np}
    exec(compile(source, f"<symbp generated: {label}>", "exec"), namespace)  # noqa: S102
    return namespace


def compile_source(source: str, name: str):
    """The function ``name`` defined by ``source``."""
    return run_source(source, name)[name]
