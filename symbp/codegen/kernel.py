"""kernel: Derivation -> numpy forward/backward source (the body that codegen lays out).

The forward and every VJP are stabilised (:mod:`symbp.stabilize`), lowered to array programs
(:mod:`symbp.tensorize`) and printed (:mod:`symbp.printing`). Verification executes the same
source, so what is checked is what ships.
"""
from __future__ import annotations

import keyword
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import sympy as sp

from ..derive import Derivation
from ..derive.index import in_range
from ..names import OUTPUT, UPSTREAM
from .compiled import compile_source, run_source
from .dtypes import WIDE, kind_of, wide_temps
from .printing import ArrayPrinter, ProgramPrinter, prepare_program
from ..spec import Module, size
from ..lower import ir
from ..lower.ir import depends_on
from ..lower.stabilize import is_mask, shifted_inputs, stabilize
from ..lower.tensorize import ArraySpec, Lowerer

OUT, DOUT = OUTPUT.code, UPSTREAM.code


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
    parts: tuple = field(default=(), compare=False, repr=False)
    helpers: tuple[tuple[str, str], ...] = ()  # (name, source) of what the functions call: _erf, _sigmoid

    @property
    def source(self) -> str:
        return self.forward.source() + "\n\n" + self.backward.source()

    def compile(self) -> dict:
        """Execute the generated source (ours, never user text) in a fresh namespace."""
        return run_source(_joined(self.helpers) + "\n\n" + self.source, self.name)


def module_helpers(m: Module) -> tuple[tuple[str, str], ...]:
    """``(name, source)`` of the plain Python a module ships (``_erf``, ``dropout_mask``)."""
    if not m.helpers:
        return ()
    return ((m.helpers.split("(")[0].replace("def ", "").strip(), m.helpers),)


def _joined(helpers) -> str:
    return "\n\n".join(source for _, source in helpers)


def _arrays(module: Module, shifted) -> dict[str, ArraySpec]:
    kind = "flat" if module.elementwise else "array"
    arrays = {t.name: ArraySpec(t.name, len(t.dims), kind) for t in module.inputs}
    for p in module.params:
        arrays[p.name] = ArraySpec(p.name, 0, "scalar")
    out_ndim = len(module.out_dims)
    if module.branches:
        arrays[UPSTREAM.symbol] = ArraySpec(DOUT, 1, "tuple")
    elif out_ndim == 0:
        arrays[UPSTREAM.symbol] = ArraySpec(DOUT, 0, "scalar")
    else:
        arrays[UPSTREAM.symbol] = ArraySpec(DOUT, out_ndim, kind)
    arrays[OUTPUT.symbol] = ArraySpec(OUT, out_ndim, kind)
    for base in shifted:
        t = module.input(str(base.label))
        arrays[f"{base.label}_max"] = ArraySpec(f"{base.label}_max", len(t.dims) - 1,
                                                layout=(True,) * (len(t.dims) - 1) + (False,)) \
            if len(t.dims) > 1 else ArraySpec(f"{base.label}_max", 0, "scalar")  # a vector's max
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


