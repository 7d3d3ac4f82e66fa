"""codegen: Derivations -> one standalone numpy module (Jinja2 lays out the printed kernels)."""
from __future__ import annotations

from types import SimpleNamespace

from ..derive import Derivation, RuleDerivation, dispatch, subgradients
from ..expr import shape_text
from ..templating import render
from ..version import __version__
from .compiled import run_source
from .kernel import build_kernel, rule_function
from .printing import text

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


def _forward_doc(d: Derivation) -> str:
    m = d.module
    index = ", ".join(str(i) for i in m.index)
    lhs = f"out[{index}]" if index else "out"
    lines = [f"{m.title}, forward: {lhs} = {text(m.forward)}"]
    if m.elementwise:
        lines.append("Elementwise: inputs of any shape (all the same shape), output of that shape.")
    else:
        shapes = ", ".join(f"{t.name} {shape_text(t.dims)}" for t in m.inputs)
        lines.append(f"Shapes: {shapes} -> out {shape_text(m.out_dims) if m.out_dims else 'scalar'}.")
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


def _module_functions(d: Derivation) -> list[tuple[str, str]]:
    k = build_kernel(d)
    return [(f"{d.name}_forward", k.forward.source(_forward_doc(d))),
            (f"{d.name}_backward", k.backward.source(_backward_doc(d)))] + list(k.helpers)


def _rule_functions(rd: RuleDerivation) -> list[tuple[str, str]]:
    return [(f"{rd.name}_step", rule_function(rd).source(_rule_doc(rd)))]


_FUNCTIONS = {"module": _module_functions, "rule": _rule_functions}


def functions(items) -> list[tuple[str, str]]:
    """``(name, source)`` of every function, in order, with docstrings; a helper several
    modules call (``_sigmoid``) once, where it is first needed."""
    named = {}
    for d in items:
        for name, source in dispatch(_FUNCTIONS, d, "functions")(d):
            named.setdefault(name, source)
    return list(named.items())


def module_source(items, title: str, extras=()) -> str:
    """Python source of a module defining every function of ``items`` (numpy only), then the
    ``(name, source)`` pairs of ``extras`` (schedules, initialisers)."""
    fns = functions(items) + list(extras)
    names = [d.name for d in items]
    return render("symbp_nn.py.j2", title=title, version=__version__, modules=", ".join(names),
                  exports=", ".join(repr(n) for n, _ in fns),
                  functions=[src.rstrip("\n") for _, src in fns])


def load_one(d) -> SimpleNamespace:
    """Compile the generated code of a module or rule derivation: ``f.forward(*args, **params)``,
    ``f.backward(dout, cache)``; for an update rule ``f.step(w, grad, *state, **params)``."""
    source = module_source([d], title=d.name)
    namespace = run_source(source, d.name)
    if d.kind == "rule":
        return SimpleNamespace(step=namespace[f"{d.name}_step"], source=source, name=d.name)
    return SimpleNamespace(forward=namespace[f"{d.name}_forward"],
                           backward=namespace[f"{d.name}_backward"], source=source, name=d.name)
