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
from .derive import Derivation, derive
from .expr import ExpressionError, elementwise, module
from .spec import Module
from .verify import Report, verify

__all__ = ["catalog", "get", "elementwise", "module", "derive", "verify", "codegen", "load",
           "Module", "Derivation", "Report", "ExpressionError"]
__version__ = "0.1.0"


def catalog() -> dict[str, Module]:
    """Every module of the seed, by name (a new dict each call)."""
    return {name: build() for name, build in _CATALOG.items()}


def get(name: str) -> Module:
    """One catalog module; an unknown name raises ``KeyError`` naming the known ones."""
    if name not in _CATALOG:
        raise KeyError(f"unknown module {name!r}; known: {', '.join(_CATALOG)}")
    return _CATALOG[name]()


def codegen(d: Derivation) -> str:
    """Python source (numpy only) of ``NAME_forward`` and ``NAME_backward`` for ``d``."""
    from .codegen import module_source
    return module_source([d], title=d.module.name)


def load(d: Derivation):
    """The generated forward/backward of ``d``, compiled: ``f.forward``, ``f.backward``."""
    from .codegen import load as _load
    return _load(d)
