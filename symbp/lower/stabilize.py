"""stabilize: rewrites applied to index-form expressions before they are printed.

Each rewrite is an identity, so the printed code computes the derived expression exactly; it only
changes *how* it is computed so that no intermediate overflows:

* log-sum-exp shifted by the max: every ``exp(x[..., j])`` of an input ``x`` that is summed over
  its last axis becomes ``exp(x_shift[..., j]) · exp(x_max[...])`` with
  ``x_shift = x - x_max``; the ``exp(x_max)`` factors then cancel in ratios and leave ``log``
  as ``x_max + log(Σ exp(x_shift))``;
* ``log(1 + exp(u))`` -> ``Softplus(u)`` (printed with ``np.logaddexp``), ``log(exp(u) - 1)``,
  ``log σ(u)``, ``log(1 - σ(u))`` likewise (:func:`stable_log`);
* ``exp(u)`` -> ``(1 - σ(-u)) / σ(-u)`` where that turns the expression into a polynomial in
  ``σ`` (``1/(1 + e^{-u})`` -> ``σ(u)``, ``e^{-u}/(1 + e^{-u})²`` -> ``σ(u)(1 - σ(u))``);
* a computed exponent summed over ``k`` (``log_softmax(x @ W.T)``, attention) shifted by its max
  over ``k`` (a ``MaxOver``, printed as ``.max(axis=…)``) in the same way;
* a denominator inside a ``Piecewise`` branch is guarded where the branch is not taken (numpy
  evaluates both sides of ``np.where``).
"""
from __future__ import annotations

import sympy as sp
from sympy.simplify.simplify import factor_sum

from .functions import Guard, MaxOver, Sigmoid, Softplus, Undefined


def shifted_inputs(expr: sp.Expr) -> set[sp.IndexedBase]:
    """Inputs ``x`` with some ``Σ_k exp(x[..., k] + u)·v`` in ``expr`` (``u`` free of ``k``, the
    exp a factor of the summand): the sums a shift by ``max_k x[..., k]`` keeps from overflowing."""
    found = set()
    for s in expr.atoms(sp.Sum):
        var = s.limits[0][0]
        # only an exp that is a factor of the summand: exp(x_max) then leaves the sum
        factors = [f for t in sp.Add.make_args(s.function) for f in sp.Mul.make_args(t)]
        for e in factors:
            if not isinstance(e, sp.exp):
                continue
            u = e.args[0]
            for ix in u.atoms(sp.Indexed):
                if ix.indices and ix.indices[-1] == var and not str(ix.base.label).startswith("_") \
                        and sp.diff(u, ix) == 1 and not (u - ix).has(var):
                    found.add(ix.base)
    return found


def shift_name(base: sp.IndexedBase, what: str) -> sp.IndexedBase:
    return sp.IndexedBase(f"{base.label}_{what}", real=True)


def _max_of(ix: sp.Indexed) -> sp.Expr:
    """``x_max[...]`` over the leading indices of ``ix`` (a scalar ``x_max`` for a vector)."""
    lead = ix.indices[:-1]
    return shift_name(ix.base, "max")[lead] if lead else sp.Symbol(f"{ix.base.label}_max", real=True)


def _split_exp(e: sp.exp) -> sp.Expr:
    """``exp(a + b)`` -> ``exp(a)·exp(b)`` over the terms of the argument only (``expand`` would
    also turn ``exp(Σ_p f_p)`` into ``Π_p exp(f_p)``, which has no array form)."""
    arg = e.args[0]
    return sp.Mul(*[sp.exp(t) for t in arg.args]) if isinstance(arg, sp.Add) else e


def shift_logsumexp(expr: sp.Expr, bases) -> sp.Expr:
    """Rewrite ``exp(x[..., j])`` as ``exp(x_shift[..., j]) · exp(x_max[...])`` and simplify."""
    if not bases:
        return expr

    reps = {ix: shift_name(ix.base, "shift")[ix.indices] + _max_of(ix)
            for ix in expr.atoms(sp.Indexed) if ix.base in bases}
    out = expr.xreplace(reps)
    out = out.replace(lambda e: isinstance(e, sp.exp), _split_exp)
    return sp.powsimp(_shift_out_of_sums(out))


