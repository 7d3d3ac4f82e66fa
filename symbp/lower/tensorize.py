"""tensorize: index-form SymPy expressions -> a straight-line array program.

An index expression ``y[b, i] = Σ_k W[i, k] x[b, k] + bias[i]`` names every element; numpy wants
whole arrays. Lowering walks the expression once and emits statements over arrays:

The statements are the typed nodes of :mod:`symbp.lower.ir` (``View``, ``Assign``, ``Reduce``,
``Contract``, ``OneHot``, ``Gather``, ``Item``, ``TupleSum``).

Every array symbol has a *layout*: one flag per axis, ``True`` for a real axis and ``False`` for
a kept size-1 axis. A lowered node is ``(expr, labels, leaves)``: an elementwise SymPy expression
over array symbols, the index labels of its axes, and for each array symbol the labels of its real
axes. Leaves are right-aligned to ``labels`` as numpy broadcasting aligns them.
"""
from __future__ import annotations

import itertools
from collections import Counter
import math
from dataclasses import dataclass, field

import sympy as sp

from . import ir
from .functions import MaxOver
from .ir import Assign, Contract, Gather, Item, OneHot, Reduce, TupleSum, View


class LoweringError(ValueError):
    """The expression has a form the array program cannot express."""


@dataclass
class Program:
    """Statements in dependency order and the results as elementwise expressions."""

    stmts: list[ir.Node] = field(default_factory=list)
    results: list[sp.Expr] = field(default_factory=list)
    layouts: dict = field(default_factory=dict)
    shapes: dict = field(default_factory=dict)  # matmul target -> (left, right, out) sizes


@dataclass(frozen=True)
class ArraySpec:
    """How an ``IndexedBase`` maps to a runtime value.

    ``kind``: ``"array"`` (axes = the indices), ``"flat"`` (one index for every element,
    any shape), ``"tuple"`` (a tuple of arrays whose first index enumerates the tuple),
    ``"scalar"``.
    """

    name: str
    ndim: int
    kind: str = "array"
    layout: tuple | None = None  # axis flags when some axes are kept size-1 (keepdims)


Lowered = tuple  # (expr, labels, leaves)


