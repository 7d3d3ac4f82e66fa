"""network: a Graph -> its whole-network chain rule, generated numpy module and verification.

Each distinct module is derived once (a 100-node chain of Linear and ReLU derives two modules),
so derivation and generation grow linearly with the number of nodes. The backward walks the
nodes in reverse topological order; a value read by several nodes gets the sum of their VJPs
(fan-out).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from .derivation import Derivation, derive
from .graph import Graph, GraphError
from .kernel import build_kernel
from .templating import render


@dataclass(frozen=True, eq=False)
class NetworkDerivation:
    """The derivations of a graph's modules and the chain rule that connects them."""

    graph: Graph
    order: tuple[str, ...]
    shapes: dict
    modules: dict[str, Derivation]
    needs_grad: frozenset
    consumers: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.graph.name

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
    modules: dict[str, Derivation] = {}
    for n in order:
        m = g.nodes[n].module
        known = modules.get(m.name)
        if known is None:
            modules[m.name] = derive(m)
        elif known.module is not m and known.module.forward != m.forward:
            raise GraphError(f"two different modules are both called {m.name!r}")
    consumers: dict[str, list] = {}
    for n in order:
        for k, v in enumerate(g.nodes[n].inputs):
            consumers.setdefault(v, []).append((n, k))
    return NetworkDerivation(g, tuple(order), shapes, modules, frozenset(g.needs_grad()),
                             {v: tuple(c) for v, c in consumers.items()})


# -- generated code ------------------------------------------------------------------------------
def _call_args(node, d: NetworkDerivation) -> str:
    args = ", ".join(node.inputs)
    kw = ", ".join(f"{k}={v!r}" for k, v in node.params)
    return args + (", " + kw if kw else "")


def network_functions(d: NetworkDerivation) -> tuple[str, str]:
    """Source of ``NAME_forward(*leaves) -> (out, cache)`` and ``NAME_backward(dout, cache) -> dict``."""
    g = d.graph
    out = g.outputs[0]
    fwd = []
    caches = []
    for n in d.order:
        node = g.nodes[n]
        fwd.append(f"{n}, _c_{n} = {node.module.name}_forward({_call_args(node, d)})")
        caches.append(f"_c_{n}")
    cache_tuple = "(" + ", ".join(caches) + ("," if len(caches) == 1 else "") + ")"
    fwd.append(f"return {out}, {cache_tuple}")
    sig = ", ".join(d.leaves)  # a mask may be None: that node is then in eval mode
    forward = f"def {g.name}_forward({sig}):\n" + "".join(f"    {line}\n" for line in fwd)

    bwd = [", ".join(caches) + ("," if len(caches) == 1 else "") + " = cache", f"_g_{out} = dout"]
    have = {out}
    for n in reversed(d.order):
        if n not in have or n not in d.needs_grad:
            continue
        node = g.nodes[n]
        m = node.module
        wanted = [v in d.needs_grad and t.differentiable for t, v in zip(m.inputs, node.inputs)]
        if not any(wanted):
            continue
        targets = []
        for k, (t, v) in enumerate(zip(m.inputs, node.inputs)):
            if wanted[k]:
                targets.append(f"_d_{n}_{k}")
            else:
                targets.append("_")
        diff_positions = [k for k, t in enumerate(m.inputs) if t.differentiable]
        call = f"{m.name}_backward(_g_{n}, _c_{n}"
        if len(diff_positions) > 1 and not all(wanted[k] for k in diff_positions):
            call += ", needs=(" + ", ".join(str(bool(w)) for w in wanted) + \
                    ("," if len(wanted) == 1 else "") + ")"
        call += ")"
        lhs = ", ".join(targets[:len(node.inputs)] + ["_"] * (len(m.inputs) - len(node.inputs)))
        bwd.append(f"{lhs}{',' if len(m.inputs) == 1 else ''} = {call}")
        for k, v in enumerate(node.inputs):
            if not wanted[k]:
                continue
            if v in have:
                bwd.append(f"_g_{v} = _g_{v} + _d_{n}_{k}")  # fan-out: gradients add up
            else:
                bwd.append(f"_g_{v} = _d_{n}_{k}")
                have.add(v)
    grads = ", ".join(f"{p!r}: _g_{p}" if p in have else f"{p!r}: None" for p in d.params)
    bwd.append("return {" + grads + "}")
    backward = f"def {g.name}_backward(dout, cache):\n" + "".join(f"    {line}\n" for line in bwd)
    return forward, backward


