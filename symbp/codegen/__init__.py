"""codegen: derivations -> numpy source (lowered by :mod:`symbp.lower`, printed by SymPy printers)."""
from __future__ import annotations

from ..derive import dispatch
from .generate import functions, load_one, module_source
from .network import load_network, network_source

__all__ = ["codegen", "load", "functions", "module_source", "network_source"]

_SOURCE = {"module": lambda d: module_source([d], title=d.name),
           "rule": lambda d: module_source([d], title=d.name),
           "network": network_source}
_LOAD = {"module": load_one, "rule": load_one, "network": load_network}


def codegen(d) -> str:
    """Python source (numpy only) of the generated functions of ``d``."""
    return dispatch(_SOURCE, d, "codegen")(d)


def load(d):
    """The generated code of ``d``, compiled: ``f.forward``, ``f.backward`` (``f.step`` for a rule)."""
    return dispatch(_LOAD, d, "load")(d)
