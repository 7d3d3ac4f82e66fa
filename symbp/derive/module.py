"""derive: Module -> Derivation. Every derivative here comes out of SymPy.

For each differentiable input ``x`` the chain of steps the documents print is kept:

1. ``partial``  — ``∂y[out]/∂x[in]`` as SymPy's ``diff`` gives it (Kronecker deltas, sums);
2. ``jacobian`` — the same after ``doit`` with the index-bound guards removed (in-range branch);
3. ``jacobian_y`` — the Jacobian rewritten in terms of the forward output ``y`` where SymPy
   can eliminate the input entirely (sigmoid ``y(1-y)``, softmax ``y_i(δ_ij - y_j)``);
4. ``chain``   — the unevaluated chain-rule sum ``Σ_out g[out] · J``;
5. ``vjp``     — that sum evaluated: the vector-Jacobian product in index form.

A module's *statistics* (normalize's batch mean ``m``, variance ``v``, ``σ``, ``s = max(σ, ε)``)
stay symbols: the total derivative runs through each (``total_derivative``), sums SymPy proves
zero once they are inlined are dropped, and their definitions are folded back into their names.
"""
from __future__ import annotations

from dataclasses import dataclass

from functools import lru_cache

import sympy as sp

from ..names import OUTPUT, UPSTREAM
from ..spec import Module, Tensor, indices
from .result import Derived
from .index import CONSTANT_SUM, canonical_sums, check_structure, in_range, rewrite, sum_out


@dataclass(frozen=True)
class InputDerivation:
    """The derivation steps for one input (see the module docstring)."""

    input: Tensor
    index: tuple[sp.Symbol, ...]
    partial: sp.Expr
    jacobian: sp.Expr
    jacobian_y: sp.Expr | None
    chain: sp.Expr
    vjp_x: sp.Expr
    vjp_y: sp.Expr | None
    direct: sp.Expr | None = None  # with statistics: ∂f/∂x holding them fixed
    through: tuple = ()            # with statistics: (name, d stat / d x) for each

    @property
    def vjp(self) -> sp.Expr:
        """The VJP used downstream: in terms of the output where that form exists."""
        return self.vjp_y if self.vjp_y is not None else self.vjp_x


@dataclass(frozen=True, eq=False)
class Derivation(Derived):
    """A module's derivation: the steps for each differentiable input."""

    kind, subject_field = "module", "module"
    module: Module
    steps: dict[str, InputDerivation]

    @property
    def vjp(self) -> dict[str, sp.Expr]:
        return {name: s.vjp for name, s in self.steps.items()}

    @property
    def kinks(self) -> tuple[sp.Expr, ...]:
        """Points where the forward is not differentiable, as expressions that vanish there."""
        return kinks(self.module.forward) + tuple(
            k for s in self.module.statistics for k in kinks(s.expr))

    def __repr__(self) -> str:
        body = ", ".join(f"{k}: {v}" for k, v in self.vjp.items())
        return f"<Derivation {self.module.name}: {body}>"


_LOGIC = (sp.And, sp.Or, sp.Not, sp.Xor, sp.Implies, sp.Equivalent, sp.ITE)


def _condition_kinks(cond) -> list:
    """``a - b`` for every comparison ``a <op> b`` inside a condition (through And, Or, ITE…)."""
    if isinstance(cond, sp.core.relational.Relational):
        return [cond.lhs - cond.rhs]
    if isinstance(cond, _LOGIC):
        return [k for a in cond.args for k in _condition_kinks(a)]
    return []