def _shift_out_of_sums(expr: sp.Expr) -> sp.Expr:
    """``exp(M)`` factors out of the sums (``factor_sum``) and out of their logs: they cancel in
    ratios and leave ``log`` as ``M + log Σ …``."""
    out = expr.replace(lambda e: isinstance(e, sp.Sum), lambda e: factor_sum(e))
    out = sp.expand_log(out, force=True)
    return out.replace(lambda e: isinstance(e, sp.Sum), lambda e: factor_sum(e))


def _index_symbols(e) -> set:
    labels = {ix.base.label for ix in e.atoms(sp.Indexed)}
    return {s for s in e.free_symbols if s.is_integer and not s.is_positive and s not in labels}


def _plain_logits(u: sp.Expr) -> bool:
    """Logits the computed shift handles: sums, products and contractions of inputs (a linear
    map, ``Q Kᵀ/√d``), nothing exponential, logarithmic or divided by a sum."""
    return not u.has(sp.exp, sp.log, MaxOver, sp.Piecewise) and not any(
        p.exp.is_negative and p.base.has(sp.Sum) for p in u.atoms(sp.Pow))


def computed_exponents(expr: sp.Expr) -> list[tuple]:
    """``(u, k, lo, hi)`` for each ``Σ_k exp(u)·v`` that is a divisor or inside a ``log`` and whose
    exponent is computed (a contraction, a scaled input: not an input element the input shift
    already covers)."""
    found = []
    # only sums that are divided by or taken the log of: there exp(M) cancels or leaves the log
    shifted_sums = {e.base for e in expr.atoms(sp.Pow) if isinstance(e.base, sp.Sum) and e.exp.is_negative}
    shifted_sums |= {e.args[0] for e in expr.atoms(sp.log) if isinstance(e.args[0], sp.Sum)}
    for s in sorted(shifted_sums, key=sp.default_sort_key):
        if len(s.limits) != 1:
            continue
        var, lo, hi = s.limits[0]
        factors = [f for t in sp.Add.make_args(s.function) for f in sp.Mul.make_args(t)]
        for e in factors:
            u = e.args[0] if isinstance(e, sp.exp) else None
            if u is None or not u.has(var) or not _plain_logits(u) or any(
                    str(ix.base.label).endswith("_shift") for ix in u.atoms(sp.Indexed)):
                continue
            found.append((u, var, lo, hi))
    return list(dict.fromkeys(found))


def shift_computed_exponents(expr: sp.Expr) -> sp.Expr:
    """``exp(u_j)`` -> ``exp(u_j - M) · exp(M)`` with ``M = max_k u_k`` for every computed exponent
    summed over ``k`` (and the same exponent at any other index ``j``): the ``exp(M)`` factors
    leave the sums and cancel in ratios, ``log`` gives ``M + log Σ exp(u - M)``. Stand-in symbols
    hold both parts while SymPy cancels (it would merge ``exp(u - M)·exp(M)`` back otherwise)."""
    back = {}
    for u, var, lo, hi in computed_exponents(expr):
        bound = sp.Dummy(f"{var.name}_max", integer=True)
        top = MaxOver(u.xreplace({var: bound}), sp.Tuple(bound, lo, hi))
        free = tuple(sorted(_index_symbols(top), key=str))  # M's own indices: it stays inside
        top_mark = sp.IndexedBase(sp.Dummy("M"), real=True)[free] if free else sp.Dummy("M", real=True)
        back[top_mark] = top                                   # the sums over them

        shift = sp.IndexedBase(sp.Dummy("shift"), real=True)  # u - M, indexed like u

        def shifted(e, u=u, var=var, top=top, top_mark=top_mark, shift=shift):
            arg = e.args[0]
            for j in sorted(_index_symbols(arg), key=str):
                if u.xreplace({var: j}) == arg:
                    mark = shift[(j,) + tuple(sorted(_index_symbols(arg) - {j}, key=str))]
                    back[mark] = arg - top
                    return sp.exp(mark) * sp.exp(top_mark)
            return e
        expr = expr.replace(lambda e: isinstance(e, sp.exp), shifted)
    return _shift_out_of_sums(expr).xreplace(back) if back else expr