class _Program:
    """The forward and every VJP lowered into one program, so the backward can reuse what the
    forward computed (the shared temporaries travel in the cache)."""

    def __init__(self, module: Module, arrays: dict, rename: dict):
        flat = {size(t.dims[0]) for t in module.inputs} if module.elementwise else set()
        self.lowerer = Lowerer(arrays, flat_sizes=flat, prefix="_t")
        self.printer = ProgramPrinter(rename, scalars=_scalar_names(module, arrays),
                                      python_scalars=_python_scalar_names(module))
        self.names: list[str] = []
        self.ranks: list[int] = []
        self.broadcast: dict[str, str] = {}
        self.cast: dict[str, str] = {}  # integer-valued results (sums of masks): in ``like``'s dtype
        # a broadcast result's shape, where it is not its ``like``'s: a module's output, (B,) for
        # sum(softmax(X), axis=-1) of X (B, n)
        self.shapes: dict[str, tuple[str, ...]] = {}
        self.likes: dict[str, str | None] = {}
        # temporaries numpy computes wider than the inputs' float32: counts of masks (int64),
        # constants selected by a mask (np.where(c, 1.5, 2.5), 2.5*mask: float64)
        self.wide_temps: set = set()
        self.module, self.rename = module, rename
        self.constants = _python_scalar_names(module) | ({DOUT} if not module.out_dims else set())

    def add(self, name: str, expr: sp.Expr, target: tuple, sizes: dict, like: str | None = None):
        self.lowerer.bind_sizes(sizes)
        missing = [t for t in target if not expr.has(t)]
        if missing:
            self.broadcast[name] = like
        elif like and _integer_valued(expr):
            self.cast[name] = like
        result = self.lowerer.lower(expr, target, broadcast=bool(missing))  # unused axes: size 1
        if like and (result == 0 and target or self.lowerer.uncovered  # cancelled once lowered (Σ e/Σ e - 1)
                     or all(s.name in self.constants for s in result.free_symbols)):  # no array: a number
            self.broadcast[name] = like
        if name in self.broadcast and name == OUT and not self.module.elementwise:
            self.shapes[name] = tuple(self.rename.get(d, d) for d in self.module.out_dims)
        self.names.append(name)
        self.likes[name] = like
        self.ranks.append(0 if name in self.broadcast else len(target))

    def parts(self, split: int) -> tuple["_Part", "_Part", list[str]]:
        """The first ``split`` results and the rest, as two functions' bodies; and the names of
        the first part's temporaries that the second reads (they travel in the cache)."""
        stmts, results = prepare_program(self.lowerer.program, self.printer.scalars)
        self.printer.booleans |= {st.target.name for st in stmts
                                  if isinstance(st, ir.Assign) and is_mask(st.expr)}
        self.wide_temps = wide_temps(stmts, self.printer.booleans, self.constants)
        first = depends_on(stmts, results[:split])
        second = depends_on(stmts, results[split:]) - first
        b = _Part(self, [s for s in stmts if s.target in second], self.names[split:], results[split:])
        wanted = b.reads()
        exported = [st.target for st in stmts if st.target in first and st.target.name in wanted]
        a = _Part(self, [s for s in stmts if s.target in first], self.names[:split], results[:split],
                  exported=frozenset(exported))
        return a, b, [t.name for t in exported]


class _Part:
    """Statements and named results of one printed function; ``exported`` targets are read by
    the other function (through the cache), so each must be assigned under its own name."""

    def __init__(self, program: _Program, stmts, names, results, exported=frozenset()):
        self.program, self.stmts, self.result_names, self.results = program, stmts, names, results
        self.exported = exported

    def reads(self) -> set[str]:
        """Names this function reads: statement operands, results and broadcast templates."""
        names = {x.name for s in self.stmts for x in s.deps()}
        names |= {x.name for r in self.results for x in r.free_symbols}
        names |= {self.program.broadcast[n] for n in self.result_names if n in self.program.broadcast}
        names |= {d for n in self.result_names for d in self.program.shapes.get(n, ())}
        names |= {self.program.likes[n] for n, r in zip(self.result_names, self.results) if self._counts(n, r)}
        return names

    def _counts(self, name: str, result) -> bool:
        """The result reads a count (a sum of masks, int64), so it is cast to its input's dtype."""
        return bool(self.program.likes.get(name)) and name not in self.program.broadcast \
            and name not in self.program.cast \
            and kind_of(result, self.program.printer.booleans, self.program.constants,
                      self.program.wide_temps) == WIDE

    def _uses(self) -> Counter:
        """How many times each symbol is read by the statements and the results."""
        uses: Counter = Counter()
        for st in self.stmts:
            uses.update(st.deps())
        for r in self.results:
            uses.update(x for x in sp.preorder_traversal(r) if isinstance(x, sp.Symbol))
        return uses

    def _users(self) -> dict:
        """Statement target -> indices of the results that need it."""
        users = {st.target: set() for st in self.stmts}
        for k, r in enumerate(self.results):
            for target in depends_on(self.stmts, [r]):
                users[target].add(k)
        return users

    def _takeovers(self, code: dict) -> tuple[dict, dict]:
        """Results that take over a statement: ``taken`` (statement target -> result index) and
        ``tails`` (result index -> the terms added in place after the taken statement)."""
        p = self.program.printer
        layouts = self.program.lowerer.program.layouts
        uses = self._uses()
        fresh = {st.target for st in self.stmts if isinstance(st, (ir.Contract, ir.Reduce, ir.Assign))
                 and st.target in layouts and st.target not in self.exported}
        taken, tails = {}, {}
        for k, r in enumerate(self.results):
            if r in code and r not in self.exported and uses[r] == 1 and r not in taken:
                taken[r] = k
            elif isinstance(r, sp.Add) and self.program.ranks[k] and p.inplace:
                head = next((a for a in r.args if a in fresh and uses[a] == 1 and a not in taken
                             and len(layouts[a]) == self.program.ranks[k] and all(layouts[a])), None)
                if head is not None:
                    taken[head] = k
                    tails[k] = p._print(sp.Add(*[a for a in r.args if a != head]))
        return taken, tails

    def lines(self, needs: list[int] | None = None) -> list[str]:
        """Statements then results.

        A result that is one fresh temporary takes over its definition; ``fresh + rest`` adds in
        place into the fresh array. With ``needs`` (the positional index of each result), work
        only some results use is guarded by ``needs[k]`` and an unneeded result is ``None``.
        """
        p = self.program.printer
        for st in self.stmts:
            if isinstance(st, ir.Assign) and p._is_scalar(st.expr):
                p.scalars.add(st.target.name)
        code = {st.target: p._print(st) for st in self.stmts}
        taken, tails = self._takeovers(code)
        users = self._users()
        everyone = set(range(len(self.results)))
        lines: list[str] = []
        last_guard = None
        for st in self.stmts:
            if st.target in taken:
                continue
            guard = users[st.target] if needs is not None else everyone
            text = f"{p._print(st.target)} = {code[st.target]}"
            if guard == everyone or not guard:
                lines.append(text)
                last_guard = None
                continue
            if guard != last_guard:
                lines.append("if " + " or ".join(f"needs[{needs[k]}]" for k in sorted(guard)) + ":")
                last_guard = guard
            lines.append("    " + text)
        by_result = {k: t for t, k in taken.items()}
        for k, (name, r) in enumerate(zip(self.result_names, self.results)):
            like = self.program.broadcast.get(name)
            value = code[by_result[k]] if k in by_result else p._print(r)
            if like:
                shape = self.program.shapes.get(name)
                shape = f"np.shape({like})" if shape is None else \
                    "(" + ", ".join(shape) + ("," if len(shape) == 1 else "") + ")"
                value = f"np.broadcast_to({value}, {shape}).astype(np.result_type({like}))"
            elif name in self.program.cast:
                value = f"np.asarray({value}, dtype=np.result_type({self.program.cast[name]}))"
            elif self._counts(name, r):
                # a count (a sum of masks: int64) times a float32 array is float64 in numpy
                value = f"np.asarray({value}, dtype=np.result_type({self.program.likes[name]}))"
            body = [f"{name} = {value}"] + ([f"{name} += {tails[k]}"] if k in tails else [])
            if needs is None:
                lines += body
            elif len(body) == 1:
                lines.append(f"{body[0]} if needs[{needs[k]}] else None")
            else:
                lines += [f"if needs[{needs[k]}]:"] + ["    " + b for b in body] + ["else:", f"    {name} = None"]
        return lines


