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

import sympy as sp

from .spec import Module, Tensor, UpdateRule, indices

UPSTREAM = "_g"
OUTPUT = "_y"
_INPUT_INDEX_POOL = "c j l p q s u v"


def in_range(expr: sp.Expr) -> sp.Expr:
    """Evaluate sums and deltas, keeping the branch valid inside the index bounds.

    ``Sum(...).doit()`` over Kronecker deltas yields ``Piecewise((e, 0 <= j <= n-1), (0, True))``;
    every index used here is in range by construction, so the first branch whose guard speaks only
    of integers is the value.
    """
    def is_bound(cond) -> bool:
        return cond is not sp.true and all(s.is_integer for s in cond.free_symbols)

    def guarded(e) -> bool:
        return isinstance(e, sp.Piecewise) and all(is_bound(p.cond) for p in e.args[:-1]) \
            and e.args[-1].cond is sp.true and len(e.args) > 1

    def sifting(e) -> bool:
        return isinstance(e, sp.Sum) and any(
            v in d.args for d in e.function.atoms(sp.KroneckerDelta) for v, *_ in e.limits)

    def in_bounds_dropped(pw):
        """Index-bound conjuncts are true by construction: ``(0 <= c) & (eps < σ)`` -> ``eps < σ``."""
        pairs = []
        for p in pw.args:
            cond = p.cond
            if isinstance(cond, sp.And):
                kept = [a for a in cond.args if not is_bound(a)]
                cond = sp.And(*kept) if kept else sp.true
            pairs.append((p.expr, cond))
        return sp.Piecewise(*pairs)

    for _ in range(8):
        new = expr.doit().replace(guarded, lambda e: e.args[0].expr)
        new = new.replace(lambda e: isinstance(e, sp.Piecewise), in_bounds_dropped)
        new = new.replace(sifting, lambda e: sum_out(e.function, e.limits))
        new = new.replace(lambda e: isinstance(e, sp.Sum) and not any(
            e.function.has(v) for v, *_ in e.limits), lambda e: e.doit())
        if new == expr:
            break
        expr = new
    return expr


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
class Derivation:
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


def kinks(expr: sp.Expr) -> tuple[sp.Expr, ...]:
    """Each Piecewise condition ``a > b`` and each ``Abs(a)`` gives a kink ``a - b`` / ``a``."""
    found = []
    for pw in expr.atoms(sp.Piecewise):
        for pair in pw.args:
            if isinstance(pair.cond, sp.core.relational.Relational):
                found.append(pair.cond.lhs - pair.cond.rhs)
    found += [a.args[0] for a in expr.atoms(sp.Abs)]
    return tuple(dict.fromkeys(k for k in found if not k.is_number))


def _elementary(expr: sp.Expr) -> bool:
    """Only arithmetic, ``exp`` and ``log``: an inverse worth printing."""
    return all(isinstance(f, (sp.exp, sp.log)) for f in expr.atoms(sp.Function))


def _hoist_deltas(expr: sp.Expr) -> sp.Expr:
    """``Piecewise((δ·a, c), (δ·b, True))`` -> ``δ · Piecewise((a, c), (b, True))``."""
    def hoist(pw):
        pw = sp.Piecewise(*[(_pull_out_of_sums(p.expr), p.cond) for p in pw.args])
        if not isinstance(pw, sp.Piecewise):
            return pw
        for d in sorted(pw.atoms(sp.KroneckerDelta), key=str):
            if all(p.expr == 0 or (p.expr / d).is_polynomial(d) and not (p.expr / d).has(d)
                   for p in pw.args):
                return d * sp.Piecewise(*[(p.expr / d, p.cond) for p in pw.args])
        return pw
    return expr.replace(lambda e: isinstance(e, sp.Piecewise), hoist)


