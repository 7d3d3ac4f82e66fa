"""kernel: Derivation -> numpy forward/backward source (the body that codegen lays out).

The forward and every VJP are stabilised (:mod:`symbp.stabilize`), lowered to array programs
(:mod:`symbp.tensorize`) and printed (:mod:`symbp.printing`). Verification executes the same
source, so what is checked is what ships.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from .derive import OUTPUT, UPSTREAM, Derivation, in_range
from .printing import ArrayPrinter, print_program
from .spec import Module, size
from .stabilize import shifted_inputs, stabilize
from .tensorize import ArraySpec, Lowerer

OUT, DOUT = "out", "dout"


@dataclass(frozen=True)
class Function:
    """A printed function: its ``def`` line and its indented body."""

    header: str
    body: str

    def source(self, doc: str = "") -> str:
        doc_block = _indent(['"""' + doc.replace("\n", "\n    ") + '"""']) if doc else ""
        return self.header + "\n" + doc_block + self.body


@dataclass(frozen=True)
class Kernel:
    """Printed numpy functions of one derivation.

    ``forward`` is ``{name}_forward(*inputs, **params) -> (out, cache)``;
    ``backward`` is ``{name}_backward(dout, cache) -> tuple``.
    """

    name: str
    forward: Function
    backward: Function
    cache: tuple[str, ...]

    @property
    def source(self) -> str:
        return self.forward.source() + "\n\n" + self.backward.source()

    def compile(self) -> dict:
        """Execute the generated source (ours, never user text) in a fresh namespace."""
        namespace: dict = {"np": np}
        exec(compile(self.source, f"<symbp:{self.name}>", "exec"), namespace)  # noqa: S102
        return namespace


def _arrays(module: Module, shifted) -> dict[str, ArraySpec]:
    kind = "flat" if module.elementwise else "array"
    arrays = {t.name: ArraySpec(t.name, len(t.dims), kind) for t in module.inputs}
    for p in module.params:
        arrays[p.name] = ArraySpec(p.name, 0, "scalar")
    out_ndim = len(module.out_dims)
    if module.branches:
        arrays[UPSTREAM] = ArraySpec(DOUT, 1, "tuple")
    elif out_ndim == 0:
        arrays[UPSTREAM] = ArraySpec(DOUT, 0, "scalar")
    else:
        arrays[UPSTREAM] = ArraySpec(DOUT, out_ndim, kind)
    arrays[OUTPUT] = ArraySpec(OUT, out_ndim, kind)
    for base in shifted:
        t = module.input(str(base.label))
        arrays[f"{base.label}_max"] = ArraySpec(f"{base.label}_max", len(t.dims) - 1)
        arrays[f"{base.label}_shift"] = ArraySpec(f"{base.label}_shift", len(t.dims))
    return arrays


def _size_code(module: Module, available) -> dict[str, str]:
    """Size name -> expression reading it off an available array (an input or its shift)."""
    code = {}
    sources = [(t.name, t) for t in module.inputs] + [(f"{t.name}_shift", t) for t in module.inputs]
    for name, t in sources:
        if name not in available:
            continue
        for axis, d in enumerate(t.dims):
            if d not in code and d not in dict(module.size_params):
                code[d] = f"{name}.size" if module.elementwise else f"{name}.shape[{axis}]"
    return code


class _Function:
    """One printed function: lowering, printing and the names it reads."""

    def __init__(self, module: Module, arrays: dict, rename: dict):
        flat = {size(t.dims[0]) for t in module.inputs} if module.elementwise else set()
        self.lowerer = Lowerer(arrays, flat_sizes=flat, prefix="_t")
        self.module = module
        self.printer = ArrayPrinter(rename)
        self.results: list[tuple[str, sp.Expr]] = []
        self.broadcast: dict[str, str] = {}

    def add(self, name: str, expr: sp.Expr, target: tuple, sizes: dict, like: str | None = None):
        self.lowerer.bind_sizes(sizes)
        missing = [t for t in target if not expr.has(t)]
        if missing:
            target = tuple(t for t in target if t not in missing)
            self.broadcast[name] = like
        self.lowerer.lower(expr, target)
        self.results.append((name, expr))

    def lines(self) -> tuple[list[str], list[str]]:
        return print_program(self.lowerer.program, self.printer)

    def names(self) -> set[str]:
        """Every free symbol name the printed program reads."""
        prog = self.lowerer.program
        names = set()
        for s in prog.stmts:
            for a in s.args:
                if isinstance(a, sp.Basic):
                    names |= {x.name for x in a.free_symbols}
        for r in prog.results:
            names |= {x.name for x in r.free_symbols}
        return names


def _rename(module: Module) -> dict[str, str]:
    taken = {t.name for t in module.inputs} | {p.name for p in module.params} | {OUT, DOUT, "cache", "np"}
    sizes = {d for t in module.inputs for d in t.dims} | set(module.out_dims)
    return {d: (f"{d}_" if d in taken or keyword.iskeyword(d) else d) for d in sizes}


def _index_sizes(module: Module, idx, dims) -> dict:
    return {i: size(d) for i, d in zip(idx, dims)}


@lru_cache(maxsize=None)
def build_kernel(d: Derivation) -> Kernel:
    """Print the forward and backward of ``d`` as numpy source."""
    m = d.module
    name = m.name
    forward = in_range(m.forward)
    shifted = shifted_inputs(forward) | set().union(*(shifted_inputs(v) for v in d.vjp.values()))
    arrays = _arrays(m, shifted)
    rename = _rename(m)
    inputs = [t.name for t in m.inputs]
    params = [p.name for p in m.params]

    # forward
    fwd = _Function(m, arrays, rename)
    out_index = m.index[1:] if m.branches else m.index
    fwd.add(OUT, stabilize(forward, shifted), out_index,
            _index_sizes(m, m.index, m.out_dims), like=inputs[0])
    # backward
    bwd = _Function(m, arrays, rename)
    for x in m.differentiable:
        step = d.steps[x.name]
        bwd.add(f"d{x.name}", stabilize(step.vjp, shifted), step.index,
                _index_sizes(m, step.index, x.dims), like=x.name)

    shift_names = [f"{b.label}_{w}" for b in sorted(shifted, key=str) for w in ("max", "shift")]
    bwd_reads = bwd.names()
    cache = tuple(n for n in inputs + [OUT] + shift_names + params
                  if rename.get(n, n) in bwd_reads or n in bwd_reads)
    # sizes the backward needs but cannot read from its cache: keep their arrays in the cache
    readable = _size_code(m, cache)
    size_src = {dname: t.name for t in m.inputs for dname in t.dims}
    extra = [size_src[s] for s in _sizes_used(bwd_reads, m, rename) if s not in readable]
    cache = tuple(dict.fromkeys(cache + tuple(extra)))

    fwd_src = _print_forward(m, fwd, inputs, shifted, cache, rename)
    bwd_src = _print_backward(m, bwd, cache, rename)
    return Kernel(name, fwd_src, bwd_src, cache)


def _sizes_used(reads: set, m: Module, rename: dict) -> list[str]:
    sizes = {d for t in m.inputs for d in t.dims}
    return sorted(s for s in sizes if rename.get(s, s) in reads or s in reads)


def _size_lines(m: Module, reads: set, available, rename: dict) -> list[str]:
    code = _size_code(m, available)
    return [f"{rename.get(s, s)} = {code[s]}" for s in _sizes_used(reads, m, rename) if s in code]


def _body(fn: _Function) -> list[str]:
    """Statements then results; a result that is one temporary takes over its definition."""
    stmts, exprs = fn.lines()
    text = "\n".join(stmts + exprs)
    lines = list(stmts)
    for (name, _), code in zip(fn.results, exprs):
        like = fn.broadcast.get(name)
        if like:
            code = f"np.broadcast_to({code}, np.shape({like})).astype(np.result_type({like}))"
        elif re.fullmatch(r"_t\d+", code) and len(re.findall(rf"\b{code}\b", text)) == 2:
            lines = [f"{name} = " + ln.split(" = ", 1)[1] if ln.startswith(f"{code} = ") else ln
                     for ln in lines]
            continue
        lines.append(f"{name} = {code}")
    return lines


def _print_forward(m: Module, fn: _Function, inputs, shifted, cache, rename) -> Function:
    sig = ", ".join(inputs)
    kw = [f"{p.name}={p.default!r}" for p in m.params]
    kw += [f"{n}={v!r}" for n, v in m.size_params]
    if kw:
        sig += ", *, " + ", ".join(kw)
    body = _size_lines(m, fn.names(), inputs, rename)
    for b in sorted(shifted, key=str):
        body.append(f"{b.label}_max = np.max({b.label}, axis=-1)")
        body.append(f"{b.label}_shift = {b.label} - {b.label}_max[..., None]")
    body += _body(fn)
    if m.branches:
        body.append(f"{OUT} = tuple({OUT} for _ in range({m.branches}))")
    cache_expr = "(" + ", ".join(cache) + ("," if len(cache) == 1 else "") + ")"
    body.append(f"return {OUT}, {cache_expr}")
    return Function(f"def {m.name}_forward({sig}):", _indent(body))


def _print_backward(m: Module, fn: _Function, cache, rename) -> Function:
    body = []
    if cache:
        body.append(", ".join(cache) + ("," if len(cache) == 1 else "") + " = cache")
    if not m.out_dims:
        body.append(f"{DOUT} = float({DOUT})")
    body += _size_lines(m, fn.names(), cache, rename)
    body += _body(fn)
    grads = [f"d{t.name}" if t.differentiable else "None" for t in m.inputs]
    body.append("return (" + ", ".join(grads) + ("," if len(grads) == 1 else "") + ")")
    return Function(f"def {m.name}_backward({DOUT}, cache):", _indent(body))


def _indent(lines: list[str]) -> str:
    return "".join(f"    {line}\n" for line in lines)


def compile_expression(m: Module, expr: sp.Expr, target: tuple):
    """A numpy function ``f(**arrays)`` evaluating an index expression over ``target`` axes."""
    arrays = _arrays(m, set())
    fn = _Function(m, arrays, _rename(m))
    fn.add("value", expr, target, {}, like=m.inputs[0].name)
    reads = fn.names()
    args = [t.name for t in m.inputs] + [p.name for p in m.params]
    body = _size_lines(m, reads, args, _rename(m)) + _body(fn) + ["return value"]
    src = f"def value_of({', '.join(args)}):\n" + _indent(body)
    namespace: dict = {"np": np}
    exec(compile(src, f"<symbp:{m.name}:value>", "exec"), namespace)  # noqa: S102
    return namespace["value_of"]


def _flat_symbols(expr: sp.Expr) -> sp.Expr:
    """``w[i]`` -> ``w``: an elementwise expression over whole arrays."""
    return expr.xreplace({ix: sp.Symbol(str(ix.base.label)) for ix in expr.atoms(sp.Indexed)})


def step_function(fname: str, arrays: list[str], params: list[tuple[str, object]],
                  assignments, returns: list[str]) -> Function:
    """An elementwise function: ``name = expr`` lines in order, then ``return``."""
    printer = ArrayPrinter()
    sig = ", ".join(arrays)
    if params:
        sig += ", *, " + ", ".join(f"{n}={v!r}" for n, v in params)
    body = [f"{name} = {printer._print(stabilize(_flat_symbols(e), set()))}" for name, e in assignments]
    body.append("return " + ", ".join(returns))
    return Function(f"def {fname}({sig}):", _indent(body))


def step_function_source(*args) -> str:
    return step_function(*args).source()


def rule_function(rd) -> Function:
    """``NAME_step(w, grad, *state, **params)`` returning the new ``w`` (and state)."""
    rule = rd.rule
    params = [(p.name, p.default) for p in rule.params]
    if rule.counter:
        params.append((rule.counter, 1))
    return step_function(f"{rule.name}_step", ["w", "grad", *rule.state], params,
                         rd.updates, ["w", *rule.state])


def rule_source(rd) -> str:
    return rule_function(rd).source()


def compile_source(src: str, name: str):
    namespace: dict = {"np": np}
    exec(compile(src, f"<symbp:{name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]
