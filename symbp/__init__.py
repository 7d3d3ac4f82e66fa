"""symbp — symbolic backprop.

From the forward definition of a neural-network module, SymPy derives its Jacobians and
vector-Jacobian products at symbolic sizes; numpy finite differences verify them; Jinja2 lays
them out as teaching documents; a SymPy printer turns them into fast, stable numpy code.

    >>> import symbp
    >>> d = symbp.derive(symbp.get("softmax"))
    >>> symbp.verify(d).ok
    True
"""
from __future__ import annotations

from .catalog import CATALOG as _CATALOG
from .catalog import RULES as _RULES
from .derivation import Derivation, RuleDerivation, derive_rule
from .derivation import derive as _derive_module
from .expr import ExpressionError, elementwise, module
from .graph import Graph, GraphError, graph
from .spec import Module, UpdateRule
from .verification import Report, verify_rule
from .verification import verify as _verify_module

__all__ = ["catalog", "rules", "get", "elementwise", "module", "derive", "verify", "codegen",
           "load", "graph", "Module", "UpdateRule", "Graph", "Derivation", "RuleDerivation",
           "Report", "ExpressionError", "GraphError"]
__version__ = "0.1.0"


def catalog() -> dict[str, Module]:
    """Every module of the seed, by name (a new dict each call)."""
    return {name: build() for name, build in _CATALOG.items()}


def rules() -> dict[str, UpdateRule]:
    """The update rules (sgd, sgd_l2, sgd_l1, momentum, adam), by name."""
    return {name: build() for name, build in _RULES.items()}


def get(name: str):
    """One catalog module (or update rule); an unknown name raises ``KeyError`` naming the known ones."""
    if name in _CATALOG:
        return _CATALOG[name]()
    if name in _RULES:
        return _RULES[name]()
    known = ", ".join(list(_CATALOG) + list(_RULES))
    raise KeyError(f"unknown module {name!r}; known: {known}")


def derive(target):
    """Derive a :class:`Module` (-> :class:`Derivation`), an :class:`UpdateRule` or a
    :class:`Graph` (-> the whole network's chain rule)."""
    if isinstance(target, UpdateRule):
        return derive_rule(target)
    if isinstance(target, Graph):
        from .network import derive_network
        return derive_network(target)
    if not isinstance(target, Module):
        raise TypeError(f"derive() takes a Module or an UpdateRule, not {type(target).__name__}")
    return _derive_module(target)


def verify(d, seed: int = 0, **options) -> Report:
    """Check a derivation against central finite differences; ``r.ok``, ``r.max_rel_error``."""
    if isinstance(d, RuleDerivation):
        return verify_rule(d, seed=seed, **options)
    from .network import NetworkDerivation, verify_network
    if isinstance(d, NetworkDerivation):
        return verify_network(d, seed=seed, **options)
    return _verify_module(d, seed=seed, **options)


def codegen(d: Derivation) -> str:
    """Python source (numpy only) of ``NAME_forward`` and ``NAME_backward`` for ``d``."""
    from .generate import module_source
    from .network import NetworkDerivation, network_source
    if isinstance(d, NetworkDerivation):
        return network_source(d)
    name = d.rule.name if isinstance(d, RuleDerivation) else d.module.name
    return module_source([d], title=name)


def load(d: Derivation):
    """The generated forward/backward of ``d``, compiled: ``f.forward``, ``f.backward``."""
    from .generate import load as _load
    from .network import NetworkDerivation, load_network
    if isinstance(d, NetworkDerivation):
        return load_network(d)
    return _load(d)