def network_source(d: NetworkDerivation) -> str:
    """One standalone numpy module: every module's functions, then the whole network's."""
    from . import __version__
    from .generate import functions
    parts = functions(list(d.modules.values()))
    forward, backward = network_functions(d)
    names = [n for n, _ in parts] + [f"{d.name}_forward", f"{d.name}_backward"]
    return render("symbp_nn.py.j2", title=f"{d.name} — a network generated by symbp",
                  version=__version__, modules=", ".join(d.modules),
                  exports=", ".join(repr(n) for n in names),
                  functions=[src.rstrip("\n") for _, src in parts] + [forward.rstrip("\n"),
                                                                      backward.rstrip("\n")])


def load_network(d: NetworkDerivation):
    from types import SimpleNamespace
    source = network_source(d)
    namespace: dict = {"np": np}
    exec(compile(source, f"<symbp network: {d.name}>", "exec"), namespace)  # noqa: S102
    return SimpleNamespace(forward=namespace[f"{d.name}_forward"],
                           backward=namespace[f"{d.name}_backward"], source=source, name=d.name,
                           namespace=namespace)


# -- verification --------------------------------------------------------------------------------
def verify_network(d: NetworkDerivation, seed: int = 0, directions: int = 3):
    """The gradient of every parameter against finite differences of the composed forward.

    Named sizes are bound small (2, 3, 4, …); points are redrawn until every kink of every node
    is at least the margin away. Whole gradient for up to 2000 parameters, else directional.
    """
    from .verification import MARGIN, STEP, TOLERANCE, Check, Report, rel_error
    name = d.name
    try:
        f = load_network(d)
    except Exception as exc:  # pragma: no cover - a generator bug
        return Report(name, (Check(name, "*", "compile", "-", float("inf"), TOLERANCE, str(exc)),))
    sizes = _bind_sizes(d)
    rng = np.random.default_rng(seed)
    values = None
    for _ in range(50):
        values = _draw(d, sizes, rng)
        if _kinks_clear(d, f, values, MARGIN):
            break
    checks = []
    args = [values[v] for v in d.leaves]
    out, cache = f.forward(*args)
    loss_like = np.ndim(out) == 0
    upstream = 1.0 if loss_like else rng.standard_normal(np.shape(out))
    grads = f.backward(upstream, cache)

    def scalar(vals):
        o, _ = f.forward(*[vals[v] for v in d.leaves])
        return float(np.sum(np.asarray(o) * upstream))

    label = " ".join(f"{k}={v}" for k, v in sizes.items())
    for p in d.params:
        x = values[p]
        grad = grads[p]
        try:
            if x.size <= 2000:
                fd = np.empty(x.size)
                flat = x.ravel()
                for k in range(x.size):
                    h = STEP * max(1.0, abs(flat[k]))
                    plus, minus = flat.copy(), flat.copy()
                    plus[k] += h
                    minus[k] -= h
                    fd[k] = (scalar({**values, p: plus.reshape(x.shape)}) -
                             scalar({**values, p: minus.reshape(x.shape)})) / (2 * h)
                err, kind = rel_error(fd, np.zeros(x.size) if grad is None else grad.ravel()), "gradient"
            else:
                errs = []
                for _ in range(directions):
                    v = rng.standard_normal(x.shape)
                    v /= np.max(np.abs(v))
                    h = STEP * max(1.0, float(np.max(np.abs(x))))
                    D = lambda s: (scalar({**values, p: x + s * v}) - scalar({**values, p: x - s * v})) / (2 * s)
                    errs.append(rel_error((4 * D(h / 2) - D(h)) / 3, float(np.sum(v * grad))))
                err, kind = max(errs), "directional"
            checks.append(Check(name, p, kind, label, err, TOLERANCE))
        except Exception as exc:
            checks.append(Check(name, p, "gradient", label, float("inf"), TOLERANCE, str(exc)))
    return Report(name, tuple(checks))