MAX_FACTOR_OPS = 150  # sigmoid forms are searched (cancel, factor) in bodies at most this large


def _one_plus_exp(e) -> sp.Expr | None:
    """``u`` if ``e`` is ``1 + exp(u)``."""
    if isinstance(e, sp.Add) and len(e.args) == 2 and 1 in e.args:
        other = e.args[0] if e.args[1] == 1 else e.args[1]
        return other.args[0] if isinstance(other, sp.exp) else None
    return None


def _positive_plus_exp(e) -> tuple[sp.Expr, sp.Expr] | None:
    """``(c, u)`` if ``e`` is ``c + exp(u)`` with a positive number ``c`` other than 1."""
    if isinstance(e, sp.Add) and len(e.args) == 2:
        c, other = sorted(e.args, key=lambda a: not a.is_number)
        if c.is_number and c.is_positive and c != 1 and isinstance(other, sp.exp):
            return c, other.args[0]
    return None


def _exp_minus_one(e) -> sp.Expr | None:
    """``u`` if ``e`` is ``exp(u) - 1``."""
    if isinstance(e, sp.Add) and len(e.args) == 2 and -1 in e.args:
        other = e.args[0] if e.args[1] == -1 else e.args[1]
        return other.args[0] if isinstance(other, sp.exp) else None
    return None


def _log_of_positive(factor) -> sp.Expr | None:
    """``log`` of ``exp(u)`` or ``(1 + exp(u))**k`` without overflow; ``None`` for other factors."""
    base, k = factor.as_base_exp() if isinstance(factor, sp.Pow) and factor.exp.is_number else (factor, 1)
    if isinstance(base, sp.exp):
        return k * base.args[0]
    u = _one_plus_exp(base)
    return k * Softplus(u) if u is not None else None


def stable_log(e: sp.log) -> sp.Expr:
    """``log`` of one ``exp`` shape, rewritten so that nothing overflows:

    ========================================  =========================================
    ``log(1 + exp(u))``                       ``Softplus(u)``
    ``log(exp(u) - 1)``                       ``u + log(1 - exp(-u))`` (``log(expm1(u))``)
    ``log(c + exp(u))``, ``c > 0``            ``log c + Softplus(u - log c)``
    ``log(Π exp(uᵢ) (1 + exp(vⱼ))^kⱼ)``       ``Σ uᵢ + Σ kⱼ Softplus(vⱼ)`` (``log σ(z)``, ``log(1 - σ(z))``)
    ========================================  =========================================
    """
    arg = e.args[0]
    u = _one_plus_exp(arg)
    if u is not None:
        return Softplus(u)
    u = _exp_minus_one(arg)
    if u is not None:
        return u + sp.log(1 - sp.exp(-u))
    pair = _positive_plus_exp(arg)
    if pair is not None:  # log(c + exp(u)) = log c + softplus(u - log c): softplus(softplus(x))
        c, u = pair
        return sp.log(c) + Softplus(u - sp.log(c))
    if not arg.has(sp.exp) or sp.count_ops(arg) > MAX_FACTOR_OPS // 4:
        return e
    sums, opaque = _masks(arg)
    together = sp.together(arg.xreplace(sums))
    parts = [_log_of_positive(f) for f in sp.Mul.make_args(together)]
    if len(parts) < 2 and not isinstance(together, sp.Pow) or any(p is None for p in parts):
        return e
    return sp.Add(*parts).xreplace(opaque)


def _masks(expr) -> tuple[dict, dict]:
    """Each sum of ``expr`` -> a stand-in symbol, and back: algebra treats a sum as one value and
    never reaches inside it (where its index is bound)."""
    sums = {e: sp.Dummy(f"S{k}", real=True) for k, e in enumerate(sorted(expr.atoms(sp.Sum), key=sp.default_sort_key))}
    return sums, {v: k for k, v in sums.items()}


