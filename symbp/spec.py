"""Module specification: inputs with symbolic shapes, parameters, and the forward in index form.

A module is *forward only*: ``forward`` is the SymPy expression of one output element
``y[index]`` in terms of input elements (``IndexedBase``), ``Sum`` for reductions and
``Piecewise`` for branches. Nothing here knows about derivatives.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from . import sums  # noqa: F401  (installs SymPy's nested-sum-safe Piecewise fold)


def sizes(names: str) -> tuple[sp.Symbol, ...]:
    """Size symbols (positive integers), e.g. ``sizes("B n")``."""
    return tuple(sp.Symbol(n, integer=True, positive=True) for n in names.split())


def indices(names: str) -> tuple[sp.Symbol, ...]:
    """Index symbols (integers), e.g. ``indices("b i k")``."""
    return tuple(sp.Symbol(n, integer=True) for n in names.split())


def size(name: str) -> sp.Symbol:
    return sizes(name)[0]


@dataclass(frozen=True)
class Tensor:
    """An input (or the output) of a module.

    ``dims`` are size names; an elementwise module has the single size ``N`` and takes
    arrays of any shape. ``kind`` is ``"real"`` (differentiable), ``"class"`` (integer
    class indices into the last axis of another input) or ``"mask"`` (0/1 values drawn with
    probability ``1 - p`` of a one); only ``"real"`` inputs are differentiated.
    ``low``/``high`` bound the interval verification samples from.
    """

    name: str
    dims: tuple[str, ...]
    kind: str = "real"
    low: float = -2.0
    high: float = 2.0
    symbol: str = ""  # how the documents write it (LaTeX); default: the name

    @property
    def differentiable(self) -> bool:
        return self.kind == "real"

    @property
    def base(self) -> sp.IndexedBase:
        if self.kind == "class":
            return sp.IndexedBase(self.name, integer=True)
        return sp.IndexedBase(self.name, real=True)

    @property
    def shape(self) -> tuple[sp.Symbol, ...]:
        return tuple(size(d) for d in self.dims)

    def __getitem__(self, idx):
        return self.base[idx]


@dataclass(frozen=True)
class Param:
    """A scalar hyper-parameter: passed to ``forward`` as a keyword, never differentiated."""

    name: str
    default: float

    @property
    def symbol(self) -> sp.Symbol:
        return sp.Symbol(self.name, real=True)


def _rename_bound(expr: sp.Expr, suffix: str) -> sp.Expr:
    """Give every summation index of ``expr`` a name of its own (no capture when inlined)."""
    def rename(s):
        fresh = {v: sp.Symbol(f"{v.name}{suffix}", integer=True) for v, *_ in s.limits}
        return sp.Sum(s.function.xreplace(fresh), *[(fresh[v], lo, hi) for v, lo, hi in s.limits])
    return expr.replace(lambda e: isinstance(e, sp.Sum), rename)


@dataclass(frozen=True)
class Statistic:
    """A named intermediate ``name[index] = expr`` the forward reads (the batch mean ``m_i``).

    Derivations keep it by name — the chain rule goes through it — and generated code computes it
    once in the forward.
    """

    name: str
    index: tuple[sp.Symbol, ...]
    dims: tuple[str, ...]
    expr: sp.Expr
    positive: bool = False

    @property
    def base(self) -> sp.IndexedBase:
        if self.positive:
            return sp.IndexedBase(self.name, positive=True)
        return sp.IndexedBase(self.name, real=True)


@dataclass(frozen=True)
class Module:
    """A neural-network module defined by its forward only.

    ``forward`` gives ``y[index]``; ``out_dims`` names the output's sizes (empty for a
    scalar). ``branches`` names a size parameter whose value is the number of outputs
    (Duplicate): the first output axis then enumerates the branches.
    """

    name: str
    title: str
    inputs: tuple[Tensor, ...]
    out_dims: tuple[str, ...]
    index: tuple[sp.Symbol, ...]
    forward: sp.Expr
    params: tuple[Param, ...] = ()
    elementwise: bool = False
    branches: str | None = None
    size_params: tuple[tuple[str, int], ...] = ()
    identity_without: str | None = None  # this input absent (None): the module is the identity
    helpers: str = ""  # plain Python shipped next to the generated functions (no derivative)
    statistics: tuple[Statistic, ...] = ()  # named intermediates, in order of definition
    min_sizes: tuple[tuple[str, int], ...] = ()  # verification never goes below these sizes
    check_params: tuple[tuple[tuple[str, float], ...], ...] = ((),)  # parameter sets to verify at
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def differentiable(self) -> tuple[Tensor, ...]:
        return tuple(t for t in self.inputs if t.differentiable)

    def inline(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with every statistic replaced by its definition (latest first)."""
        for stat in reversed(self.statistics):
            definition = _rename_bound(stat.expr, f"_{stat.name}")
            expr = expr.replace(
                lambda e, s=stat: isinstance(e, sp.Indexed) and e.base == s.base,
                lambda e, s=stat, d=definition: d.xreplace(dict(zip(s.index, e.indices))))
        return expr

    def input(self, name: str) -> Tensor:
        for t in self.inputs:
            if t.name == name:
                return t
        raise KeyError(name)

    def ranges(self, idx, dims) -> tuple[tuple, ...]:
        """Summation limits ``(i, 0, n - 1)`` for index symbols over size names."""
        return tuple((i, 0, size(d) - 1) for i, d in zip(idx, dims))

    def __repr__(self) -> str:
        return f"<Module {self.name}: {self.title}>"


@dataclass(frozen=True)
class UpdateRule:
    """A parameter update: the loss ``L(w) = C(w) + penalty(w)`` and the steps of the optimiser.

    ``step`` assigns, in order, new values to the state arrays and finally to ``w``; each value
    is an elementwise expression in ``w[i]``, the state arrays, the parameters and
    ``GRAD_L[i]`` — ``∂L/∂w_i``, which :func:`symbp.derive` replaces by what SymPy finds from the
    penalty. The caller provides ``∂C/∂w`` as ``grad``.
    """

    name: str
    title: str
    params: tuple[Param, ...]
    penalty: sp.Expr
    step: tuple[tuple[str, sp.Expr], ...]
    state: tuple[str, ...] = ()
    counter: str | None = None
    source: str = ""
    # named intermediates the documents write the update with (Adam's bias-corrected m-hat, v-hat):
    # (name, expression in the state after its own update); display only, never derived
    intermediates: tuple[tuple[str, sp.Expr], ...] = ()