def _bind_sizes(d: NetworkDerivation) -> dict:
    names = sorted({x for dims in d.shapes.values() for x in dims if isinstance(x, str)})
    return {n: 2 + k for k, n in enumerate(names)}


def _concrete(dims, sizes) -> tuple:
    return tuple(sizes[x] if isinstance(x, str) else x for x in dims)


def _draw(d: NetworkDerivation, sizes, rng) -> dict:
    g = d.graph
    values = {}
    for n, v in g.values.items():
        shape = _concrete(v.dims, sizes)
        if v.kind == "class":
            classes = [_concrete(d.shapes[c], sizes)[-1] for c, k in d.consumers.get(n, ())
                       for c in [g.nodes[c].inputs[0]]]
            values[n] = rng.integers(0, classes[0] if classes else 2, size=shape)
        elif v.kind == "mask":
            values[n] = (rng.random(shape) < 0.5).astype(float)
        else:
            fan_in = shape[-1] if v.role == "param" and len(shape) > 1 else 1
            values[n] = rng.uniform(-1.5, 1.5, shape) / np.sqrt(fan_in)
    return values


def _kinks_clear(d: NetworkDerivation, f, values, margin) -> bool:
    """Every node's kinks (ReLU at 0, Max at ties) at least ``margin`` away at this point."""
    from .kernel import compile_expression
    ns = f.namespace
    g = d.graph
    live = dict(values)
    for n in d.order:
        node = g.nodes[n]
        kw = dict(node.params)
        out, _ = ns[f"{node.module.name}_forward"](*[live[v] for v in node.inputs], **kw)
        for kink in d.modules[node.module.name].kinks:
            target = tuple(sorted({i for ix in kink.atoms(sp.Indexed)
                                   for i in ix.indices if isinstance(i, sp.Symbol)}, key=str))
            value_of = compile_expression(node.module, kink, target)
            args = {t.name: live[v] for t, v in zip(node.module.inputs, node.inputs)}
            params = {p.name: kw.get(p.name, p.default) for p in node.module.params}
            if np.min(np.abs(value_of(**args, **params))) < margin:
                return False
        live[n] = out
    return True


# -- scaling -------------------------------------------------------------------------------------
def chain(n_nodes: int, width: int = 16) -> Graph:
    """A chain of ``n_nodes`` nodes alternating Linear and ReLU, ending in a cross-entropy."""
    from .graph import graph
    g = graph(f"chain{n_nodes}")
    g.input("x", ("B", width))
    g.input("target", ("B",), kind="class")
    prev = "x"
    for k in range(n_nodes - 1):
        if k % 2 == 0:
            g.param(f"W{k}", (width, width))
            g.param(f"b{k}", (width,))
            prev = g.node(f"h{k}", "linear", prev, f"W{k}", f"b{k}")
        else:
            prev = g.node(f"a{k}", "relu", prev)
    g.node("loss", "cross_entropy", prev, "target")
    g.output("loss")
    return g


def time_chain(n_nodes: int) -> float:
    """Seconds to derive and generate the code of an ``n_nodes`` chain (nothing cached)."""
    build_kernel.cache_clear()
    start = time.perf_counter()
    network_source(derive_network(chain(n_nodes)))
    return time.perf_counter() - start
