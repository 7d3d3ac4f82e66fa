"""derive.index: rewrites of index-form expressions — Kronecker deltas sifted, sums split and
merged, index-bound guards dropped. Every rewrite is an identity for indices in range."""
from __future__ import annotations

import sympy as sp


class DerivationError(RuntimeError):
    """An internal error: a derived expression is malformed (a bug in symbp, never bad input)."""


def structural_problems(expr: sp.Expr, free=()) -> list[str]:
    """What is wrong with the shape of an index expression whose free indices are ``free``:
    a summation index used outside the sum that binds it, a Kronecker delta left between two
    indices (a VJP has every delta sifted)."""
    problems = []
    labels = {b.label for b in expr.atoms(sp.IndexedBase)}
    escaped = sorted(s.name for s in expr.free_symbols
                     if isinstance(s, sp.Symbol) and s.is_integer and not s.is_positive
                     and s not in labels and s not in set(free))
    if escaped:
        problems.append(f"index {', '.join(escaped)} is used outside the sum that binds it")
    deltas = sorted(str(d) for d in expr.atoms(sp.KroneckerDelta)
                    if all(isinstance(a, sp.Symbol) for a in d.args))
    if deltas:
        problems.append(f"Kronecker delta {', '.join(deltas)} between indices survives")
    return problems


def check_structure(expr: sp.Expr, free, what: str) -> None:
    """Raise :class:`DerivationError` naming ``what`` if ``expr`` is malformed."""
    problems = structural_problems(expr, free)
    if problems:
        raise DerivationError(f"internal error: {what}: {'; '.join(problems)} in {expr} "
                              "(a bug in symbp; please report it with the expression)")


# -- the index rewrite rules: (what it does, where it applies, the rewrite) ---------------------
def _is_index_condition(cond) -> bool:
    """A condition on indices only (``0 <= j``, ``j <= n - 1``): true by construction here."""
    return cond is not sp.true and all(s.is_integer for s in cond.free_symbols)


def is_sifting_sum(e) -> bool:
    """``Σ_i … δ_ic …``: a sum over a Kronecker delta of its own index."""
    return isinstance(e, sp.Sum) and any(
        v in d.args for d in e.function.atoms(sp.KroneckerDelta) for v, *_ in e.limits)


def sift(e: sp.Sum) -> sp.Expr:
    return sum_out(e.function, e.limits)


def is_index_guarded(e) -> bool:
    """``Piecewise((e, 0 <= j <= n-1), (0, True))``, as ``Sum.doit()`` leaves deltas."""
    return isinstance(e, sp.Piecewise) and len(e.args) > 1 and e.args[-1].cond is sp.true \
        and all(_is_index_condition(p.cond) for p in e.args[:-1])


def first_branch(e: sp.Piecewise) -> sp.Expr:
    return e.args[0].expr


def has_index_conjuncts(e) -> bool:
    return isinstance(e, sp.Piecewise) and any(
        isinstance(p.cond, sp.And) and any(_is_index_condition(c) for c in p.cond.args) for p in e.args)


def drop_index_conjuncts(pw: sp.Piecewise) -> sp.Expr:
    """``(0 <= c) & (eps < σ)`` -> ``eps < σ``: index-bound conjuncts are true by construction."""
    pairs = []
    for p in pw.args:
        cond = p.cond
        if isinstance(cond, sp.And):
            kept = [a for a in cond.args if not _is_index_condition(a)]
            cond = sp.And(*kept) if kept else sp.true
        pairs.append((p.expr, cond))
    return sp.Piecewise(*pairs)


def is_constant_sum(e) -> bool:
    """A sum whose body uses none of its indices: ``Σ_k c = B c``."""
    return isinstance(e, sp.Sum) and not any(e.function.has(v) for v, *_ in e.limits)


def evaluate_constant_sum(e: sp.Sum) -> sp.Expr:
    return e.doit()


SIFT = ("a delta sifts its own sum", is_sifting_sum, sift)
IN_RANGE = ("an index guard holds in range", is_index_guarded, first_branch)
INDEX_CONJUNCTS = ("index-bound conjuncts hold", has_index_conjuncts, drop_index_conjuncts)
CONSTANT_SUM = ("a sum whose body lacks its index", is_constant_sum, evaluate_constant_sum)

IN_RANGE_RULES = (SIFT, IN_RANGE, INDEX_CONJUNCTS, SIFT, CONSTANT_SUM)


def rewrite(expr: sp.Expr, rules, rounds: int = 8) -> sp.Expr:
    """Apply ``rules`` (``(name, applies, rewrite)``) in order, round after round, until nothing
    changes or ``rounds`` are done: the one driver of every index rewrite."""
    for _ in range(rounds):
        new = expr
        for _name, applies, rule in rules:
            new = new.replace(applies, rule)
        if new == expr:
            break
        expr = new
    return expr


