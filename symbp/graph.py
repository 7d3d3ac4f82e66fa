"""graph: compose catalog and user modules into a DAG, by name.

    g = symbp.graph("mlp")
    g.input("x", ("B", 64)); g.input("target", ("B",), kind="class")
    g.param("W1", (128, 64)); g.param("b1", (128,))
    g.node("h", "linear", "x", "W1", "b1")
    g.node("a", "relu", "h")
    ...
    g.output("loss")

Nodes may be declared in any order and a value may feed several nodes (fan-out). ``order()``
sorts the nodes topologically; a cycle, an unknown value or a shape mismatch is a
:class:`GraphError` that names it. Sizes are names (``"B"``) or integers; a module's size names
are bound to the graph's by unification at each node.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .spec import Module


class GraphError(ValueError):
    """An ill-formed graph: unknown value, cycle, shape mismatch."""


@dataclass(frozen=True)
class Value:
    name: str
    dims: tuple
    kind: str = "real"        # real | class | mask
    role: str = "input"       # input | param | node

    @property
    def differentiable(self) -> bool:
        return self.kind == "real"


@dataclass(frozen=True)
class Node:
    name: str
    module: Module
    inputs: tuple[str, ...]
    params: tuple[tuple[str, float], ...] = ()


@dataclass
class Graph:
    name: str
    values: dict[str, Value] = field(default_factory=dict)
    nodes: dict[str, Node] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)

    # -- building -----------------------------------------------------------------------------
    def _declare(self, value: Value) -> str:
        if not value.name.isidentifier() or value.name.startswith("_"):
            raise GraphError(f"bad value name {value.name!r}")
        if value.name in self.values or value.name in self.nodes:
            raise GraphError(f"{value.name!r} is declared twice")
        for d in value.dims:
            if not (isinstance(d, int) and d > 0 or isinstance(d, str) and d.isidentifier()):
                raise GraphError(f"bad size {d!r} for {value.name}: a positive int or a name")
        self.values[value.name] = value
        return value.name

    def input(self, name: str, dims, kind: str = "real") -> str:
        """A value fed to the graph (data, targets, masks): not trained."""
        if kind not in ("real", "class", "mask"):
            raise GraphError(f"unknown kind {kind!r} for {name}: real, class or mask")
        return self._declare(Value(name, tuple(dims), kind, "input"))

    def param(self, name: str, dims) -> str:
        """A trained parameter: the backward returns its gradient."""
        return self._declare(Value(name, tuple(dims), "real", "param"))

    def node(self, name: str, module, *inputs: str, **params) -> str:
        """``name = module(*inputs, **params)``; ``module`` is a catalog name or a Module."""
        if isinstance(module, str):
            from .catalog import CATALOG
            if module not in CATALOG:
                raise GraphError(f"unknown module {module!r} for node {name}; known: {', '.join(CATALOG)}")
            module = CATALOG[module]()
        if not isinstance(module, Module):
            raise GraphError(f"node {name}: a module name or a Module, not {type(module).__name__}")
        if module.branches:
            raise GraphError(f"node {name}: {module.name} has several outputs; in a graph, feed one "
                             "value to several nodes instead (fan-out sums the gradients)")
        if not name.isidentifier() or name.startswith("_"):
            raise GraphError(f"bad node name {name!r}")
        if name in self.values or name in self.nodes:
            raise GraphError(f"{name!r} is declared twice")
        optional = {module.identity_without} if module.identity_without else set()
        need = [t for t in module.inputs if t.name not in optional]
        if not len(need) <= len(inputs) <= len(module.inputs):
            raise GraphError(f"node {name}: {module.name} takes {len(module.inputs)} inputs "
                             f"({', '.join(t.name for t in module.inputs)}), got {len(inputs)}")
        known = {p.name for p in module.params}
        for p in params:
            if p not in known:
                raise GraphError(f"node {name}: {module.name} has no parameter {p!r}")
        self.nodes[name] = Node(name, module, tuple(inputs), tuple(sorted(params.items())))
        return name

    def output(self, name: str) -> str:
        self.outputs = [name]
        return name

    # -- analysis -----------------------------------------------------------------------------
    def order(self) -> list[str]:
        """Nodes in topological order (Kahn); raises GraphError naming an unknown value or a cycle."""
        for node in self.nodes.values():
            for v in node.inputs:
                if v not in self.values and v not in self.nodes:
                    raise GraphError(f"node {node.name} reads unknown value {v!r}")
        if not self.outputs:
            raise GraphError("the graph has no output: call output(name)")
        for out in self.outputs:
            if out not in self.nodes and out not in self.values:
                raise GraphError(f"unknown output {out!r}")
        deps = {n: [v for v in node.inputs if v in self.nodes] for n, node in self.nodes.items()}
        indegree = {n: len(set(d)) for n, d in deps.items()}
        users: dict[str, list[str]] = {n: [] for n in self.nodes}
        for n, ds in deps.items():
            for d in dict.fromkeys(ds):
                users[d].append(n)
        ready = [n for n in self.nodes if indegree[n] == 0]
        order = []
        while ready:
            n = ready.pop(0)
            order.append(n)
            for u in users[n]:
                indegree[u] -= 1
                if indegree[u] == 0:
                    ready.append(u)
        if len(order) != len(self.nodes):
            raise GraphError("the graph has a cycle: " + " -> ".join(self._cycle(deps)))
        return order

    def _cycle(self, deps) -> list[str]:
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(n):
            state[n] = 1
            stack.append(n)
            for d in deps[n]:
                if state.get(d) == 1:
                    return stack[stack.index(d):] + [d]
                if d not in state:
                    found = visit(d)
                    if found:
                        return found
            stack.pop()
            state[n] = 2
            return None
        for n in sorted(deps):
            if n not in state:
                found = visit(n)
                if found:
                    return found[::-1]
        return []

    def shapes(self) -> dict[str, tuple]:
        """Dims of every value, node outputs included, by unifying module sizes at each node."""
        dims = {name: v.dims for name, v in self.values.items()}
        for n in self.order():
            node = self.nodes[n]
            m = node.module
            bind: dict = dict(m.size_params)
            for t, v in zip(m.inputs, node.inputs):
                got = dims[v]
                if m.elementwise:
                    want = dims[node.inputs[0]]
                    if got != want:
                        raise GraphError(f"shape mismatch at node {n}: {v} is {_fmt(got)}, "
                                         f"{node.inputs[0]} is {_fmt(want)}")
                    continue
                if len(got) != len(t.dims):
                    raise GraphError(f"shape mismatch at node {n}: {m.name} wants {t.name} "
                                     f"{_fmt(t.dims)}, {v} is {_fmt(got)}")
                for d, g in zip(t.dims, got):
                    if d in bind and bind[d] != g:
                        raise GraphError(f"shape mismatch at node {n}: {m.name}'s size {d} is "
                                         f"{bind[d]} from another input but {g} from {v}")
                    bind[d] = g
            if m.elementwise:
                dims[n] = dims[node.inputs[0]] if m.out_dims else ()
            else:
                dims[n] = tuple(bind[d] for d in m.out_dims)
        return dims

    def needs_grad(self) -> set[str]:
        """Values whose gradient the backward must compute: params and what depends on them."""
        need = {n for n, v in self.values.items() if v.role == "param"}
        for n in self.order():
            if any(v in need for v in self.nodes[n].inputs):
                need.add(n)
        return need


def _fmt(dims) -> str:
    return "(" + ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "") + ")"


def graph(name: str) -> Graph:
    """A new, empty graph."""
    if not isinstance(name, str) or not name.isidentifier():
        raise GraphError(f"bad graph name {name!r}")
    return Graph(name)
