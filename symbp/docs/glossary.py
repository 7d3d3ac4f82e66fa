"""glossary: the notes' terms, English ↔ Vietnamese, and what the Vietnamese pages must not say.

The table is data, ``lang/glossary.tsv`` (tab-separated, editable in any spreadsheet). Each entry:
the English term as the notes use it, the Vietnamese term these pages use, the translation of the
course's Vietnamese page where it differs, and the calques to avoid. The glossary page is built
from this table, and the tests hold every Vietnamese page to it: where the English page uses a
term, the Vietnamese page uses its translation, and no page uses an avoided one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .blocks import Writer


@dataclass(frozen=True)
class Term:
    en: str
    vi: str
    notes_vi: str = ""          # the course page's translation, where ours differs
    avoid: tuple[str, ...] = ()  # calques and mistranslations no page may use
    exact: bool = False          # a name (Add, Duplicate): the English matched with its capital


GLOSSARY_FILE = Path(__file__).resolve().parent / "lang" / "glossary.tsv"


def load_glossary(path: Path = GLOSSARY_FILE) -> tuple[Term, ...]:
    """The terms of a tab-separated table with the columns ``en vi notes_vi avoid exact``
    (``avoid`` separated by ``;``, ``exact`` is ``yes`` or empty)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header, *rows = [line.split("\t") for line in lines if line.strip()]
    if header != ["en", "vi", "notes_vi", "avoid", "exact"]:
        raise ValueError(f"{path}: unexpected columns {header}")
    terms = []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header) or row[4] not in ("", "yes"):
            raise ValueError(f"{path}:{number}: expected {len(header)} columns, exact empty or yes")
        en, vi, notes_vi, avoid, exact = row
        terms.append(Term(en, vi, notes_vi, tuple(a.strip() for a in avoid.split(";") if a.strip()),
                          exact == "yes"))
    return tuple(terms)


GLOSSARY = load_glossary()


def glossary_blocks(lang: str) -> list:
    w = Writer(lang)
    w.para("glossary.about")
    rows = [[t.en, t.vi, t.notes_vi or "—", ", ".join(t.avoid) or "—"] for t in GLOSSARY]
    w.table(["glossary.col.en", "glossary.col.vi", "glossary.col.notes", "glossary.col.avoid"], rows)
    return w.blocks