def _integer_valued(e: sp.Expr) -> bool:
    """Whole numbers at every point (masks, their sums and integer multiples), which numpy would
    compute as ints or bools: read off the tree in one walk (SymPy's ``is_integer`` can run for
    minutes on a deep composition)."""
    if e.is_Integer or isinstance(e, sp.Symbol):
        return bool(e.is_integer)  # a size; an array element or a parameter is real
    if isinstance(e, (sp.Add, sp.Mul)):
        return all(_integer_valued(a) for a in e.args)
    if isinstance(e, sp.Pow):
        return e.exp.is_Integer and e.exp >= 0 and _integer_valued(e.base)
    if isinstance(e, sp.Piecewise):
        return all(_integer_valued(p.expr) for p in e.args)
    if isinstance(e, sp.Sum):
        return _integer_valued(e.function)
    return False


def _scalar_names(module: Module, arrays: dict) -> set[str]:
    """Names that hold Python scalars at run time (parameters, sizes, a scalar ``dout``)."""
    return _python_scalar_names(module) | {spec.name for spec in arrays.values() if spec.kind == "scalar"}


def _python_scalar_names(module: Module) -> set[str]:
    """Names that are Python numbers at run time: parameters and sizes."""
    return {p.name for p in module.params} | {d for t in module.inputs for d in t.dims}


def _rename(module: Module) -> dict[str, str]:
    taken = {t.name for t in module.inputs} | {p.name for p in module.params} | {OUT, DOUT, "cache", "np"}
    sizes = {d for t in module.inputs for d in t.dims} | set(module.out_dims)
    return {d: (f"{d}_" if d in taken or keyword.iskeyword(d) else d) for d in sizes}


def _index_sizes(idx, dims) -> dict:
    return {i: size(d) for i, d in zip(idx, dims)}


