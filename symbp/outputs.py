"""outputs: (Derivation, Report) pairs -> the files of ``output/`` (contents only, no I/O)."""
from __future__ import annotations

from .generate import module_source
from .report import checks_table


def outputs(items, langs) -> dict[str, str]:
    derivations = [d for d, _ in items]
    reports = [r for _, r in items]
    files = {
        "verification.txt": checks_table(reports),
        "numpy/symbp_nn.py": module_source(
            derivations, title="symbp_nn — numpy forward/backward of the symbp catalog"),
    }
    return files