class Lowerer:
    """Lowers index expressions into one shared :class:`Program` (statements are memoised)."""

    def __init__(self, arrays: dict[str, ArraySpec], flat_sizes=(), prefix: str = "t"):
        self.arrays = arrays
        self.flat_sizes = set(flat_sizes)
        self.program = Program()
        self.symbols = {label: sp.Symbol(spec.name, real=True) for label, spec in arrays.items()}
        for label, spec in arrays.items():
            ndim = {"array": spec.ndim, "flat": 1, "tuple": 1}.get(spec.kind, 0)
            self.program.layouts[self.symbols[label]] = spec.layout or (True,) * ndim
        self._memo: dict = {}
        self._sizes: dict = {}
        self._opaque: dict = {}
        self._count = 0
        self._prefix = prefix
        self.order: list = []
        self.uncovered: list = []

    # -- statements ---------------------------------------------------------------------------
    def _emit(self, node: type[ir.Node], layout: tuple, **operands) -> sp.Symbol:
        key = (node, tuple(operands.items()))
        if key in self._memo:
            return self._memo[key]
        sym = sp.Symbol(f"{self._prefix}{self._count}", real=True)
        self._count += 1
        self.program.stmts.append(node(sym, **operands))
        self.program.layouts[sym] = layout
        self._memo[key] = sym
        return sym

    def layout(self, sym) -> tuple:
        return self.program.layouts[sym]

    # -- entry point --------------------------------------------------------------------------
    def lower(self, expr: sp.Expr, target: tuple, broadcast: bool = False) -> sp.Expr:
        """Lower ``expr`` so that its axes are ``target``; return the elementwise result.
        ``broadcast``: indices of ``target`` that ``expr`` does not use stay axes of size 1."""
        self.order = list(target)
        e, labels, leaves = self._lower(split_masks(sp.sympify(expr)))
        missing = [t for t in target if t not in labels]
        if missing and not broadcast and e != 0:  # 0: terms that cancelled once lowered
            raise LoweringError(f"result does not depend on index {missing[0]}")
        # axes of target that no array left in the result carries (Σ_j e_j/Σ_k e_k cancelled
        # to 1 once lowered): the caller broadcasts the result to its shape
        kept = set().union(*(leaves[s] for s in e.free_symbols if s in leaves))
        self.uncovered = [t for t in target if t not in kept]
        e, _ = self._align(e, labels, leaves, tuple(target))
        self.program.results.append(e)
        return e

    # -- recursion ----------------------------------------------------------------------------
    def _lower(self, e) -> Lowered:
        if e in self._opaque:
            return self._opaque[e]
        if isinstance(e, sp.Indexed):
            return self._indexed(e)
        if isinstance(e, sp.Sum):
            return self._sum(e)
        if isinstance(e, MaxOver):
            (var, lo, hi), = e.limits
            self._sizes.setdefault(var, hi - lo + 1)
            return self._reduce(self._lower(e.function), [var], [hi - lo + 1], op="max")
        if isinstance(e, sp.KroneckerDelta):
            return self._delta(e)
        if isinstance(e, sp.Symbol):
            if e.name in self.arrays:
                if self.arrays[e.name].kind != "scalar":
                    raise LoweringError(f"array {e.name} used without indices")
                return self.symbols[e.name], (), {}
            return e, (), {}
        if not e.args or e.is_Number:
            return e, (), {}
        return self._combine(e.func, [self._lower(a) for a in e.args])

    def _indexed(self, e: sp.Indexed) -> Lowered:
        name = str(e.base.label)
        spec = self.arrays.get(name)
        if spec is None:
            raise LoweringError(f"unknown array {name}")
        sym = self.symbols[name]
        idx = e.indices
        if len(idx) != (1 if spec.kind in ("flat", "tuple") else spec.ndim) and spec.kind != "tuple":
            raise LoweringError(f"{name} indexed with {len(idx)} indices")
        if spec.kind == "tuple":
            first, rest = idx[0], tuple(idx[1:])
            if not first.is_Integer or not all(isinstance(i, sp.Symbol) for i in rest):
                raise LoweringError(f"{name} is a tuple: index it by a branch number or sum it")
            out = self._emit(Item, (True,) * len(rest), source=sym, position=int(first))
            return out, rest, {out: rest}
        if all(isinstance(i, sp.Symbol) for i in idx):
            if len(set(idx)) != len(idx):
                raise LoweringError(f"repeated index in {e}")
            return sym, tuple(idx), {sym: tuple(idx)}
        *lead, last = idx
        if isinstance(last, sp.Indexed) and all(isinstance(i, sp.Symbol) for i in lead):
            t, t_labels, t_leaves = self._lower(last)
            if t_labels != tuple(lead) or t not in t_leaves:
                raise LoweringError(f"unsupported gather {e}")
            out = self._emit(Gather, (True,) * len(lead), source=sym, classes=t)
            return out, tuple(lead), {out: tuple(lead)}
        raise LoweringError(f"unsupported index in {e}")

    def _delta(self, e: sp.KroneckerDelta) -> Lowered:
        a, b = e.args
        if isinstance(b, sp.Indexed) and isinstance(a, sp.Symbol):
            a, b = b, a
        if isinstance(a, sp.Indexed) and isinstance(b, sp.Symbol):
            t, labels, leaves = self._lower(a)
            if t not in leaves:
                raise LoweringError(f"unsupported delta {e}")
            size = self._size_of(b)
            out = self._emit(OneHot, (True,) * (len(labels) + 1), classes=t, size=size)
            return out, labels + (b,), {out: labels + (b,)}
        raise LoweringError(f"a Kronecker delta between free indices ({e}) has no array form here")

    def _size_of(self, index):
        if index not in self._sizes:
            raise LoweringError(f"no size known for index {index}")
        return self._sizes[index]

    def bind_sizes(self, sizes: dict):
        """``sizes``: index symbol -> size expression, for indices no ``Sum`` bounds."""
        self._sizes.update(sizes)

    def _label_key(self, label):
        if label not in self.order:
            self.order.append(label)
        return self.order.index(label)

    def _combine(self, func, children: list[Lowered]) -> Lowered:
        labels: list = []
        for _, ls, _ in children:
            labels += [label for label in ls if label not in labels]
        target = tuple(sorted(labels, key=self._label_key))
        args, leaves = [], {}
        for e, ls, lv in children:
            e2, lv2 = (e, lv) if ls == target else self._align(e, ls, lv, target)
            args.append(e2)
            leaves.update(lv2)
        return func(*args), target, leaves

    # -- alignment ----------------------------------------------------------------------------
    def _fits(self, sym, real_labels, target) -> bool:
        layout = self.layout(sym)
        n = len(layout)
        if n > len(target):
            return False
        placed = [target[len(target) - n + p] for p in range(n) if layout[p]]
        return placed == list(real_labels)

    def _align(self, e, labels, leaves, target) -> tuple:
        """Realign every leaf of ``e`` so that ``e`` broadcasts over ``target``."""
        repl, new_leaves = {}, {}
        for sym, real in leaves.items():
            if self._fits(sym, real, target):
                new_leaves[sym] = real
                continue
            view = self._view(sym, real, target)
            repl[sym] = view
            new_leaves[view] = tuple(t for t in target if t in real)
        return (e.xreplace(repl) if repl else e), new_leaves

    def _view(self, sym, real, target) -> sp.Symbol:
        layout = self.layout(sym)
        squeeze = tuple(slice(None) if flag else 0 for flag in layout) if not all(layout) else None
        in_target = [target.index(r) for r in real]
        perm = tuple(sorted(range(len(real)), key=lambda k: in_target[k]))
        perm = None if perm == tuple(range(len(real))) else perm
        first = min(in_target) if in_target else len(target)
        expand = tuple(slice(None) if t in real else None for t in target[first:])
        if all(isinstance(x, slice) for x in expand):
            expand = None
        new_layout = tuple(t in real for t in target[first:])
        return self._emit(View, new_layout, source=sym, squeeze=_key(squeeze), perm=perm,
                          expand=_key(expand))

    # -- reductions ---------------------------------------------------------------------------
    def _sum(self, e: sp.Sum) -> Lowered:
        return self._sum_over(e.function, e.limits)

    def _sum_over(self, body, limits) -> Lowered:
        joint = self._joint_sum(body, limits)
        if joint is not None:
            return joint
        limits = _innermost_first(body, limits)
        while len(limits) > 1:  # Σ_ij a_i b_ij = Σ_i a_i (Σ_j b_ij): the inner sum sees b alone
            (var, lo, hi), factors = limits[0], sp.Mul.make_args(split_masks(body))
            inner = [f for f in factors if var in f.free_symbols]
            if len(inner) == len(factors):
                break
            node = self._sum_one(sp.Mul(*inner), var, lo, hi)
            body = sp.Mul(*[f for f in factors if var not in f.free_symbols]) * self._opaque_of(node)
            limits = _innermost_first(body, limits[1:])
        node = self._sum_one(body, *limits[0])
        for limit in limits[1:]:
            node = self._sum_one(self._opaque_of(node), *limit)
        return node

    def _joint_sum(self, body, limits):
        """Several indices reduced at once when every factor that uses one uses all."""
        if len(limits) < 2:
            return None
        names = [v for v, _, _ in limits]
        factors = sp.Mul.make_args(split_masks(body))
        used = [f for f in factors if any(v in f.free_symbols for v in names)]
        if len(used) == 2 or not all(all(v in f.free_symbols for v in names) for f in used):
            return None
        for v, lo, hi in limits:
            self._sizes.setdefault(v, hi - lo + 1)
        rest = self._lower(sp.Mul(*[f for f in factors if f not in used]))
        node = self._reduce(self._lower(sp.Mul(*used)), names, [hi - lo + 1 for _, lo, hi in limits])
        return self._combine(sp.Mul, [rest, node])

    def _opaque_of(self, node: Lowered) -> sp.Expr:
        """A SymPy stand-in for a lowered node: ``f(labels...)`` so ``.has(index)`` still works."""
        stand_in = sp.Function(f"_node{len(self._opaque)}")(*node[1]) if node[1] else \
            sp.Symbol(f"_node{len(self._opaque)}")
        self._opaque[stand_in] = node
        return stand_in

    def _sum_one(self, body, var, lo, hi, split: bool = True) -> Lowered:
        count = hi - lo + 1
        self._sizes.setdefault(var, count)
        body = split_masks(body)
        if split and self._pull_apart(body, var):  # Σ (a_k + c·b_k) = Σ a_k + c Σ b_k, once
            terms = top_terms(body)
            return self._combine(sp.Add, [self._sum_one(t, var, lo, hi, split=False) for t in terms])
        factors = sp.Mul.make_args(_hoist_from_branches(body, var))
        nested = _nested_sums(factors, var)
        if nested:  # Σ_j (Σ_v a_cv b_vj) d_cj = Σ_vj a_cv b_vj d_cj: the pair's order is free again
            kept = [f for f in factors if f not in nested] + [n.function for n in nested]
            return self._sum_over(sp.Mul(*kept), ((var, lo, hi),) + sum((n.limits for n in nested), ()))
        with_var = [f for f in factors if var in f.free_symbols]
        rest = self._lower(sp.Mul(*[f for f in factors if var not in f.free_symbols]))
        if not with_var:
            return self._combine(sp.Mul, [rest, (count, (), {})])
        node = self._tuple_sum(with_var, var)
        groups = _group_by_indices(with_var)
        if node is None and len(groups) == 2:
            node = self._matmul(groups, var)
        if node is None:
            node = self._reduce(self._lower(sp.Mul(*with_var)), [var], [count])
        return self._combine(sp.Mul, [rest, node])

    @staticmethod
    def _pull_apart(body, var) -> bool:
        """A sum of terms some of which carry factors (with free indices) that do not depend on
        the summation index, or whose body spans three indices while a term is one matmul
        (``Σ_j a_lj (W_jq + b_lj V_jq)``): summing each term alone avoids a larger array."""
        terms = top_terms(body)
        if len(terms) < 2:
            return False
        if any(_free_indices(f) for t in terms for f in sp.Mul.make_args(t)
               if var not in f.free_symbols):
            return True
        return len(_free_indices(body) | {var}) > 2 and any(
            len(_group_by_indices([f for f in sp.Mul.make_args(t) if var in f.free_symbols])) == 2
            for t in terms)

    def _tuple_sum(self, factors, var):
        """``Σ_r g[r, ...]`` over the tuple axis of a tuple of arrays."""
        f = factors[0]
        if len(factors) != 1 or not isinstance(f, sp.Indexed):
            return None
        spec = self.arrays.get(str(f.base.label))
        if spec is None or spec.kind != "tuple" or f.indices[0] != var:
            return None
        labels = tuple(f.indices[1:])
        out = self._emit(TupleSum, (True,) * len(labels), source=self.symbols[str(f.base.label)])
        return out, labels, {out: labels}

    def _matmul(self, factors, var):
        nodes = [self._lower(f) for f in factors]
        labels = [ls for _, ls, _ in nodes]
        if any(var not in ls or len(ls) > 2 for ls in labels):
            return None
        if (set(labels[0]) & set(labels[1])) - {var}:
            return None
        operands = [self._materialize(n) for n in nodes]
        if any(op is None for op in operands):
            return None
        (a, la), (b, lb) = operands
        ra = tuple(x for x in la if x != var)
        rb = tuple(x for x in lb if x != var)
        if (ra and rb and self._label_key(ra[0]) > self._label_key(rb[0])) or (rb and not ra):
            a, la, ra, b, lb, rb = b, lb, rb, a, la, ra
        ta = len(la) == 2 and la[0] == var
        tb = len(lb) == 2 and lb[1] == var
        out_labels = ra + rb
        twin = self._memo.get((Contract, (("left", b), ("left_t", not tb), ("right", a), ("right_t", not ta))))
        if len(la) == len(lb) == 2 and twin is not None:  # (B Aᵀ)ᵀ = A Bᵀ: the forward's x @ W.T
            out = self._emit(View, (True, True), source=twin, perm=(1, 0))
            return out, out_labels, {out: out_labels}
        out = self._emit(Contract, (True,) * len(out_labels), left=a, left_t=ta, right=b, right_t=tb)
        used_a = (la[::-1] if ta else la)
        used_b = (lb[::-1] if tb else lb)
        self.program.shapes[out] = tuple(tuple(self._sizes.get(x, x) for x in ls)
                                         for ls in (used_a, used_b, out_labels))
        return out, out_labels, ({out: out_labels} if out_labels else {})

    def _materialize(self, node: Lowered):
        """An operand as one array symbol whose axes are exactly its labels."""
        e, labels, leaves = node
        e, leaves = self._align(e, labels, leaves, labels)
        if isinstance(e, sp.Symbol) and e in leaves and all(self.layout(e)) and leaves[e] == labels:
            return e, labels
        layout = self._body_layout(labels, leaves)
        if layout != (True,) * len(labels):
            return None
        return self._emit(Assign, layout, expr=e), labels

    def _body_layout(self, labels, leaves) -> tuple:
        """Flags of the broadcast array of leaves aligned to ``labels``."""
        nd = max((len(self.layout(s)) for s in leaves), default=0)
        flags = []
        for pos in range(len(labels) - nd, len(labels)):
            flags.append(any(labels[pos] in real for s, real in leaves.items()
                             if len(self.layout(s)) >= len(labels) - pos))
        return tuple(flags)

    def _reduce(self, node: Lowered, names: list, counts: list, op: str = "sum") -> Lowered:
        """``np.sum`` (or ``np.max``) over the axes of ``names``; ``keepdims`` when only the last
        axis goes."""
        e, labels, leaves = node
        if e.is_number:  # a body the algebra made constant (Σ e/Σ e - 1, softmax of a sum of softmax)
            return (e * sp.Mul(*counts) if op == "sum" else e), (), {}
        if any(self._is_flat(c) for c in counts):
            return self._emit(Reduce, (), expr=e, op=op), (), {}
        if len(leaves) == 1:  # one array: keep its own axis order, no view
            (sym, real), = leaves.items()
            if all(self.layout(sym)) and set(real) == set(labels) and len(real) == len(labels):
                labels = real
        e, leaves = self._align(e, labels, leaves, labels)
        layout = self._body_layout(labels, leaves)
        nd = len(layout)
        axes = sorted(labels.index(v) - len(labels) for v in names)
        if any(-a > nd or not layout[a] for a in axes):
            raise LoweringError(f"summation index {names} is not an axis here")
        tail = labels[len(labels) - nd:]
        out_labels = tuple(x for x in labels if x not in names)
        real = tuple(x for x, f in zip(tail, layout) if f and x not in names)
        if not real:
            return self._emit(Reduce, (), expr=e, op=op), out_labels, {}
        keep = axes == [-1] and nd > 1
        if keep:
            new_layout = layout[:-1] + (False,)
        else:
            new_layout = tuple(f for p, f in enumerate(layout) if p - nd not in axes)
        axis = axes[0] if len(axes) == 1 else tuple(axes)
        out = self._emit(Reduce, new_layout, expr=e, axis=axis, keepdims=keep, op=op)
        return out, out_labels, {out: real}

    def _is_flat(self, count) -> bool:
        return any(count == s for s in self.flat_sizes)