@lru_cache(maxsize=None)
def build_kernel(d: Derivation) -> Kernel:
    """Print the forward and backward of ``d`` as numpy source."""
    m = d.module
    name = m.name
    forward = in_range(m.inline(m.forward))
    shifted = shifted_inputs(forward) | set().union(*(shifted_inputs(m.inline(v)) for v in d.vjp.values()))
    arrays = _arrays(m, shifted)
    rename = _rename(m)
    inputs = [t.name for t in m.inputs]
    params = [p.name for p in m.params]

    program = _Program(m, arrays, rename)
    out_index = m.index[1:] if m.branches else m.index
    program.add(OUT, stabilize(forward, shifted), out_index,
                _index_sizes(m.index, m.out_dims), like=inputs[0])
    for x in m.differentiable:
        step = d.steps[x.name]
        program.add(f"d{x.name}", stabilize(m.inline(step.vjp), shifted), step.index,
                    _index_sizes(step.index, x.dims), like=x.name)
    fwd, bwd, shared = program.parts(1)

    shift_names = [f"{b.label}_{w}" for b in sorted(shifted, key=str) for w in ("max", "shift")]
    bwd_reads = bwd.reads()
    cache = tuple(n for n in inputs + [OUT] + shift_names + params
                  if rename.get(n, n) in bwd_reads or n in bwd_reads) + tuple(shared)
    # sizes the backward needs but cannot read from its cache: keep their arrays in the cache
    readable = _size_code(m, cache)
    size_src = {dname: t.name for t in m.inputs for dname in t.dims}
    extra = [size_src[s] for s in _sizes_used(bwd_reads, m, rename) if s not in readable]
    cache = tuple(dict.fromkeys(cache + tuple(extra)))

    fwd_src = _print_forward(m, fwd, inputs, shifted, cache, rename)
    bwd_src = _print_backward(m, bwd, cache, rename)
    helpers = module_helpers(m) + program.printer.helper_sources()
    return Kernel(name, fwd_src, bwd_src, cache, parts=(fwd, bwd), helpers=helpers)


def _with_statistics(d: Derivation, name: str):
    """Lower the VJP with the module's statistics kept as named arrays (for display)."""
    m = d.module
    arrays = _arrays(m, set())
    arrays.update({st.name: ArraySpec(st.name, len(st.index)) for st in m.statistics})
    program = _Program(m, arrays, _rename(m))
    step = d.steps[name]
    program.add(f"d{name}", step.vjp, step.index, _index_sizes(step.index, step.input.dims),
                like=name)
    part, _, _ = program.parts(1)
    return part.stmts, part.results[0]


def matrix_parts(d: Derivation, name: str) -> tuple[list, sp.Expr]:
    """The statements and the result of the VJP for input ``name`` (the documents' matrix form
    translates them into SymPy matrix expressions)."""
    if d.module.statistics:
        return _with_statistics(d, name)
    fwd, bwd = build_kernel(d).parts
    result = bwd.results[bwd.result_names.index(f"d{name}")]
    stmts = fwd.stmts + bwd.stmts
    needed = depends_on(stmts, [result])
    return [st for st in stmts if st.target in needed], result


def _sizes_used(reads: set, m: Module, rename: dict) -> list[str]:
    sizes = {d for t in m.inputs for d in t.dims}
    return sorted(s for s in sizes if rename.get(s, s) in reads or s in reads)


def _size_lines(m: Module, reads: set, available, rename: dict) -> list[str]:
    code = _size_code(m, available)
    return [f"{rename.get(s, s)} = {code[s]}" for s in _sizes_used(reads, m, rename) if s in code]


def _print_forward(m: Module, fn: _Part, inputs, shifted, cache, rename) -> Function:
    sig = ", ".join(f"{n}=None" if n == m.identity_without else n for n in inputs)
    kw = [f"{p.name}={p.default!r}" for p in m.params]
    kw += [f"{n}={v!r}" for n, v in m.size_params]
    if kw:
        sig += ", *, " + ", ".join(kw)
    body = []
    if m.identity_without:  # eval mode: without this input the module is the identity
        body += [f"if {m.identity_without} is None:", f"    return {inputs[0]}, None"]
    body += _size_lines(m, fn.reads(), inputs, rename)
    for b in sorted(shifted, key=str):
        keep = "axis=-1, keepdims=True" if len(m.input(str(b.label)).dims) > 1 else ""
        body.append(f"{b.label}_max = {b.label}.max({keep})")
        body.append(f"{b.label}_shift = {b.label} - {b.label}_max")
    body += fn.lines()
    if m.branches:
        body.append(f"{OUT} = tuple({OUT} for _ in range({m.branches}))")
    cache_expr = "(" + ", ".join(cache) + ("," if len(cache) == 1 else "") + ")"
    body.append(f"return {OUT}, {cache_expr}")
    return Function(f"def {m.name}_forward({sig}):", _indent(body))