def _pull_out_of_sums(expr: sp.Expr) -> sp.Expr:
    """Factors that do not depend on a sum's index leave it: ``Σ_k δ_ij f(k) = δ_ij Σ_k f(k)``."""
    def pull(s):
        (var, lo, hi), = s.limits if len(s.limits) == 1 else ((None, None, None),)
        if var is None:
            return s
        inside, outside = [], []
        for f in sp.Mul.make_args(s.function):
            (inside if f.has(var) else outside).append(f)
        return sp.Mul(*outside) * (sp.Sum(sp.Mul(*inside), s.limits[0]) if inside else hi - lo + 1)
    return sp.factor_terms(expr.replace(lambda e: isinstance(e, sp.Sum), pull))


def sum_out(expr: sp.Expr, ranges) -> sp.Expr:
    """``Σ`` of ``expr`` over ``ranges``, each Kronecker delta sifting its index away.

    ``Σ_i δ_ic f(i) = f(c)`` for ``c`` in range (every index here is); an index no term's
    delta names stays a genuine reduction, an index the term does not use multiplies by the size.
    """
    groups: dict[tuple, list] = {}
    for term in sp.Add.make_args(sp.expand(_hoist_deltas(expr), log=False, power_exp=False)):
        pending = []
        for var, lo, hi in ranges:
            delta = next((f for f in sp.Mul.make_args(term) if isinstance(f, sp.KroneckerDelta)
                          and var in f.args and not (f.args[0] + f.args[1] - var).has(var)), None)
            if delta is not None:
                other = delta.args[1] if delta.args[0] == var else delta.args[0]
                term = (term / delta).xreplace({var: other})
            elif term.has(var):
                pending.append((var, lo, hi))
            else:
                term = term * (hi - lo + 1)
        groups.setdefault(tuple(pending), []).append(term)
    total = sum((sp.Sum(sp.factor_terms(sp.Add(*ts)), *p) if p else sp.Add(*ts)
                 for p, ts in groups.items()), sp.S.Zero)
    total = total.replace(lambda e: isinstance(e, sp.Sum) and not any(
        e.function.has(v) for v, *_ in e.limits), lambda e: e.doit())  # Σ_k 1 = B
    total = total.replace(_branch_free_of_index, _sum_per_branch)
    return sp.factor_terms(merge_sums(sp.factor_terms(total)))


def _branch_free_of_index(e) -> bool:
    """``Σ_b Piecewise((a_b, c), …)`` whose conditions do not depend on ``b``."""
    return isinstance(e, sp.Sum) and isinstance(e.function, sp.Piecewise) and not any(
        p.cond.has(v) for p in e.function.args for v, *_ in e.limits)


def _sum_per_branch(e):
    """... = ``Piecewise((Σ_b a_b, c), …)``: each branch's sum then splits into reductions."""
    return sp.Piecewise(*[(sum_out(p.expr, e.limits), p.cond) for p in e.function.args])


def merge_sums(expr: sp.Expr) -> sp.Expr:
    """``a·Σ_i f + b·Σ_i h`` -> ``Σ_i (a·f + b·h)`` (same limits; ``a``, ``b`` free of ``i``)."""
    expr = expr.replace(lambda e: isinstance(e, sp.Add), lambda e: _merge_add(e))
    return expr


def _merge_add(add: sp.Add) -> sp.Expr:
    groups: dict = {}
    others = []
    for term in add.args:
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if len(sums) == 1:
            coeff = term / sums[0]
            if not any(coeff.has(v) for v, *_ in sums[0].limits):
                groups.setdefault(sums[0].limits, []).append(coeff * sums[0].function)
                continue
        others.append(term)
    if all(len(v) < 2 for v in groups.values()):
        return add
    merged = [sp.Sum(sp.factor_terms(sp.Add(*fs)), *lim) for lim, fs in groups.items()]
    return sp.Add(*(others + merged))


