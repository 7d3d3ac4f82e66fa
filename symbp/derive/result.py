"""derive.result: what every derivation offers the later stages.

A module, an update rule and a network are derived into different objects, but the stages after
``derive`` (codegen, check, docs, build) see one interface — ``kind``, ``name``, ``title`` — and
dispatch once, on ``kind``, through a table of their own.
"""
from __future__ import annotations

from typing import ClassVar


class Derived:
    """Base of :class:`Derivation`, :class:`RuleDerivation` and :class:`NetworkDerivation`."""

    kind: ClassVar[str] = ""     # "module" | "rule" | "network"
    subject_field: ClassVar[str] = ""  # the field holding what was derived

    @property
    def subject(self):
        """What was derived: a ``Module``, an ``UpdateRule`` or a ``Graph``."""
        return getattr(self, self.subject_field)

    @property
    def name(self) -> str:
        return self.subject.name

    @property
    def title(self) -> str:
        return getattr(self.subject, "title", self.subject.name)


KINDS = ("module", "rule", "network")


def dispatch(table: dict, d, what: str):
    """``table[d.kind]``; a clear ``TypeError`` for anything that is not a derivation."""
    kind = getattr(d, "kind", None)
    if kind not in table:
        raise TypeError(f"{what}() takes a derivation (of a Module, an UpdateRule or a Graph), "
                        f"not {type(d).__name__}")
    return table[kind]
