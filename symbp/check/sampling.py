"""Sample points for the checks: inputs drawn from their intervals, off the forward's kinks and
inside its domain.

*Kinks* (each comparison in a branch, ``Min``/``Max`` ties, ``Abs``) are kept more than ``MARGIN``
away: each is evaluated numerically at the sample and the input coordinates it reads are drawn
again where it is too close, until none is (the margin shrinks for a kink typically smaller than
0.1: ``0.01·x``). A kink that stays on the point whatever is drawn vanishes identically at that
size (``log_softmax`` of one element): :class:`Point` says so.

The *domain* is probed the same way: the argument of every ``log`` and the base of every
fractional power (``sqrt``) is kept above its margin, every denominator more than its margin from
0 (``1/x`` keeps ``|x| > 0.05``); a value inside a branch only where the branch is taken. Where no
draw from the inputs' own intervals clears the domain (``log(x - 5)`` with ``x`` in [-2, 2]),
wider and narrower intervals are tried in a fixed order (:data:`SCALES` × :data:`PIECES`): the
search is bounded by a count, never by time, so a seed always gives the same point. Modules whose
own intervals do, and modules without logs, roots or denominators, are drawn exactly as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from ..codegen.kernel import compile_expression
from ..derive.module import singularities
from ..spec import Module

LARGE_ELEMENTS = 10 ** 5
LARGE_PRODUCT = 4 * 10 ** 6  # the product of every size at the large check (bounds intermediates)
MARGIN = 0.05
REPAIR_ROUNDS = 30           # redraws of the coordinates next to a kink or outside the domain
ON_KINK = 1e-9               # a kink this close after every redraw vanishes identically (rounding)
SCALES = (1, 2, 4, 8, 16, 32, 64, 128)  # the inputs' intervals scaled by these, in this order...
PIECES = (1, 2, 4)                      # ... whole, then in halves, then in quarters


# -- sizes --------------------------------------------------------------------------------------
def _dims_for(m: Module, base: int, large: bool) -> dict[str, int]:
    """Distinct small sizes per dimension (a missing transpose cannot hide), or ~10⁵ elements
    per input with the product of all sizes bounded (generated code may hold such a product)."""
    names = sorted({d for t in m.inputs for d in t.dims} | set(m.out_dims) - set(dict(m.size_params)))
    floor = dict(m.min_sizes)
    if large:
        rank = max(len(t.dims) for t in m.inputs)
        side = LARGE_ELEMENTS ** (1.0 / max(rank, 1))
        side = max(2, int(round(min(side, LARGE_PRODUCT ** (1.0 / max(len(names), 1)) - len(names)))))
        return {d: max(side + k, floor.get(d, 1)) for k, d in enumerate(names)}
    return {d: max(base + k, floor.get(d, 1)) for k, d in enumerate(names)}


def dims_for(m: Module, base: int, large: bool = False) -> dict[str, int]:
    """The sizes :func:`verify_module` checks at (shared with the checks of user backwards)."""
    return _dims_for(m, base, large)


# -- probes -------------------------------------------------------------------------------------
def _too_close(k: np.ndarray, margin: float) -> np.ndarray:
    return np.abs(k) < margin


def _not_above(k: np.ndarray, margin: float) -> np.ndarray:
    return k < margin


# what each kind of probe must keep: NaN (a branch not taken) is never a violation
VIOLATED = {"kink": _too_close, "nonzero": _too_close, "positive": _not_above}


@dataclass(frozen=True)
class _Probe:
    """A kink or a domain condition evaluated numerically over its free ``axes``; ``movers`` the
    input elements it reads (``x[i, k]``) whose coordinates are drawn again where it is violated."""

    value: object
    axes: tuple
    movers: tuple[sp.Indexed, ...]
    kind: str = "kink"

    def __call__(self, values: dict, params: dict) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(self.value(**values, **params), dtype=float)

    def violated(self, values: dict, params: dict, margin: float) -> np.ndarray:
        return VIOLATED[self.kind](self(values, params), margin)

    def margin(self, values: dict, params: dict) -> float:
        """``MARGIN``, scaled down for a value typically smaller than 0.1 (``0.01·x`` is kept
        0.005 from 0)."""
        k = self(values, params)
        k = np.abs(k) if self.kind != "positive" else k
        k = k[(k > 0) & np.isfinite(k)]
        return MARGIN * min(1.0, 10 * float(np.median(k))) if k.size else MARGIN


def _probe(m: Module, expr: sp.Expr, kind: str) -> _Probe | None:
    """``expr`` as a probe, or ``None`` when it reads no differentiable input or the array
    program cannot express it."""
    movable = {t.name for t in m.inputs if t.differentiable}
    axes = tuple(sorted((s for s in expr.free_symbols if isinstance(s, sp.Symbol)
                         and s.is_integer and not s.is_positive
                         and s not in {b.label for b in expr.atoms(sp.IndexedBase)}), key=str))
    atoms = [ix for ix in expr.atoms(sp.Indexed) if str(ix.base.label) in movable]
    if not atoms:
        return None
    # the elements most private to one value: the most of their indices are the probe's own
    def privacy(ix):
        return sum(i in axes for i in ix.indices)
    atoms = sorted(atoms, key=str)
    best = max(map(privacy, atoms))
    movers = [ix for ix in atoms if privacy(ix) == best]
    try:
        value = compile_expression(m, expr, axes)
    except Exception:  # noqa: BLE001 - a value the array program cannot express: not probed
        return None
    # a kink moves one of them (it can be left on either side); the domain may need all
    # (log(x - y) with y near the top of its interval)
    return _Probe(value, axes, tuple(movers[:1] if kind == "kink" else movers), kind)


def _kink_probes(m: Module, kinks) -> list[_Probe]:
    return [p for p in (_probe(m, m.inline(k), "kink") for k in kinks) if p is not None]


@lru_cache(maxsize=256)  # modules are frozen values
def _domain_probes(m: Module) -> tuple[_Probe, ...]:
    found = (_probe(m, value, kind) for value, kind in singularities(m.inline(m.forward)))
    return tuple(p for p in found if p is not None)


# -- drawing ------------------------------------------------------------------------------------
class Point(NamedTuple):
    """A drawn point; ``off_kinks``: no kink within ``ON_KINK`` (not so where one vanishes
    identically); ``in_domain``: every domain probe clear (if not, after the whole search, the
    point drawn from the inputs' own intervals)."""

    values: dict
    off_kinks: bool
    in_domain: bool = True


def sample(m: Module, dims: dict[str, int], rng: np.random.Generator, kinks=()) -> dict:
    """Inputs drawn from their intervals, kept more than ``MARGIN`` away from every kink and
    inside the domain."""
    return draw(m, dims, rng, kinks).values


def draw(m: Module, dims: dict[str, int], rng: np.random.Generator, kinks=()) -> Point:
    """:func:`sample`, with what :class:`Point` tells about it."""
    params = {p.name: p.default for p in m.params}
    kink_probes, domain = _kink_probes(m, kinks), list(_domain_probes(m))
    first = None
    for intervals in _intervals(m, bool(domain)):
        values = _fresh(m, dims, rng, intervals)
        margins = [p.margin(values, params) for p in kink_probes + domain]
        _repair(kink_probes, margins, values, params, rng, intervals)
        in_domain = _clear(domain, margins[len(kink_probes):], values, params) or \
            _repair(kink_probes + domain, margins, values, params, rng, intervals)
        if in_domain:
            break
        first = values if first is None else first
    else:
        values = first
    off_kinks = not any((np.abs(p(values, params)) < ON_KINK).any() for p in kink_probes)
    return Point(values, off_kinks, in_domain)


def _own(m: Module) -> dict[str, tuple[float, float]]:
    return {t.name: (t.low, t.high) for t in m.inputs}


def _intervals(m: Module, search: bool):
    """The inputs' own intervals; with ``search``, then each scaled by :data:`SCALES`, whole and
    cut into :data:`PIECES` (``[-8, 8]``, ``[-8, 0]``, ``[0, 8]``, ``[-8, -4]``…)."""
    own = _own(m)
    yield own
    if not search:
        return
    for scale in SCALES:
        for parts in PIECES:
            for k in range(parts):
                if (scale, parts) != (1, 1):
                    yield {name: _piece(lo * scale, hi * scale, parts, k) for name, (lo, hi) in own.items()}


def _piece(low: float, high: float, parts: int, k: int) -> tuple[float, float]:
    width = (high - low) / parts
    return low + k * width, low + (k + 1) * width


def _fresh(m: Module, dims: dict[str, int], rng, intervals: dict) -> dict:
    values = {}
    for t in m.inputs:
        shape = tuple(dims[d] for d in t.dims)
        if t.kind == "class":
            other = next(x for x in m.inputs if x.kind != "class")
            values[t.name] = rng.integers(0, dims[other.dims[-1]], size=shape)
        elif t.kind == "mask":
            keep = 1 - dict((p.name, p.default) for p in m.params).get("p", 0.5)
            values[t.name] = (rng.random(shape) < keep).astype(float)
        else:
            values[t.name] = rng.uniform(*intervals[t.name], size=shape)
    return values


def _clear(probes, margins, values: dict, params: dict) -> bool:
    return not any(p.violated(values, params, margin).any() for p, margin in zip(probes, margins))


def _repair(probes, margins, values: dict, params: dict, rng, intervals) -> bool:
    """Draw again the coordinates that violate a probe, until none does or ``REPAIR_ROUNDS``
    have passed; whether none does."""
    for _ in range(REPAIR_ROUNDS):
        moved = False
        for probe, margin in zip(probes, margins):
            close = probe.violated(values, params, margin)
            if not close.any():
                continue
            moved = True
            for mover in probe.movers:
                _redraw(probe.axes, mover, close, values, rng, intervals)
        if not moved:
            return True
    return _clear(probes, margins, values, params)


def _redraw(axes: tuple, mover: sp.Indexed, close: np.ndarray, values: dict, rng,
            intervals) -> None:
    name = str(mover.base.label)
    low, high = intervals[name]
    arr = values[name]
    if close.ndim != len(axes):  # the value does not have one axis per index
        arr[...] = rng.uniform(low, high, size=arr.shape)
        return
    picked = np.argwhere(close)
    if len(mover.indices) == len(axes) and set(mover.indices) == set(axes):
        # one mover element per value: all at once (the same draws as one by one, in order)
        arr[tuple(picked[:, axes.index(i)] for i in mover.indices)] = \
            rng.uniform(low, high, size=len(picked))
        return
    for element in picked:
        at = dict(zip(axes, element))
        where = tuple(int(at[i]) if i in at else slice(None) for i in mover.indices)
        region = arr[where]
        arr[where] = rng.uniform(low, high, size=np.shape(region))