def _print_backward(m: Module, fn: _Part, cache, rename) -> Function:
    body = []
    if m.identity_without:
        passed = ", ".join(DOUT if k == 0 else "None" for k in range(len(m.inputs)))
        body += ["if cache is None:", f"    return ({passed})"]
    if cache:
        body.append(", ".join(cache) + ("," if len(cache) == 1 else "") + " = cache")
    if not m.out_dims:
        body.append(f"{DOUT} = float({DOUT})")
    body += _size_lines(m, fn.reads(), cache, rename)
    positions = [k for k, t in enumerate(m.inputs) if t.differentiable]
    guarded = len(positions) > 1
    body += fn.lines(needs=positions if guarded else None)
    grads = [f"d{t.name}" if t.differentiable else "None" for t in m.inputs]
    body.append("return (" + ", ".join(grads) + ("," if len(grads) == 1 else "") + ")")
    sig = f"{DOUT}, cache"
    if guarded:
        sig += ", needs=(" + ", ".join(str(t.differentiable) for t in m.inputs) + ")"
    return Function(f"def {m.name}_backward({sig}):", _indent(body))


def _indent(lines: list[str]) -> str:
    return "".join(f"    {line}\n" for line in lines)


def compile_expression(m: Module, expr: sp.Expr, target: tuple):
    """A numpy function ``f(**arrays)`` evaluating an index expression over ``target`` axes."""
    arrays = _arrays(m, set())
    program = _Program(m, arrays, _rename(m))
    program.add("value", expr, target, {}, like=m.inputs[0].name)
    fn, _, _ = program.parts(1)
    args = [t.name for t in m.inputs] + [p.name for p in m.params]
    body = _size_lines(m, fn.reads(), args, _rename(m)) + fn.lines() + ["return value"]
    src = f"def value_of({', '.join(args)}):\n" + _indent(body)
    helpers = module_helpers(m) + program.printer.helper_sources()
    return compile_source(_joined(helpers) + "\n\n" + src, "value_of")


def _flat_symbols(expr: sp.Expr) -> sp.Expr:
    """``w[i]`` -> ``w``: an elementwise expression over whole arrays."""
    return expr.xreplace({ix: sp.Symbol(str(ix.base.label)) for ix in expr.atoms(sp.Indexed)})


def step_function(fname: str, arrays: list[str], params: list[tuple[str, object]],
                  assignments, returns: list[str], inplace: bool = False) -> Function:
    """An elementwise function: ``name = expr`` lines in order, then ``return``.

    ``inplace``: an assignment to an argument ``a = c·a + r`` (``c`` scalar) becomes ``a *= c``
    and ``a += r`` — the array is updated where it lies, no fresh full-size temporaries for ``a``.
    """
    scalars = [n for n, _ in params]
    printer = ArrayPrinter(scalars=scalars)
    sig = ", ".join(arrays)
    if params:
        sig += ", *, " + ", ".join(f"{n}={v!r}" for n, v in params)
    body = []
    for name, e in assignments:
        e = stabilize(_flat_symbols(e), set())
        target = sp.Symbol(name)
        if not inplace or name not in arrays:
            body.append(f"{name} = {printer._print(e)}")
            continue
        coeff = sp.expand(e).coeff(target)
        if coeff.has(target) or not printer._is_scalar(coeff):
            body.append(f"{name}[...] = {printer._print(e)}")
            continue
        rest = e - coeff * target
        if rest.coeff(target) != 0 or rest.is_Add and any(t.has(target) and t.is_polynomial(target)
                                                          for t in rest.args):
            rest = sp.factor_terms(sp.expand(rest))
        if coeff != 1:
            body.append(f"{name} *= {printer._print(coeff)}")
        if rest != 0:
            neg = sp.factor_terms(-rest)
            if sp.count_ops(neg) < sp.count_ops(rest):
                body.append(f"{name} -= {printer._print(neg)}")
            else:
                body.append(f"{name} += {printer._print(rest)}")
    body.append("return " + ", ".join(returns))
    return Function(f"def {fname}({sig}):", _indent(body))


def step_function_source(*args) -> str:
    return step_function(*args).source()


def rule_function(rd) -> Function:
    """``NAME_step(w, grad, *state, **params)``: updates ``w`` and the state in place, returns them."""
    rule = rd.rule
    params = [(p.name, p.default) for p in rule.params]
    if rule.counter:
        params.append((rule.counter, 1))
    return step_function(f"{rule.name}_step", ["w", "grad", *rule.state], params,
                         rd.updates, ["w", *rule.state], inplace=True)


def rule_source(rd) -> str:
    return rule_function(rd).source()

