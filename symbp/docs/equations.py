"""equations: every display equation of a page is a SymPy object, checked numerically first.

A page never holds a typed formula: :class:`Equation` carries the LaTeX *printed from* ``shown``
(SymPy objects) and the result of a numeric comparison named by ``check`` — the index-form value
against central finite differences of the forward, against the generated numpy code, a Monte
Carlo estimate, an identity at sample points. ``Writer.math`` accepts only an ``Equation``; the
tests walk every ``$$`` block of every page and find it here, checked.

Index-form expressions are evaluated at concrete small sizes by :func:`values_of` (SymPy's
``lambdify`` over Python's ``math``, one call per index value): independent of the numpy
printer and of the lowering, so a check against the generated code compares two routes.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import sympy as sp

from ..check import fd
from ..check.verification import rel_error as check_rel_error

TOLERANCE = 1e-6


class NoExample(ValueError):
    """An expression that has no finite value at the point a page would show (``exp`` of
    ``exp`` of … overflows, a ``log`` leaves its domain)."""



@dataclass(frozen=True)
class Equation:
    """A display equation: ``tex`` printed from ``shown``; ``error`` what ``check`` found."""

    tex: str
    shown: tuple
    check: str
    error: float
    tolerance: float = TOLERANCE

    @property
    def ok(self) -> bool:
        return bool(self.error <= self.tolerance)

    def retitled(self, tex: str) -> "Equation":
        """The same checked objects printed differently (another language's words)."""
        return replace(self, tex=tex)


ROW_GAP = "6pt"  # between the rows of an ``aligned`` display: stacked fractions need air


def aligned(rows: list[str]) -> str:
    """Rows of one display, aligned at their ``&``, with a gap between rows."""
    return r"\begin{aligned}" + rf" \\[{ROW_GAP}] ".join(rows) + r"\end{aligned}"


def rel_error(a, b) -> float:
    """:func:`symbp.check.verification.rel_error`, and ``inf`` for arrays of different shapes."""
    if np.shape(a) != np.shape(b):
        return float("inf")
    return check_rel_error(a, b)


# -- numeric evaluation of index-form expressions ----------------------------------------------
def _canonical(expr: sp.Expr) -> sp.Expr:
    """Arrays and symbols by name only, without assumptions (``s`` positive and ``s`` real are
    one array)."""
    bases = {b: sp.IndexedBase(str(b.label)) for b in expr.atoms(sp.IndexedBase)}
    expr = expr.xreplace(bases) if bases else expr
    labels = {str(b.label) for b in bases.values()}
    plain = {s: sp.Symbol(s.name) for s in expr.free_symbols
             if isinstance(s, sp.Symbol) and s.name not in labels}
    return expr.xreplace(plain) if plain else expr


@lru_cache(maxsize=1024)
def _compiled(expr: sp.Expr, index_names: tuple[str, ...]):
    expr = _canonical(expr)
    bases = sorted({str(b.label) for b in expr.atoms(sp.IndexedBase)})
    scalars = sorted({s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
                     - set(bases) - set(index_names))
    args = [sp.IndexedBase(n) for n in bases] + [sp.Symbol(n) for n in scalars] + \
           [sp.Symbol(n) for n in index_names]
    fn = sp.lambdify(args, expr, modules=["math"], dummify=True)
    return fn, bases, scalars


def values_of(expr, env: dict, free=()) -> np.ndarray:
    """``expr`` at every value of its free indices.

    ``free``: ``(index symbol, size)`` pairs, outermost first; ``env``: arrays, sizes, parameters
    and scalars by name. Returns an array of shape ``tuple(size for _, size in free)``.
    """
    names = tuple(i.name for i, _ in free)
    fn, bases, scalars = _compiled(sp.sympify(expr), names)
    fixed = [np.asarray(env[b]) for b in bases] + [env[s] for s in scalars]
    shape = tuple(n for _, n in free)
    out = np.empty(shape)
    for at in itertools.product(*(range(n) for n in shape)):
        try:
            out[at] = float(fn(*fixed, *at))
        except (OverflowError, ValueError, ZeroDivisionError) as exc:  # Python's math, not numpy
            raise NoExample(f"{exc} at this point") from None
    return out


def central_jacobian(f, x: np.ndarray) -> np.ndarray:
    """``∂f/∂x`` by central differences (:mod:`symbp.check.fd`): shape ``f(x).shape + x.shape``."""
    x = np.asarray(x, dtype=float)
    y_shape = np.shape(f(x))
    jac, _ = fd.jacobian(f, x)
    return jac.reshape(y_shape + x.shape)


def derivative_samples(f, points: np.ndarray) -> np.ndarray:
    """The derivative of an elementwise function of ``points`` at each point (central differences)."""
    points = np.asarray(points, dtype=float)
    return fd.directional(f, points, np.ones_like(points))


def scalar_samples(expr, symbol: sp.Symbol, points) -> np.ndarray:
    """A one-variable expression at sample points (identities and limits of the claims)."""
    fn = sp.lambdify([symbol], expr, modules=["math"])
    return np.array([float(fn(p)) for p in points])


def identity(tex: str, lhs, rhs, symbol: sp.Symbol, points=np.linspace(-4, 4, 17),
             shown=None) -> Equation:
    """``lhs = rhs`` as functions of one variable, compared at ``points``."""
    err = rel_error(scalar_samples(lhs, symbol, points), scalar_samples(rhs, symbol, points))
    return Equation(tex, tuple(shown or (lhs, rhs)), "identity at sample points", err)


def limit(tex: str, expr, symbol: sp.Symbol, value, at: float, shown=None) -> Equation:
    """``lim expr = value``: ``expr`` evaluated far out (``at``) is ``value`` to 1e-6."""
    got = scalar_samples(expr, symbol, [at])[0]
    err = abs(got - float(value))
    return Equation(tex, tuple(shown or (expr, value)), f"value at {symbol} = {at:g}", err)


def shapes_conform(tex: str, *products) -> Equation:
    """Shape bookkeeping ``(1×N) = (1×M)(M×N)``: each ``(lhs, MatMul)`` pair conforms in SymPy."""
    bad = 0
    for lhs, product in products:
        try:
            if sp.MatMul(*product.args).shape != lhs.shape:
                bad += 1
        except sp.ShapeError:
            bad += 1
    return Equation(tex, tuple(p for pair in products for p in pair), "matrix shapes conform",
                    float(bad))


def from_report(tex: str, shown, report, inputs=None, kinds=None) -> Equation:
    """Checked by ``verify``'s finite differences (the generated code printed from ``shown``)."""
    checks = [c for c in report.checks if (inputs is None or c.input in inputs)
              and (kinds is None or c.kind in kinds)]
    err = max((c.max_rel_error if c.ok else float("inf") for c in checks), default=float("inf"))
    return Equation(tex, tuple(shown), "verify: finite differences of the generated code", err)
