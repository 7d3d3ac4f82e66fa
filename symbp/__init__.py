"""symbp — symbolic backprop.

From the forward definition of a neural-network module, SymPy derives its Jacobians and
vector-Jacobian products at symbolic sizes; numpy finite differences verify them; Jinja2 lays
them out as teaching documents; a SymPy printer turns them into fast, stable numpy code.

    >>> import symbp
    >>> d = symbp.derive(symbp.get("softmax"))
    >>> symbp.verify(d).ok
    True

This module is the public facade: it re-exports the stages' entry points and is imported by
nothing inside the package.
"""
from __future__ import annotations

from .catalog import catalog, get, rules
from . import testing
from .check import Report, Verdict, check_answer, check_backward, verify
from .codegen import codegen, load
from .derive import Derivation, NetworkDerivation, RuleDerivation, derive
from .expr import ExpressionError, elementwise, module
from .graph import Graph, GraphError, graph
from .spec import Module, UpdateRule
from .version import __version__

__all__ = ["catalog", "rules", "get", "elementwise", "module", "derive", "verify", "codegen",
           "load", "graph", "Module", "UpdateRule", "Graph", "Derivation", "RuleDerivation",
           "NetworkDerivation", "Report", "ExpressionError", "GraphError", "__version__",
           "check_backward", "check_answer", "Verdict", "testing"]