def _fresh_indices(module: Module, count: int) -> tuple[sp.Symbol, ...]:
    used = {s.name for s in module.forward.free_symbols} | {s.name for s in module.index}
    used |= {str(s) for s in module.forward.atoms(sp.Symbol)}
    pool = [s for s in indices(_INPUT_INDEX_POOL) if s.name not in used]
    return tuple(pool[:count])


def _output_form(module: Module, jac: sp.Expr) -> sp.Expr | None:
    """Rewrite ``jac`` in terms of the output ``y``, if SymPy can eliminate the inputs.

    Every sum in the forward is named; then, for each subexpression ``a`` of the forward that
    carries the output's last index, ``y = forward`` is solved for ``a`` and ``a`` is replaced
    everywhere (the last index generalised). Accepted when no input and no named sum remains.
    """
    forward = module.forward
    inputs = {t.base for t in module.inputs}
    if forward.has(sp.Piecewise) or not module.index or not any(jac.has(b) for b in inputs):
        return None
    if module.statistics:
        return _output_form_all_indices(module, jac)
    sums = {s: sp.Dummy(f"S{n}") for n, s in enumerate(sorted(forward.atoms(sp.Sum), key=str))}
    f_abs, jac_abs = forward.xreplace(sums), jac.xreplace(sums)
    last = module.index[-1]
    y = sp.IndexedBase(OUTPUT, real=True)
    Y = sp.Dummy("Y")
    wild = sp.Wild("w")
    best = None
    A = sp.Dummy("A")
    for cand in sorted(set(sp.preorder_traversal(f_abs)), key=lambda e: (sp.count_ops(e), str(e))):
        if not cand.has(last) or not any(cand.has(b) for b in inputs) or cand.is_Number:
            continue
        f_sub = f_abs.xreplace({cand: A})
        if any(f_sub.has(b) for b in inputs):
            continue
        try:
            sols = sp.solve(sp.Eq(Y, f_sub), A, dict=False)
        except (NotImplementedError, TypeError, ValueError):
            continue
        if len(sols) != 1 or not _elementary(sols[0]):
            continue
        y_el = y[module.index[:-1] + (wild,)]
        pattern = cand.xreplace({last: wild})
        value = sols[0].xreplace({Y: y[module.index]}).xreplace({last: wild})
        value = value.xreplace({y[module.index[:-1] + (last,)]: y_el})
        rewritten = jac_abs.replace(pattern, value)
        rewritten = sp.factor_terms(sp.simplify(rewritten))
        if any(rewritten.has(b) for b in inputs) or any(rewritten.has(d) for d in sums.values()) \
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


def _fold_statistics(module: Module, expr: sp.Expr) -> sp.Expr:
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
    y = sp.IndexedBase(OUTPUT, real=True)
    for s in expr.atoms(sp.Sum):
        with_y = s.replace(lambda e: isinstance(e, sp.Indexed) and e.base == y,
                           lambda e: module.forward.xreplace(dict(zip(module.index, e.indices))))
        inlined = sp.expand(module.inline(with_y).doit())
        inlined = _canonical_sums(inlined)
        if sp.simplify(inlined) == 0:
            zero[s] = sp.S.Zero
    return expr.xreplace(zero) if zero else expr


def _canonical_sums(expr: sp.Expr) -> sp.Expr:
    """Split sums over their terms, pull constant factors out and give every dummy one name."""
    dummy = sp.Symbol("_k", integer=True)
    for _ in range(3):
        expr = expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1,
                            lambda e: sp.Add(*[_pull_out_of_sums(sp.Sum(t, e.limits[0]))
                                               for t in sp.Add.make_args(sp.expand(e.function))]))
        expr = expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1,
                            lambda e: sp.Sum(e.function.xreplace({e.limits[0][0]: dummy}),
                                             (dummy, *e.limits[0][1:])))
        expr = sp.expand(expr)
    return expr