def _nested_sums(factors, var) -> list:
    """The factors that are sums using ``var`` and can join a sum over ``var``: their bounds do
    not use it and their summation indices are used nowhere else (no capture)."""
    nested = [f for f in factors if isinstance(f, sp.Sum) and var in f.free_symbols]
    bound = [v for n in nested for v, _, _ in n.limits]
    others = set().union(*(f.free_symbols for f in factors if f not in nested), {var})
    if len(set(bound)) != len(bound) or others & set(bound) or any(
            var in (lo.free_symbols | hi.free_symbols) for n in nested for _, lo, hi in n.limits):
        return []
    return nested


def _innermost_first(body, limits) -> tuple:
    """The limits of a multiple sum, the index fewest factors use first: ``Σ_ij a_i b_ij`` is
    summed over ``j`` before ``a`` is broadcast against ``b`` (the order of independent finite
    sums is free)."""
    names = {v for v, _, _ in limits}
    if any((lo.free_symbols | hi.free_symbols) & names for _, lo, hi in limits):
        return limits
    factors = sp.Mul.make_args(split_masks(body))
    return tuple(sorted(limits, key=lambda lim: sum(lim[0] in f.free_symbols for f in factors)))


def top_terms(e) -> tuple:
    """The terms of ``e`` with its top-level sum factors distributed, each term's own factors
    kept whole: ``(1 + (x_j - m)·b)·c`` -> ``c``, ``(x_j - m)·b·c`` (centred differences stay
    centred, no cancellation)."""
    if isinstance(e, sp.Add):
        return tuple(t for a in e.args for t in top_terms(a))
    if isinstance(e, sp.Mul):
        choices = [f.args if isinstance(f, sp.Add) else (f,) for f in e.args]
        if math.prod(len(c) for c in choices) > MAX_TERMS:  # a product of many sums stays whole
            return (e,)
        return tuple(sp.Mul(*combo) for combo in itertools.product(*choices))
    return (e,)