def kinks(expr: sp.Expr) -> tuple[sp.Expr, ...]:
    """Where ``expr`` is not differentiable (or jumps), as expressions that vanish there: every
    comparison in a ``Piecewise`` condition (``And``/``Or``/``ITE`` included), every pair of
    ``Min``/``Max`` arguments, and the argument of ``Abs``, ``sign`` and ``Heaviside``. An index
    bound by a sum around the kink is a free index of the kink expression."""
    found = []
    for pw in expr.atoms(sp.Piecewise):
        for pair in pw.args:
            found += _condition_kinks(pair.cond)
    for mm in expr.atoms(sp.Min, sp.Max):
        found += [a - b for k, a in enumerate(mm.args) for b in mm.args[k + 1:]]
    found += [a.args[0] for a in expr.atoms(sp.Abs, sp.sign, sp.Heaviside)]
    unique = {k for k in found if not k.is_number}
    return tuple(sorted(unique, key=sp.default_sort_key))


def _power_domain(exponent: sp.Expr) -> str | None:
    """What a power asks of its base: a whole positive power nothing, a whole negative one a
    nonzero base (a denominator), any other (``sqrt``, ``x**alpha``) a positive base."""
    if exponent.is_integer:
        return "nonzero" if exponent.is_negative else None
    return "positive"


def singularities(expr: sp.Expr) -> tuple[tuple[sp.Expr, str], ...]:
    """Where ``expr`` is undefined or infinite, as ``(value, kind)``: kind ``"positive"`` for the
    argument of every ``log`` and the base of every power that is not whole (``sqrt``),
    ``"nonzero"`` for the base of every negative whole power (a denominator). A value inside a
    branch of a ``Piecewise`` matters only where that branch is taken: it comes as
    ``Piecewise((value, condition))``, undefined (NaN in numpy) elsewhere."""
    found = []

    def walk(e, guard):
        if isinstance(e, sp.Piecewise):
            earlier = []
            for value, cond in e.args:
                walk(cond, guard)
                walk(value, sp.And(guard, cond, *[sp.Not(c) for c in earlier]))
                earlier.append(cond)
            return
        kind = "positive" if isinstance(e, sp.log) else \
            _power_domain(e.exp) if isinstance(e, sp.Pow) else None
        if kind and not e.args[0].is_number:
            value = e.args[0]
            found.append((value if guard is sp.true else sp.Piecewise((value, guard)), kind))
        for a in e.args:
            walk(a, guard)
    walk(expr, sp.true)
    return tuple(sorted(set(found), key=sp.default_sort_key))


def _elementary(expr: sp.Expr) -> bool:
    """Only arithmetic, ``exp`` and ``log``: an inverse worth printing."""
    return all(isinstance(f, (sp.exp, sp.log)) for f in expr.atoms(sp.Function))


# the names an input's own indices take: the first ones the forward does not use
_INPUT_INDEX_POOL = "c j l p q s u v"


def _fresh_indices(module: Module, count: int) -> tuple[sp.Symbol, ...]:
    used = {s.name for s in module.forward.free_symbols} | {s.name for s in module.index}
    used |= {str(s) for s in module.forward.atoms(sp.Symbol)}
    pool = [s for s in indices(_INPUT_INDEX_POOL) if s.name not in used]
    return tuple(pool[:count])


# work bounds of the output-form search (never wall time: the result stays deterministic)
MAX_FORWARD_OPS = 60     # a larger forward is not searched: the plain derivative is kept
MAX_CANDIDATES = 16      # subexpressions of the forward tried, smallest first
MAX_SIMPLIFY_OPS = 80    # sp.simplify only on rewritten Jacobians at most this large


def invert(f: sp.Expr, a: sp.Symbol, y: sp.Expr) -> sp.Expr | None:
    """The unique ``a`` with ``y = f(a)``, peeled off layer by layer, when ``a`` occurs once in
    ``f`` and every layer is invertible (``+``, ``*``, ``exp``, ``log``, ``1/u``, non-integer
    powers); else ``None``. A bounded stand-in for ``sympy.solve`` (no polynomial solving, no
    Lambert W)."""
    if sp.count_ops(f) > MAX_FORWARD_OPS or list(sp.preorder_traversal(f)).count(a) != 1:
        return None
    while f != a:
        if isinstance(f, (sp.Add, sp.Mul)):
            inner = next(t for t in f.args if t.has(a))
            rest = f.func(*[t for t in f.args if t is not inner])
            if rest.has(a) or rest == 0:
                return None
            y = y - rest if isinstance(f, sp.Add) else y / rest
            f = inner
        elif isinstance(f, sp.Pow) and not f.exp.has(a) and f.exp.is_number \
                and (f.exp == -1 or not f.exp.is_integer):
            y, f = y ** (1 / f.exp), f.base
        elif isinstance(f, sp.exp):
            y, f = sp.log(y), f.args[0]
        elif isinstance(f, sp.log):
            y, f = sp.exp(y), f.args[0]
        else:
            return None
    return y


