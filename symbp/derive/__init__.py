"""derive: forward definitions -> derivations. Every derivative in symbp comes out of SymPy here."""
from __future__ import annotations

from ..graph import Graph
from ..spec import Module, UpdateRule
from .module import Derivation, InputDerivation, derive_module, kinks, subgradients
from .network import NetworkDerivation, derive_network
from .index import DerivationError
from .result import Derived, dispatch
from .rule import RuleDerivation, derive_rule

__all__ = ["derive", "Derived", "Derivation", "InputDerivation", "RuleDerivation",
           "NetworkDerivation", "derive_module", "derive_rule", "derive_network", "kinks",
           "subgradients", "dispatch", "DerivationError"]


def derive(target) -> Derived:
    """Derive a :class:`Module` (-> :class:`Derivation`), an :class:`UpdateRule` (->
    :class:`RuleDerivation`) or a :class:`Graph` (-> :class:`NetworkDerivation`)."""
    for kind, fn in ((Module, derive_module), (UpdateRule, derive_rule), (Graph, derive_network)):
        if isinstance(target, kind):
            return fn(target)
    raise TypeError(f"derive() takes a Module, an UpdateRule or a Graph, not {type(target).__name__}")