def in_range(expr: sp.Expr) -> sp.Expr:
    """Evaluate sums and deltas, keeping the branch valid inside the index bounds (every index
    used here is in range by construction). SymPy's ``Sum.doit`` is not used: its delta summation
    mishandles a delta under a branch (``Σ_i δ_ci f_i`` with ``f`` a ``Piecewise`` becomes
    ``B·δ_{c,B-1} f_{B-1}``) and it tries closed forms of every other sum (seconds on chains of
    matrix products)."""
    return rewrite(expr, IN_RANGE_RULES)


def _hoist_deltas(expr: sp.Expr) -> sp.Expr:
    """``Piecewise((δ·a + c, p), (δ·b + d, True))`` -> ``δ · Piecewise((a, p), (b, True)) +
    Piecewise((c, p), (d, True))``: a delta linear in every branch leaves the branches."""
    def split(pw, d):
        """``(with_delta, rest)`` of a Piecewise linear in the delta ``d``, or ``None``."""
        mark = sp.Dummy("delta", real=True)
        slopes, rests = [], []
        for p in pw.args:
            e = p.expr.xreplace({d: mark})
            if e.has(d) or not e.is_polynomial(mark) or sp.degree(e, mark) > 1:
                return None
            slope = sp.diff(e, mark)
            slopes.append((slope, p.cond))
            rests.append((e.xreplace({mark: 0}), p.cond))
        return sp.Piecewise(*slopes), sp.Piecewise(*rests)

    def hoist(pw):
        pw = sp.Piecewise(*[(pull_out_of_sums(p.expr), p.cond) for p in pw.args])
        out = sp.S.Zero
        for d in sorted(pw.atoms(sp.KroneckerDelta), key=str):
            if not isinstance(pw, sp.Piecewise):
                break
            parts = split(pw, d)
            if parts is not None:
                slope, pw = parts
                out += d * (hoist(slope) if isinstance(slope, sp.Piecewise) else slope)
        return out + pw
    return expr.replace(lambda e: isinstance(e, sp.Piecewise), hoist)


def pull_out_of_sums(expr: sp.Expr) -> sp.Expr:
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


def lift_deltas(expr: sp.Expr) -> sp.Expr:
    """Kronecker deltas free of a sum's indices leave it: ``Σ_s δ_ci f(s) = δ_ci Σ_s f(s)``
    (split over the terms of the summand first), so that an outer sum can sift them."""
    def liftable(term, bound):
        return [f for f in sp.Mul.make_args(term)
                if isinstance(f, sp.KroneckerDelta) and not f.free_symbols & bound]

    def lift(s):
        bound = {v for v, *_ in s.limits}
        # out of the branches first (building Σ_j δ·Piecewise would fold δ back in)
        terms = sp.Add.make_args(_hoist_deltas(s.function))
        if not any(liftable(t, bound) for t in terms):
            return s
        out = []
        for t in terms:
            deltas = sp.Mul(*liftable(t, bound))
            out.append(deltas * sp.Sum(t / deltas, *s.limits))
        return sp.Add(*out)
    return expr.replace(lambda e: isinstance(e, sp.Sum), lift)


def delta_terms(expr: sp.Expr) -> tuple:
    """The terms of ``expr`` with products distributed only as far as the Kronecker deltas need:
    every factor without a delta stays whole, so ``(x_j - m)(x_p - m)`` stays centred (no
    cancellation) and ``(x + 1)**100`` is never expanded."""
    whole: dict = {}

    def mask(e):
        if not e.has(sp.KroneckerDelta):
            return whole.setdefault(e, sp.Dummy(f"w{len(whole)}", real=True))
        if isinstance(e, (sp.Add, sp.Mul)):
            return e.func(*[mask(a) for a in e.args])
        return e
    expanded = sp.expand(mask(expr), log=False, power_exp=False, power_base=False, multinomial=False)
    back = {d: e for e, d in whole.items()}
    return tuple(t.xreplace(back) for t in sp.Add.make_args(expanded))


def sum_out(expr: sp.Expr, ranges) -> sp.Expr:
    """``Σ`` of ``expr`` over ``ranges``, each Kronecker delta sifting its index away.

    ``Σ_i δ_ic f(i) = f(c)`` for ``c`` in range (every index here is); an index no term's
    delta names stays a genuine reduction, an index the term does not use multiplies by the size.
    """
    groups: dict[tuple, list] = {}
    expr = _hoist_deltas(expr)
    expr = lift_deltas(expr) if expr.has(sp.KroneckerDelta) else expr
    for term in delta_terms(expr):
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
    total = rewrite(total, (CONSTANT_SUM,), rounds=1)  # Σ_k 1 = B
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


def canonical_sums(expr: sp.Expr) -> sp.Expr:
    """Split sums over their terms, pull constant factors out and give every dummy one name."""
    dummy = sp.Symbol("_k", integer=True)
    for _ in range(3):
        expr = expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1,
                            lambda e: sp.Add(*[pull_out_of_sums(sp.Sum(t, e.limits[0]))
                                               for t in sp.Add.make_args(sp.expand(e.function))]))
        expr = expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1,
                            lambda e: sp.Sum(e.function.xreplace({e.limits[0][0]: dummy}),
                                             (dummy, *e.limits[0][1:])))
        expr = sp.expand(expr)
    return expr