def _output_form_all_indices(module: Module, jac: sp.Expr) -> sp.Expr | None:
    """With statistics: solve ``y = f`` for the input element and replace it at any indices
    (``x_{kj} = y_{kj} s_j + m_j``), so that sums over the batch are rewritten too."""
    (x,) = [t for t in module.inputs if module.forward.has(t.base)][:1] or [None]
    if x is None:
        return None
    el = x.base[module.index]
    Y, A = sp.Dummy("Y"), sp.Dummy("A")
    try:
        sols = sp.solve(sp.Eq(Y, module.forward.xreplace({el: A})), A, dict=False)
    except (NotImplementedError, TypeError, ValueError):
        return None
    if len(sols) != 1:
        return None
    wilds = tuple(sp.Wild(f"w{k}") for k in range(len(module.index)))
    y = sp.IndexedBase(OUTPUT, real=True)
    value = sols[0].xreplace({Y: y[module.index]}).xreplace(dict(zip(module.index, wilds)))
    rewritten = _canonical_sums(sp.expand(jac.replace(x.base[wilds], value)))
    rewritten = rewritten.replace(lambda e: isinstance(e, sp.Sum) and not any(
        e.function.has(v) for v, *_ in e.limits), lambda e: e.doit())
    rewritten = sp.factor_terms(sp.expand(_drop_vanishing_sums(module, rewritten)))
    return None if rewritten.has(x.base) else rewritten


def _derive_input(module: Module, x: Tensor) -> InputDerivation:
    idx = _fresh_indices(module, len(x.dims))
    g = sp.IndexedBase(UPSTREAM, real=True)
    partial = total_derivative(module, module.forward, x[idx])
    jacobian = in_range(partial)
    ranges = module.ranges(module.index, module.out_dims)
    g_el = g[module.index] if module.index else sp.Symbol(UPSTREAM, real=True)

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


def derive(module: Module) -> Derivation:
    """Derive the Jacobian and VJP of every differentiable input of ``module``."""
    steps = {x.name: _derive_input(module, x) for x in module.differentiable}
    return Derivation(module, steps)


@dataclass(frozen=True, eq=False)
class RuleDerivation:
    """An update rule with ``∂L/∂w`` derived from its penalty.

    ``penalty_grad`` is ``∂R/∂w_i``; ``loss_grad`` is ``∂L/∂w_i = grad_i + ∂R/∂w_i`` where
    ``grad`` is the caller's ``∂C/∂w``; ``updates`` are the rule's steps with ``∂L/∂w_i``
    substituted; ``decay_form`` is the ``w`` update collected in ``w_i`` (weight decay).
    """

    rule: UpdateRule
    penalty_grad: sp.Expr
    loss_grad: sp.Expr
    updates: tuple[tuple[str, sp.Expr], ...]
    decay_form: sp.Expr | None

    @property
    def vjp(self) -> dict[str, sp.Expr]:
        return {"w": self.loss_grad}

    @property
    def subgradient_at_zero(self) -> bool:
        return self.penalty_grad.has(sp.sign)

    def __repr__(self) -> str:
        return f"<RuleDerivation {self.rule.name}: dL/dw_i = {self.loss_grad}>"


GRAD_C = "grad"


def derive_rule(rule) -> RuleDerivation:
    """``∂L/∂w_i`` from ``L = C + R`` by SymPy, then the rule's steps with it substituted."""
    from .catalog.updates import GRAD_L, i, w
    grad = sp.IndexedBase(GRAD_C, real=True)
    penalty_grad = in_range(sp.diff(rule.penalty, w[i])) if rule.penalty != 0 else sp.S.Zero
    loss_grad = grad[i] + penalty_grad
    updates = tuple((name, expr.xreplace({GRAD_L[i]: loss_grad})) for name, expr in rule.step)
    w_update = dict(updates)["w"]
    decay = None
    if penalty_grad != 0 and not penalty_grad.has(sp.sign):
        decay = sp.collect(sp.expand(w_update), [w[i], grad[i]])
    return RuleDerivation(rule, penalty_grad, loss_grad, updates, decay)


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