MAX_TERMS = 64  # terms a product of sums may be split into


def _free_indices(e) -> frozenset:
    """Free index symbols of ``e`` (summation variables and array names excluded)."""
    labels = {ix.base.label for ix in e.atoms(sp.Indexed)}
    return frozenset(s for s in e.free_symbols
                     if s.is_integer and not s.is_positive and s not in labels)


def _group_by_indices(factors) -> list:
    """Factors multiplied together per set of indices they use: ``g[i]·mask[i]`` and ``W[i, c]``."""
    groups: dict = {}
    for f in factors:
        groups.setdefault(_free_indices(f), []).append(f)
    # beyond two groups, one whose indices another covers joins it: Σ_i a[c,i]·s[i]·x[i,l] is
    # (a·s) @ x, one contraction instead of a broadcast to (c, i, l)
    while len(groups) > 2:
        pair = next(((k, h) for k in sorted(groups, key=len) for h in groups if k < h), None)
        if pair is None:
            break
        small, host = pair
        groups[host] += groups.pop(small)
    return [sp.Mul(*fs) for fs in groups.values()]


def _hoist_from_branches(body: sp.Expr, var) -> sp.Expr:
    """``Σ_i where(c_i, k·a_i, k·b_i)`` -> ``k · Σ_i where(c_i, a_i, b_i)`` for factors ``k`` that
    every branch has (nested ``where``s and 0 branches included) and that do not depend on ``i``:
    otherwise ``k_c`` (a softmax's ``y_c/S²``) stays inside and the sum is taken over an (n, n)
    array (softmax(relu(x)) of 10⁵ elements needed 75 GB)."""
    out, changed = [], False
    for f in sp.Mul.make_args(body):
        if isinstance(f, sp.Piecewise) and len(f.args) >= 2:
            common = _common_factors(f)
            common = Counter({k: v for k, v in (common or {}).items() if var not in k.free_symbols})
            stripped = _strip_factors(f, common) if common else None
            # a bare 0/1 mask left in the sum is not hoisted: Σ_p mask[p, c] was then reduced
            # along the wrong axis (logsumexp(sqrt(maximum(-X, x / y)), axis=0)'s dx)
            if common and not (isinstance(stripped, sp.Piecewise)
                               and all(p.expr in (0, 1) for p in stripped.args)):
                out += [sp.Mul(*common.elements()), stripped]
                changed = True
                continue
        out.append(f)
    return sp.Mul(*out) if changed else body