def _bounded_simplify(expr: sp.Expr) -> sp.Expr | None:
    """``factor_terms(simplify(expr))`` for small expressions only (``None`` for a large one)."""
    if sp.count_ops(expr) > MAX_SIMPLIFY_OPS:
        return None
    return sp.factor_terms(sp.simplify(expr))


def _output_form(module: Module, jac: sp.Expr) -> sp.Expr | None:
    """Rewrite ``jac`` in terms of the output ``y``, if SymPy can eliminate the inputs.

    Every sum in the forward is named; then, for each subexpression ``a`` of the forward that
    carries the output's last index, ``y = forward`` is solved for ``a`` (:func:`invert`) and
    ``a`` is replaced everywhere (the last index generalised). Accepted when no input and no named
    sum remains. The search is bounded by the size of the forward and a number of candidates.
    """
    forward = module.forward
    inputs = {t.base for t in module.inputs}
    if forward.has(sp.Piecewise) or not module.index or not any(jac.has(b) for b in inputs):
        return None
    if module.statistics:
        return _output_form_all_indices(module, jac)
    if sp.count_ops(forward) > MAX_FORWARD_OPS:
        return None
    sums = {s: sp.Dummy(f"S{n}", real=True) for n, s in enumerate(sorted(forward.atoms(sp.Sum), key=str))}
    f_abs, jac_abs = forward.xreplace(sums), jac.xreplace(sums)
    last = module.index[-1]
    y = OUTPUT.base
    Y = sp.Dummy("Y", real=True)
    wild = sp.Wild("w")
    best = None
    A = sp.Dummy("A", real=True)
    candidates = [c for c in sorted(set(sp.preorder_traversal(f_abs)), key=lambda e: (sp.count_ops(e), str(e)))
                  if c.has(last) and any(c.has(b) for b in inputs) and not c.is_Number]
    for cand in candidates[:MAX_CANDIDATES]:
        f_sub = f_abs.xreplace({cand: A})
        if any(f_sub.has(b) for b in inputs):
            continue
        solution = invert(f_sub, A, Y)
        if solution is None or not _elementary(solution):
            continue
        y_el = y[module.index[:-1] + (wild,)]
        pattern = cand.xreplace({last: wild})
        value = solution.xreplace({Y: y[module.index]}).xreplace({last: wild})
        value = value.xreplace({y[module.index[:-1] + (last,)]: y_el})
        replaced = jac_abs.replace(pattern, value)
        if any(replaced.has(b) for b in inputs) or any(replaced.has(d) for d in sums.values()):
            continue  # the inputs are not eliminated: nothing to simplify
        rewritten = _bounded_simplify(replaced)
        # a log left in y recovers the input from the output (log(expm1(y)) for softplus(exp(x))):
        # ill-conditioned where y saturates, so that form is not used
        if rewritten is None or rewritten.has(sp.log) or any(rewritten.has(b) for b in inputs) \
                or any(rewritten.has(d) for d in sums.values()) \
                or sp.count_ops(rewritten) > sp.count_ops(jac_abs):
            continue
        if best is None or sp.count_ops(rewritten) < sp.count_ops(best):
            best = rewritten
    return best


