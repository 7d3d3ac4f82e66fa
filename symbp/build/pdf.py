"""pdf: compile the LaTeX books with pdflatex (latexmk), reproducibly.

The build runs in a temporary copy of ``output/tex`` so no auxiliary file lands in ``output/``;
``SOURCE_DATE_EPOCH`` and ``FORCE_SOURCE_DATE`` pin the dates pdfTeX writes.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .files import write_atomic

SOURCE_DATE_EPOCH = "1795737600"  # 2026-11-27, the release this output belongs to


class PdfError(RuntimeError):
    """pdflatex failed; the message holds the end of its log."""


def overfull_boxes(log: str) -> list[float]:
    """How far (pt) each overfull box of a LaTeX log sticks out."""
    return [float(x) for x in re.findall(r"Overfull \\[hv]box \(([\d.]+)pt too (?:wide|high)\)", log)]


def books(langs) -> list[str]:
    return ["symbp" if lang == "en" else f"symbp-{lang}" for lang in langs]


def compile_book(tex_dir: Path, book: str, workdir: Path, logs: dict | None = None) -> bytes:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "FORCE_SOURCE_DATE": "1"}
    tool = shutil.which("latexmk")
    cmd = [tool, "-pdf", "-interaction=nonstopmode", "-halt-on-error", f"{book}.tex"] if tool else \
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{book}.tex"]
    if not tool and not shutil.which("pdflatex"):
        raise PdfError("pdflatex not found: install texlive-latex-base texlive-latex-recommended "
                       "texlive-pictures latexmk (and texlive-lang-other for Vietnamese)")
    runs = 1 if tool else 2
    for _ in range(runs):
        proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=600)
    if proc.returncode != 0:
        log = (workdir / f"{book}.log")
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else \
            proc.stdout.decode(errors="replace")[-3000:]
        raise PdfError(f"pdflatex failed on {book}.tex:\n{tail}")
    if logs is not None:
        logs[book] = (workdir / f"{book}.log").read_text(errors="replace")
    return (workdir / f"{book}.pdf").read_bytes()


def compile_books(root: Path, langs, logs: dict | None = None) -> list[Path]:
    """Compile ``root/tex/<book>.tex`` for each language into ``root/<book>.pdf``; ``logs``, if
    given, receives each book's LaTeX log."""
    written = []
    with tempfile.TemporaryDirectory(prefix="symbp-tex-") as tmp:
        work = Path(tmp) / "tex"
        shutil.copytree(Path(root) / "tex", work)
        for book in books(langs):
            data = compile_book(Path(root) / "tex", book, work, logs)
            write_atomic(Path(root) / f"{book}.pdf", data)
            written.append(Path(root) / f"{book}.pdf")
    return written
