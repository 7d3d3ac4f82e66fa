"""codegen: Derivations -> one standalone numpy module (Jinja2 lays out the printed kernels)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from . import __version__
from .derivation import Derivation, RuleDerivation, subgradients
from .kernel import build_kernel, rule_function
from .printing import text
from .templating import render

_SUBGRADIENT = {
    "first": "at the kink {lhs} = {rhs}, `{cond}` holds, so that branch's derivative is used",
    "else": "at the kink {lhs} = {rhs}, `{cond}` is false, so the other branch's derivative is used",
    "sign0": "the derivative of |{cond}| at 0 is sign(0) = 0",
}


def subgradient_text(cond, rule) -> str:
    parts = dict(cond=text(cond))
    if rule != "sign0":
        parts.update(lhs=text(cond.lhs), rhs=text(cond.rhs))
    return _SUBGRADIENT[rule].format(**parts)


def _shape(dims) -> str:
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _forward_doc(d: Derivation) -> str:
    m = d.module
    index = ", ".join(str(i) for i in m.index)
    lhs = f"out[{index}]" if index else "out"
    lines = [f"{m.title}, forward: {lhs} = {text(m.forward)}"]
    if m.elementwise:
        lines.append("Elementwise: inputs of any shape (all the same shape), output of that shape.")
    else:
        shapes = ", ".join(f"{t.name} {_shape(t.dims)}" for t in m.inputs)
        lines.append(f"Shapes: {shapes} -> out {_shape(m.out_dims) if m.out_dims else 'scalar'}.")
    if m.params:
        lines.append("Parameters: " + ", ".join(f"{p.name}={p.default!r}" for p in m.params) + ".")
    return "\n".join(lines)


def _backward_doc(d: Derivation) -> str:
    lines = [f"{d.module.title}, vector-Jacobian products (derived by SymPy):"]
    for name, step in d.steps.items():
        idx = ", ".join(str(i) for i in step.index)
        lines.append(f"  d{name}[{idx}] = {text(step.vjp)}")
    for cond, rule in subgradients(d.module.forward):
        lines.append("Subgradient: " + subgradient_text(cond, rule) + ".")
    return "\n".join(lines)


def _rule_doc(rd: RuleDerivation) -> str:
    lines = [f"{rd.rule.title}: one step, elementwise over w (any shape).",
             f"  dL/dw = {text(rd.loss_grad)}   (grad = dC/dw, supplied)"]
    lines += [f"  {name} <- {text(e)}" for name, e in rd.updates]
    if rd.subgradient_at_zero:
        lines.append("Subgradient: sign(0) = 0, so a zero weight gets no L1 pull.")
    return "\n".join(lines)


def functions(items) -> list[tuple[str, str]]:
    """``(name, source)`` of every function, in order, with docstrings."""
    out = []
    for d in items:
        if isinstance(d, RuleDerivation):
            out.append((f"{d.rule.name}_step", rule_function(d).source(_rule_doc(d))))
            continue
        k = build_kernel(d)
        out.append((f"{d.module.name}_forward", k.forward.source(_forward_doc(d))))
        out.append((f"{d.module.name}_backward", k.backward.source(_backward_doc(d))))
        if d.module.helpers:
            helper = d.module.helpers.split("(")[0].replace("def ", "").strip()
            out.append((helper, d.module.helpers))
    return out


def module_source(items, title: str, extras=()) -> str:
    """Python source of a module defining every function of ``items`` (numpy only), then the
    ``(name, source)`` pairs of ``extras`` (schedules, initialisers)."""
    fns = functions(items) + list(extras)
    names = [d.rule.name if isinstance(d, RuleDerivation) else d.module.name for d in items]
    return render("symbp_nn.py.j2", title=title, version=__version__, modules=", ".join(names),
                  exports=", ".join(repr(n) for n, _ in fns),
                  functions=[src.rstrip("\n") for _, src in fns])


def load(d):
    """Compile the generated code of ``d``: ``f.forward(*args, **params)``, ``f.backward(dout, cache)``.

    For an update rule: ``f.step(w, grad, *state, **params)``.
    """
    if isinstance(d, RuleDerivation):
        source = module_source([d], title=d.rule.name)
        namespace: dict = {"np": np}
        exec(compile(source, f"<symbp generated: {d.rule.name}>", "exec"), namespace)  # noqa: S102
        return SimpleNamespace(step=namespace[f"{d.rule.name}_step"], source=source, name=d.rule.name)
    source = module_source([d], title=d.module.name)
    namespace: dict = {"np": np}
    exec(compile(source, f"<symbp generated: {d.module.name}>", "exec"), namespace)  # noqa: S102
    return SimpleNamespace(forward=namespace[f"{d.module.name}_forward"],
                           backward=namespace[f"{d.module.name}_backward"],
                           source=source, name=d.module.name)


__all__ = ["module_source", "load", "functions"]