def _cancelling_exp(m) -> tuple[sp.Expr, sp.Expr] | None:
    """``(exp(b), A)`` for a product with a factor ``exp(b)`` and a sum ``A`` holding an
    ``exp(a)`` that ``b`` cancels (``a + b`` shorter than ``a``, or free of it)."""
    if not isinstance(m, sp.Mul) or sp.count_ops(m) > MAX_FACTOR_OPS:
        return None
    for e in (f for f in m.args if isinstance(f, sp.exp)):
        for add in (f for f in m.args if isinstance(f, sp.Add)):
            for a in (x.args[0] for t in add.args for x in sp.Mul.make_args(t) if isinstance(x, sp.exp)):
                both = sp.expand(a + e.args[0])
                if _nodes(both) < _nodes(a) or not both.has(a):
                    return e, add
    return None


def _nodes(e: sp.Expr) -> int:
    return sum(1 for _ in sp.preorder_traversal(e))


def cancel_exp_products(expr: sp.Expr) -> sp.Expr:
    """``(exp(a) - c)·exp(-a)`` -> ``1 - c·exp(-a)``: an exp that overflows multiplied into the
    exp that divides it (derivatives in terms of the output ``y`` write them apart)."""
    def rewrite(m):
        e, add = _cancelling_exp(m)
        rest = sp.Mul(*[f for f in m.args if f is not e and f is not add])
        return rest * sp.Add(*[sp.powsimp(t * e, combine="exp") for t in add.args])
    return expr.replace(lambda m: _cancelling_exp(m) is not None, rewrite)


def stable_elementwise(expr: sp.Expr) -> sp.Expr:
    """Softplus and sigmoid forms of ``exp`` that cannot overflow."""
    expr = cancel_exp_products(expr)
    expr = expr.replace(lambda e: isinstance(e, sp.log), stable_log)
    expr = _sigmoid_atoms(expr)
    expr = expr.replace(lambda e: isinstance(e, sp.Sum),
                        lambda e: sp.Sum(_sigmoid_forms(e.function), *e.limits))
    return _sigmoid_forms(expr)


def _bounded_in(e: sp.Expr, s: sp.Symbol) -> bool:
    """Finite for every ``s`` in (0, 1): ``s`` under no negative power and no ``log`` (a
    polynomial in ``s``, times ``exp(-s)`` or ``σ(s)`` of a nested sigmoid)."""
    return not any(p.base.has(s) and not (p.exp.is_number and p.exp.is_nonnegative)
                   for p in e.atoms(sp.Pow)) and not any(f.has(s) for f in e.atoms(sp.log))


def _sigmoid_atoms(expr: sp.Expr) -> sp.Expr:
    """``(1 + exp(-u))^-k`` -> ``σ(u)^k`` wherever it stands (inside another function too):
    ``sigmoid(sigmoid(x))`` then never computes ``exp(-x)`` alone."""
    def atom(p):
        u = _one_plus_exp(p.base)
        return Sigmoid(-u) ** -p.exp if u is not None else p
    return expr.replace(lambda e: isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp < 0, atom)


def _sigmoid_forms(expr: sp.Expr) -> sp.Expr:
    """``exp(u)`` -> ``(1 - σ(-u)) / σ(-u)`` where the result is bounded in ``σ`` (a polynomial).

    Only ``exp`` atoms free of the indices of sums inside ``expr`` are tried (those sums were
    rewritten on their own): a stand-in symbol for ``exp(u_k)`` would otherwise be factored out
    of the ``Σ_k`` that binds ``k``."""
    if sp.count_ops(expr) > MAX_FACTOR_OPS:
        return expr
    free = expr.free_symbols
    sums, opaque = _masks(expr)
    for atom in sorted(expr.atoms(sp.exp), key=str):
        if atom not in expr.atoms(sp.exp) or not atom.free_symbols <= free:
            continue
        u = atom.args[0]
        s = sp.Dummy("s", real=True)
        masked = expr.xreplace(sums).xreplace({atom.xreplace(sums): (1 - s) / s,
                                               sp.exp(-u).xreplace(sums): s / (1 - s),
                                               Sigmoid(-u).xreplace(sums): s,
                                               Sigmoid(u).xreplace(sums): 1 - s})
        trial = sp.factor(sp.cancel(masked)).xreplace(opaque)
        others = {a for a in trial.atoms(sp.exp) if not a.has(s)}
        if not _bounded_in(trial, s) or trial.has(sp.Product) \
                or not others <= expr.atoms(sp.exp) - {atom, sp.exp(-u)}:
            continue
        # 1 - σ(-u) is σ(u): written so, it keeps its precision where σ(-u) is near 1
        expr = trial.xreplace({1 - s: Sigmoid(u), s - 1: -Sigmoid(u)}).xreplace({s: Sigmoid(-u)})
    return expr