def _common_factors(e) -> Counter | None:
    """Factors of every nonzero branch of ``e`` (None for 0: it has them all)."""
    if e == 0:
        return None
    if isinstance(e, sp.Piecewise):
        common = None
        for p in e.args:
            c = _common_factors(p.expr)
            if c is not None:
                common = c if common is None else common & c
        return common
    return Counter(sp.Mul.make_args(e))


def _strip_factors(e, common: Counter):
    if e == 0:
        return e
    if isinstance(e, sp.Piecewise):
        return sp.Piecewise(*[(_strip_factors(p.expr, common), p.cond) for p in e.args])
    return sp.Mul(*(Counter(sp.Mul.make_args(e)) - common).elements())


def split_masks(expr: sp.Expr) -> sp.Expr:
    """``Piecewise((a·b, c), (0, True))`` -> ``a·b·Piecewise((1, c), (0, True))``: masks are factors."""
    def split(pw):
        if len(pw.args) == 2 and pw.args[1].cond is sp.true and pw.args[1].expr == 0 \
                and isinstance(pw.args[0].expr, sp.Mul):
            return pw.args[0].expr * sp.Piecewise((1, pw.args[0].cond), (0, True))
        return pw
    return expr.replace(lambda e: isinstance(e, sp.Piecewise), split)


def _key(index):
    """A hashable, printable form of an index tuple (``slice(None)`` -> ``":"``)."""
    if index is None:
        return None
    return tuple(":" if isinstance(x, slice) else x for x in index)
