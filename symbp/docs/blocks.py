"""blocks: a page as a list of :class:`Block` — what every renderer (Markdown, LaTeX, HTML) lays out.

Kinds and the fields each uses:

=========  ==========================================================================
heading    ``text`` (``level`` 2–4)
para       ``text``: prose with ``$math$`` and ```code``` segments
math       ``text``: display LaTeX; ``eq``: the checked :class:`Equation` it prints
code       ``text``: source, ``language``: python or sh
table      ``header``, ``rows`` (cells are prose)
figure     ``path`` (SVG, relative to the page), ``text``: the caption (also the alt
           text, made plain), ``width``: fraction of the line in the books
box        the key result: ``text`` its title, ``children`` the formula and intuition
details    folded content: ``text`` the summary line, ``children`` what unfolds
exercise   ``text`` the question, ``level`` its number, ``children`` the solution
           (folded on the web, in an answers section in the books)
nav        ``links``: ``(label, href)`` pairs, ``text``: a separator-free label line
=========  ==========================================================================

Every block carries its English original in ``en`` (and ``en_header``); the Vietnamese Markdown
keeps it in an HTML comment before the translation, as the course site does.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from .equations import Equation
from .lang import strings

# words inside formulas (``\text{...}``), per language; formulas are built once, in English
MATH_WORDS = {
    "vi": ((r"\text{for}\:", r"\text{nếu}\:"), (r"\text{otherwise}", r"\text{ngược lại}"),
           (r"\text{direct}", r"\text{trực tiếp}"), (r"\text{and}", r"\text{và}"),
           (r"\text{fixed}", r"\text{cố định}"), (r"\text{batch}", r"\text{theo batch}")),
}


def localize_math(tex: str, lang: str) -> str:
    """A formula's ``\\text{}`` words in ``lang``."""
    for en, other in MATH_WORDS.get(lang, ()):
        tex = tex.replace(en, other)
    return tex


_GREEK = {"sigma": "σ", "epsilon": "ε", "eta": "η", "alpha": "α", "mu": "μ", "delta": "δ",
          "partial": "∂", "cdot": "·", "times": "×", "infty": "∞", "to": "→", "leq": "≤", "geq": "≥",
          "log": "log", "exp": "exp", "max": "max", "sim": "~", "quad": " ", "qquad": " "}


def _plain_math(tex: str) -> str:
    tex = re.sub(r"\\(?:mathrm|operatorname|text|mathbb|mathcal|left|right)\b", "", tex)
    for _ in range(3):
        tex = re.sub(r"\\sqrt\{([^{}]*)\}", r"sqrt(\1)", tex)
        tex = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", tex)
    tex = re.sub(r"\\([A-Za-z]+)\s?", lambda m: _GREEK.get(m.group(1), m.group(1)), tex)
    return tex.replace("{", "").replace("}", "").replace("\\", "")


def plain(text: str) -> str:
    """Prose with its ``$math$`` made plain text (alt attributes): ``$\\sqrt{2/n}$`` -> ``sqrt(2/n)``."""
    return re.sub(r"\$([^$]+)\$", lambda m: _plain_math(m.group(1)), text).replace('"', "'")


@dataclass
class Block:
    kind: str
    text: str = ""            # in the page's language
    en: str = ""              # the English original
    level: int = 3
    rows: list = field(default_factory=list)
    header: list = field(default_factory=list)
    en_header: list = field(default_factory=list)
    path: str = ""
    eq: Equation | None = None
    children: list = field(default_factory=list)
    links: list = field(default_factory=list)
    width: float = 0.7
    language: str = "python"   # code: how to highlight it (python, sh)

    @property
    def alt(self) -> str:
        return plain(self.text)

    @property
    def en_alt(self) -> str:
        return plain(self.en)

    def walk(self):
        """This block and every block inside it, in reading order."""
        yield self
        for child in self.children:
            yield from child.walk()


def walk(blocks):
    for b in blocks:
        yield from b.walk()


class Writer:
    """Collects blocks in one language, with the English alongside."""

    def __init__(self, lang: str):
        self.lang = lang
        self.s, self.en = strings(lang), strings("en")
        self.blocks: list[Block] = []
        self._into = [self.blocks]

    def say(self, key: str, **fmt) -> tuple[str, str]:
        return self.s[key].format(**fmt), self.en[key].format(**fmt)

    def add(self, block: Block) -> Block:
        self._into[-1].append(block)
        return block

    def heading(self, key: str, level: int = 3, **fmt):
        text, en = self.say(key, **fmt)
        self.add(Block("heading", text, en, level=level))

    def para(self, key: str, **fmt):
        text, en = self.say(key, **fmt)
        self.add(Block("para", text, en))

    def text(self, text: str, en: str):
        """A paragraph assembled by the caller (both languages given)."""
        self.add(Block("para", text, en))

    def math(self, eq: Equation):
        if not isinstance(eq, Equation):
            raise TypeError("a display formula must be a checked Equation, not typed LaTeX")
        self.add(Block("math", localize_math(eq.tex, self.lang), eq.tex, eq=eq))

    def step(self, key: str, eq: Equation, **fmt):
        """A paragraph and the checked formula it introduces."""
        self.para(key, **fmt)
        self.math(eq)

    def code(self, source: str, language: str = "python"):
        self.add(Block("code", source, source, language=language))

    def table(self, keys: list[str], rows: list[list[str]], en_rows=None):
        self.add(Block("table", header=[self.s[k] for k in keys],
                       en_header=[self.en[k] for k in keys], rows=rows))

    def figure(self, path: str, key: str, width: float = 0.7, **fmt):
        text, en = self.say(key, **fmt)
        self.add(Block("figure", text, en, path=path, width=width))

    def nav(self, links: list[tuple[str, str]]):
        self.add(Block("nav", links=links))

    @contextmanager
    def group(self, kind: str, key: str = "", level: int = 3, **fmt):
        """Blocks added inside the ``with`` go into a ``box``, ``details`` or ``exercise``."""
        text, en = self.say(key, **fmt) if key else ("", "")
        block = self.add(Block(kind, text, en, level=level))
        self._into.append(block.children)
        try:
            yield block
        finally:
            self._into.pop()