def total_derivative(module: Module, expr: sp.Expr, wrt: sp.Indexed) -> sp.Expr:
    """``d expr / d wrt`` through the module's statistics: ``∂e/∂x + Σ_q ∂e/∂m_q · dm_q/dx``."""
    out = sp.diff(expr, wrt)
    for stat in module.statistics:
        if not expr.has(stat.base):
            continue
        q = tuple(sp.Symbol(f"{i.name}_{stat.name}", integer=True) for i in stat.index)
        definition = stat.expr.xreplace(dict(zip(stat.index, q)))
        inner = total_derivative(module, definition, wrt)
        if inner == 0:
            continue
        inner = inner.subs(definition, stat.base[q])  # σ' = u'/(2 sqrt(u)): keep σ by name
        ranges = tuple((qi, 0, sp.Symbol(d, integer=True, positive=True) - 1)
                       for qi, d in zip(q, stat.dims))
        out += sp.Sum(sp.diff(expr, stat.base[q]) * inner, *ranges)
    return out


def _fold_statistics(module: Module, expr: sp.Expr, rounds: int = 3) -> sp.Expr:
    """Fold statistics back into their names until nothing changes (each round's ``factor_terms``
    can split a sum into the statistic's own definition: ``Σ_k (x_ki - m_i)`` -> ``Σ_k x_ki - B m_i``)."""
    for _ in range(rounds):
        folded = _fold_statistics_once(module, expr)
        if folded == expr:
            break
        expr = folded
    return expr


def _fold_statistics_once(module: Module, expr: sp.Expr) -> sp.Expr:
    """Write each statistic's definition back as its name: ``Σ_k x_ki / B`` -> ``m_i``."""
    for stat in module.statistics:
        wilds = tuple(sp.Wild(f"w{k}") for k in range(len(stat.index)))
        pattern = stat.expr.xreplace(dict(zip(stat.index, wilds)))
        expr = expr.replace(pattern, stat.base[wilds])
        if isinstance(stat.expr, sp.Pow):  # σ = v^(1/2): v^(-1/2) -> 1/σ
            base, power = stat.expr.args
            base_w = base.xreplace(dict(zip(stat.index, wilds)))

            def fold_power(e, base_w=base_w, power=power, stat=stat):
                found = e.base.match(base_w) if isinstance(e, sp.Pow) else None
                ratio = e.exp / power if found is not None else None
                if ratio is None or not ratio.is_integer:
                    return e
                return stat.base[tuple(found[w] for w in wilds)] ** ratio
            expr = expr.replace(lambda e: isinstance(e, sp.Pow), fold_power)
        sums = [f for f in sp.Mul.make_args(stat.expr) if isinstance(f, sp.Sum)]
        if len(sums) == 1 and stat.expr.is_Mul:  # m = S / B  ->  S = B m
            coeff = stat.expr / sums[0]
            expr = expr.replace(sums[0].xreplace(dict(zip(stat.index, wilds))),
                                stat.base[wilds] / coeff.xreplace(dict(zip(stat.index, wilds))))
    return sp.factor_terms(expr)


def _drop_vanishing_sums(module: Module, expr: sp.Expr) -> sp.Expr:
    """Replace each sum that SymPy proves zero once the statistics are inlined
    (``Σ_k (x_kj - m_j) = 0`` with ``m_j = Σ_k x_kj / B``)."""
    zero = {}
    y = OUTPUT.base
    for s in expr.atoms(sp.Sum):
        with_y = s.replace(lambda e: isinstance(e, sp.Indexed) and e.base == y,
                           lambda e: module.forward.xreplace(dict(zip(module.index, e.indices))))
        inlined = sp.expand(module.inline(with_y).doit())
        inlined = canonical_sums(inlined)
        if sp.count_ops(inlined) <= 4 * MAX_SIMPLIFY_OPS and sp.simplify(inlined) == 0:
            zero[s] = sp.S.Zero
    return expr.xreplace(zero) if zero else expr


