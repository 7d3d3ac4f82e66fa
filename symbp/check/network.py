"""check.network: a network's parameter gradients against finite differences of the composed
forward."""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..codegen.kernel import compile_expression
from ..codegen.network import load_network
from ..derive.network import NetworkDerivation
from . import fd
from .verification import MARGIN, TOLERANCE, Check, Report, rel_error

# -- verification --------------------------------------------------------------------------------
def verify_network(d: NetworkDerivation, seed: int = 0, directions: int = 3):
    """The gradient of every parameter against finite differences of the composed forward.

    Named sizes are bound small (2, 3, 4, …); points are redrawn until every kink of every node
    is at least the margin away. Whole gradient for up to 2000 parameters, else directional.
    """
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
                got = np.zeros(x.size) if grad is None else grad.ravel()
                err, kind = rel_error(fd.gradient(lambda a: scalar({**values, p: a}), x).ravel(), got), "gradient"
            else:
                errs = []
                for _ in range(directions):
                    v = fd.unit_direction(rng, x.shape)
                    along = float(fd.directional(lambda a: scalar({**values, p: a}), x, v))
                    errs.append(rel_error(along, float(np.sum(v * grad))))
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