_NOT_FINITE = (sp.zoo, sp.oo, -sp.oo, sp.nan)


def undefined_branches(expr: sp.Expr) -> sp.Expr:
    """A ``Piecewise`` branch whose value is not finite (``zoo`` from ``1/relu(u)`` where
    ``u ≤ 0``, where the forward is ``log(0)``) becomes :class:`Undefined`: NaN there."""
    def undefine(pw):
        return sp.Piecewise(*[(Undefined() if any(p.expr.has(v) for v in _NOT_FINITE) else p.expr,
                               p.cond) for p in pw.args])
    return expr.replace(lambda e: isinstance(e, sp.Piecewise)
                        and any(p.expr.has(v) for p in e.args for v in _NOT_FINITE), undefine)


def guard_branches(expr: sp.Expr) -> sp.Expr:
    """``Piecewise((k/u, c), …)`` -> ``Piecewise((k/Guard(c, u), c), …)``: numpy evaluates every
    branch, so a denominator, a root's or a log's argument is replaced by 1 where its branch is
    not taken (no 1/0, no sqrt(-1): NaN·0 is NaN; same value where taken)."""
    def guard(pw):
        pairs = []
        for p in pw.args:
            if p.cond is sp.true:
                pairs.append((p.expr, p.cond))
                continue
            safe = p.expr.replace(
                lambda e: isinstance(e, sp.Pow) and (e.exp.is_negative or not e.exp.is_integer)
                and e.base.has(sp.Indexed) and not e.base.is_positive
                and not (e.exp.is_nonnegative and e.base.is_nonnegative),
                lambda e, c=p.cond: sp.Pow(Guard(c, e.base), e.exp))
            # sqrt(-X) or log(u) where the branch is not taken is NaN, and NaN·0 is NaN
            safe = safe.replace(
                lambda e: isinstance(e, sp.log) and e.args[0].has(sp.Indexed) and not e.args[0].is_positive,
                lambda e, c=p.cond: sp.log(Guard(c, e.args[0])))
            pairs.append((safe, p.cond))
        return sp.Piecewise(*pairs)
    return expr.replace(lambda e: isinstance(e, sp.Piecewise), guard)


def is_mask(e) -> bool:
    """A 0/1 ``Piecewise``: printed as a numpy boolean array."""
    return isinstance(e, sp.Piecewise) and all(p.expr in (0, 1) for p in e.args)


def distribute_masks(expr: sp.Expr) -> sp.Expr:
    """``g·(m₁ + m₂)`` -> ``g·m₁ + g·m₂`` for 0/1 masks ``mᵢ``: numpy adds boolean arrays as a
    logical or (``True + True`` is ``True``), so masks are only ever multiplied."""
    def has_mask_sum(e) -> bool:
        return isinstance(e, sp.Mul) and any(
            isinstance(a, sp.Add) and sum(1 for t in a.args if is_mask(t)) >= 1
            and sum(1 for t in a.args if is_mask(t) or t.is_number) >= 2 for a in e.args)
    return expr.replace(has_mask_sum, sp.expand_mul)


def exp_of_sums(expr: sp.Expr) -> sp.Expr:
    """``Product(exp(a_p), p)`` -> ``exp(Sum(a_p, p))``: SymPy sometimes writes an exponential of a
    sum as a product of exponentials (a condition of where(exp(V @ W) < …, …)), which the array
    program has no node for (the product's index leaked: ValueError at load)."""
    return expr.replace(lambda e: isinstance(e, sp.Product) and isinstance(e.function, sp.exp),
                        lambda e: sp.exp(sp.Sum(e.function.args[0], *e.limits)))


def stabilize(expr: sp.Expr, bases) -> sp.Expr:
    expr = exp_of_sums(expr)
    shifted = shift_computed_exponents(shift_logsumexp(undefined_branches(expr), bases))
    return distribute_masks(guard_branches(stable_elementwise(shifted)))