def _output_form_all_indices(module: Module, jac: sp.Expr) -> sp.Expr | None:
    """With statistics: solve ``y = f`` for the input element and replace it at any indices
    (``x_{kj} = y_{kj} s_j + m_j``), so that sums over the batch are rewritten too."""
    (x,) = [t for t in module.inputs if module.forward.has(t.base)][:1] or [None]
    if x is None:
        return None
    el = x.base[module.index]
    Y, A = sp.Dummy("Y", real=True), sp.Dummy("A", real=True)
    solution = invert(module.forward.xreplace({el: A}), A, Y)
    if solution is None:
        return None
    wilds = tuple(sp.Wild(f"w{k}") for k in range(len(module.index)))
    y = OUTPUT.base
    value = solution.xreplace({Y: y[module.index]}).xreplace(dict(zip(module.index, wilds)))
    rewritten = canonical_sums(sp.expand(jac.replace(x.base[wilds], value)))
    rewritten = rewrite(rewritten, (CONSTANT_SUM,), rounds=1)
    rewritten = sp.factor_terms(sp.expand(_drop_vanishing_sums(module, rewritten)))
    return None if rewritten.has(x.base) else rewritten


def _derive_input(module: Module, x: Tensor) -> InputDerivation:
    idx = _fresh_indices(module, len(x.dims))
    g = UPSTREAM.base
    partial = total_derivative(module, module.forward, x[idx])
    jacobian = in_range(partial)
    ranges = module.ranges(module.index, module.out_dims)
    g_el = g[module.index] if module.index else UPSTREAM.scalar

    def chain_of(j):
        return sp.Sum(g_el * j, *ranges) if ranges else g_el * j

    if module.statistics:
        jacobian = _fold_statistics(module, _drop_vanishing_sums(module, jacobian))
    chain = chain_of(jacobian)
    vjp_x = sum_out(g_el * jacobian, ranges)
    jacobian_y = _output_form(module, jacobian)
    vjp_y = None
    if jacobian_y is not None:
        vjp_y = sum_out(g_el * jacobian_y, ranges)
        if sp.count_ops(vjp_y) > sp.count_ops(vjp_x) and not vjp_x.has(sp.Sum) and not vjp_x.has(sp.exp):
            vjp_y = None
    direct, through = None, ()
    if module.statistics:
        direct = sp.diff(module.forward, x[idx])
        through = tuple(
            (st.name, _fold_statistics(module, _drop_vanishing_sums(
                module, in_range(total_derivative(module, st.expr, x[idx])))))
            for st in module.statistics)
    return InputDerivation(x, idx, partial, jacobian, jacobian_y, chain, vjp_x, vjp_y,
                           direct, through)


@lru_cache(maxsize=512)  # modules are frozen values: one derivation each, however often asked
def derive_module(module: Module) -> Derivation:
    """Derive the Jacobian and VJP of every differentiable input of ``module``."""
    label = f"module {module.name}" + (f" ({module.source!r})" if module.source else "")
    check_structure(module.forward, module.index, f"the forward of {label}")
    steps = {x.name: _derive_input(module, x) for x in module.differentiable}
    for name, step in steps.items():
        check_structure(step.vjp, step.index, f"the VJP for {name} of {label}")
    return Derivation(module, steps)


def subgradients(expr: sp.Expr) -> tuple[tuple[sp.Expr, str], ...]:
    """How the derivative is defined where the forward is not differentiable.

    Each ``Piecewise`` branch on ``a > b`` (strict) takes the *other* branch's derivative at
    ``a = b``; ``a >= b`` takes its own. ``Abs`` has ``sign(0) = 0``. Returns ``(kink, rule)``
    with ``rule`` one of ``"first"`` (the guarded branch), ``"else"``, ``"sign0"``.
    """
    found = []
    for pw in sorted(expr.atoms(sp.Piecewise), key=str):
        cond = pw.args[0].cond
        if isinstance(cond, sp.core.relational.Relational):
            strict = isinstance(cond, (sp.StrictGreaterThan, sp.StrictLessThan))
            found.append((cond, "else" if strict else "first"))
    found += [(a.args[0], "sign0") for a in sorted(expr.atoms(sp.Abs), key=str)]
    return tuple(dict.fromkeys(found))
