"""lower.ir: the typed array program between lowering and printing.

One frozen dataclass per operation. Every node names its ``target`` (an array symbol) and knows
its inputs: ``deps()`` gives the symbols it reads, with multiplicity, so caches and use counts are
computed from the program, never from printed text. Printers print a node's right-hand side by a
``_print_<Node>`` method (:mod:`symbp.codegen.printing` for numpy, :mod:`symbp.docs.latex` for
documents).

============  ============================================================================
node          meaning
============  ============================================================================
``View``      realign axes without copying: squeeze kept size-1 axes, permute, add new axes
``Assign``    an elementwise SymPy expression over array symbols
``Reduce``    the sum (or max) of an elementwise expression over ``axis`` (``None``: every axis)
``Contract``  ``left @ right`` (each optionally transposed): a sum over one shared index
``OneHot``    ``classes[..., None] == arange(size)``: ``KroneckerDelta(j, t[c])``
``Gather``    ``source[..., classes[...]]``: ``x[c, t[c]]``
``Item``      one array of a tuple of arrays (Duplicate's upstream gradients)
``TupleSum``  the sum of every array of a tuple
============  ============================================================================
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields, replace

import sympy as sp

Axis = int | tuple[int, ...] | None
Index = tuple  # of ":" (a full slice), None (a new axis) or an integer


class NonFiniteError(ValueError):
    """A value of the program is a SymPy infinity or NaN (``1/0``, ``log(0)``)."""


_NON_FINITE = (sp.zoo, sp.oo, -sp.oo, sp.nan)


def _finite(expr: sp.Basic, where: str) -> None:
    if isinstance(expr, sp.Basic) and any(expr.has(v) for v in _NON_FINITE):
        raise NonFiniteError(f"{where} is not finite: {expr}")


@dataclass(frozen=True)
class Node:
    """An operation of the array program, assigning its value to ``target``."""

    target: sp.Symbol

    def __post_init__(self):
        for value in self.operands():
            _finite(value, f"an operand of {type(self).__name__} {self.target}")

    def operands(self) -> tuple[sp.Basic, ...]:
        """The SymPy values this node reads (symbols or elementwise expressions)."""
        return tuple(getattr(self, f.name) for f in fields(self)
                     if f.name != "target" and isinstance(getattr(self, f.name), sp.Basic))

    def deps(self) -> Counter:
        """Symbols read, with the number of times each occurs."""
        count: Counter = Counter()
        for value in self.operands():
            count.update(s for s in sp.preorder_traversal(value) if isinstance(s, sp.Symbol))
        return count

    def substitute(self, mapping: dict) -> "Node":
        """The same node with symbols replaced in every operand (``target`` kept)."""
        changes = {f.name: getattr(self, f.name).xreplace(mapping) for f in fields(self)
                   if f.name != "target" and isinstance(getattr(self, f.name), sp.Basic)}
        return replace(self, **changes)


@dataclass(frozen=True)
class View(Node):
    source: sp.Symbol
    squeeze: Index | None = None   # index that drops kept size-1 axes
    perm: tuple[int, ...] | None = None
    expand: Index | None = None    # index that adds new axes


@dataclass(frozen=True)
class Assign(Node):
    expr: sp.Expr


@dataclass(frozen=True)
class Reduce(Node):
    expr: sp.Expr
    axis: Axis = None
    keepdims: bool = False
    op: str = "sum"            # "sum" or "max"


@dataclass(frozen=True)
class Contract(Node):
    left: sp.Symbol
    left_t: bool
    right: sp.Symbol
    right_t: bool


@dataclass(frozen=True)
class OneHot(Node):
    classes: sp.Symbol
    size: sp.Expr


@dataclass(frozen=True)
class Gather(Node):
    source: sp.Symbol
    classes: sp.Symbol


@dataclass(frozen=True)
class Item(Node):
    source: sp.Symbol
    position: int


@dataclass(frozen=True)
class TupleSum(Node):
    source: sp.Symbol


NODES = (View, Assign, Reduce, Contract, OneHot, Gather, Item, TupleSum)
ELEMENTWISE = (Assign, Reduce)  # nodes whose ``expr`` is elementwise (shared by CSE)


def depends_on(nodes, exprs) -> set[sp.Symbol]:
    """Targets of the nodes that ``exprs`` read, directly or through other nodes."""
    by_target = {n.target: n for n in nodes}
    seen: set = set()
    todo = [s for e in exprs for s in e.free_symbols]
    while todo:
        sym = todo.pop()
        if sym in by_target and sym not in seen:
            seen.add(sym)
            todo += list(by_target[sym].deps())
    return seen


def occurrences(expr: sp.Basic, sym: sp.Symbol) -> int:
    return sum(1 for s in sp.preorder_traversal(expr) if s == sym)
