"""derive.network: a Graph -> its whole-network chain rule (the derivations it connects).

Each distinct module is derived once (a 100-node chain of Linear and ReLU derives two modules),
so derivation and generation grow linearly with the number of nodes. The backward walks the
nodes in reverse topological order; a value read by several nodes gets the sum of their VJPs
(fan-out).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..graph import Graph, GraphError
from .module import Derivation, derive_module
from .result import Derived


@dataclass(frozen=True, eq=False)
class NetworkDerivation(Derived):
    """The derivations of a graph's modules and the chain rule that connects them."""

    kind, subject_field = "network", "graph"
    graph: Graph
    order: tuple[str, ...]
    shapes: dict
    modules: dict[str, Derivation]
    needs_grad: frozenset
    consumers: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)

    @property
    def leaves(self) -> list[str]:
        """Graph inputs then parameters, in declaration order: the forward's arguments."""
        g = self.graph
        return [n for n, v in g.values.items() if v.role == "input"] + \
               [n for n, v in g.values.items() if v.role == "param"]

    @property
    def params(self) -> list[str]:
        return [n for n, v in self.graph.values.items() if v.role == "param"]


def derive_network(g: Graph) -> NetworkDerivation:
    order = g.order()
    shapes = g.shapes()
    if not any(v.role == "param" for v in g.values.values()):
        raise GraphError("the graph has no parameter, so nothing to differentiate: declare what the "
                         "gradient is wanted for with param(name, shape) (an input too)")
    modules: dict[str, Derivation] = {}
    for n in order:
        m = g.nodes[n].module
        known = modules.get(m.name)
        if known is None:
            modules[m.name] = derive_module(m)
        elif known.module is not m and known.module.forward != m.forward:
            raise GraphError(f"two different modules are both called {m.name!r}")
    consumers: dict[str, list] = {}
    for n in order:
        for k, v in enumerate(g.nodes[n].inputs):
            consumers.setdefault(v, []).append((n, k))
    return NetworkDerivation(g, tuple(order), shapes, modules, frozenset(g.needs_grad()),
                             {v: tuple(c) for v, c in consumers.items()})


