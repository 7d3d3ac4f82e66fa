"""check.answer_language: a student's answer, parsed by the safe expression language.

An answer is an expression of :mod:`symbp.expr` (the same ``ast`` whitelist; never ``eval``) over
the module's inputs and parameters, ``g`` (the upstream gradient, shaped like the output) and ``y``
(the forward output), written in numpy notation: ``g @ W``, ``(W.T @ g.T).T``, ``sum(g, axis=0)``,
``y * (g - sum(g * y, axis=-1, keepdims=True))``. On top of the module language an answer may use
the sizes by name (``g / B``) and ``onehot(target)`` for class indices.

ANSWER-ONLY EXTENSIONS (to merge with issue 9's language work): ``_AnswerBuilder`` below adds
``sum``/``mean`` with ``axis=`` (an int or a tuple, negative allowed) and ``keepdims=True``, numpy
broadcasting of size-1 axes, size names as numbers and ``onehot``. Once :mod:`symbp.expr` has
``axis``/``keepdims`` itself, ``_call_reduce`` and ``broadcast`` here can go; nothing else in the
package depends on them.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

import sympy as sp

from ..expr import MAX_DEPTH, MAX_LENGTH, MAX_NODES, ExpressionError, Term, _Builder, _depth, _shape
from ..names import OUTPUT, UPSTREAM
from ..spec import Module, _rename_bound, size

GRADIENT, OUTPUT_NAME = "g", "y"
ONE = "1"  # the size of an axis kept by keepdims=True


class AnswerShapeError(ExpressionError):
    """An answer whose parts do not fit together (``g @ W.T`` with ``W`` of shape (m, n)): the
    answer is wrong, not malformed."""


class _AnswerBuilder(_Builder):
    def __init__(self, shapes, params, sizes, classes):
        super().__init__(shapes, params, elementwise=False)
        self.sizes, self.classes = set(sizes), dict(classes)
        self.reserved |= self.sizes

    def _Name(self, node):
        if node.id in self.sizes and node.id not in self.shapes and node.id not in self.params:
            return Term(size(node.id))
        return super()._Name(node)

    def _Call(self, node):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in ("sum", "mean"):
            return self._call_reduce(node, name)
        if name == "onehot":
            return self._call_onehot(node)
        return super()._Call(node)

    # -- sum(e, axis=k, keepdims=True), mean(...) ---------------------------------------------
    def _call_reduce(self, node, name):
        if any(isinstance(a, ast.Starred) for a in node.args) or not 1 <= len(node.args) <= 2:
            self.error(node, f"{name}() takes an expression and optionally axis=")
        options = {k.arg: k.value for k in node.keywords}
        if set(options) - {"axis", "keepdims"} or None in options:
            self.error(node, f"{name}() takes only the keywords axis= and keepdims=")
        if len(node.args) == 2:
            if "axis" in options:
                self.error(node, f"{name}() got axis twice")
            options["axis"] = node.args[1]
        t = self.build(node.args[0])
        axes = self._axes(options.get("axis"), len(t.idx), node)
        keep = self._flag(options.get("keepdims"), node)
        reduced = [(t.idx[a], t.dims[a]) for a in axes]
        expr = t.expr
        real = [(i, d) for i, d in reduced if d != ONE]
        if real:
            expr = sp.Sum(expr, *[(i, 0, size(d) - 1) for i, d in real])
        if name == "mean" and real:
            expr = expr / sp.Mul(*[size(d) for _, d in real])
        idx, dims = [], []
        for p, (i, d) in enumerate(zip(t.idx, t.dims)):
            if p not in axes:
                idx.append(i)
                dims.append(d)
            elif keep:
                idx.append(self.fresh())
                dims.append(ONE)
        return Term(expr, tuple(idx), tuple(dims))

    def _axes(self, node, rank, call):
        if node is None:
            return tuple(range(rank))
        items = node.elts if isinstance(node, ast.Tuple) else [node]
        axes = []
        for item in items:
            value = self._integer(item)
            if value is None:
                self.error(call, "axis must be an integer or a tuple of integers")
            if not -rank <= value < rank:
                self.error(call, f"axis {value} is out of range for an expression of {rank} axes")
            axes.append(value % rank)
        if len(set(axes)) != len(axes):
            self.error(call, "repeated axis")
        return tuple(sorted(axes))

    @staticmethod
    def _integer(node):
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = _AnswerBuilder._integer(node.operand)
            return None if inner is None else -inner
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
            return node.value
        return None

    def _flag(self, node, call):
        if node is None:
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return node.value
        self.error(call, "keepdims must be True or False")

    # -- onehot(target) -----------------------------------------------------------------------
    def _call_onehot(self, node):
        if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.Name) \
                or node.args[0].id not in self.classes:
            known = ", ".join(self.classes) or "none here"
            self.error(node, f"onehot() takes one input of class indices ({known})")
        name = node.args[0].id
        t = self.build(node.args[0])
        k = self.fresh()
        target = sp.IndexedBase(name, integer=True)[t.idx] if t.idx else sp.Symbol(name, integer=True)
        return Term(sp.KroneckerDelta(k, target), t.idx + (k,), t.dims + (self.classes[name],))

    def matmul(self, node, a, b):
        if a.idx and b.idx and len(a.idx) <= 2 and len(b.idx) <= 2 and a.dims[-1] != b.dims[0]:
            raise AnswerShapeError(f"shape mismatch in @: {_shape(a.dims)} @ {_shape(b.dims)}",
                                   node.col_offset + 1)
        return super().matmul(node, a, b)

    # -- numpy broadcasting, size-1 axes included ----------------------------------------------
    def broadcast(self, node, *terms):
        rank = max(len(t.idx) for t in terms)
        target = [ONE] * rank
        for t in terms:
            offset = rank - len(t.dims)
            for p, d in enumerate(t.dims):
                if d != ONE:
                    if target[offset + p] not in (ONE, d):
                        raise AnswerShapeError(f"shape mismatch: {_shape(target)} and "
                                               f"{_shape(t.dims)}", node.col_offset + 1)
                    target[offset + p] = d
        fixed = []
        for t in terms:
            offset = rank - len(t.dims)
            dims = tuple(target[offset + p] if d == ONE else d for p, d in enumerate(t.dims))
            idx = tuple(self.fresh() if d == ONE and target[offset + p] != ONE else i
                        for p, (i, d) in enumerate(zip(t.idx, t.dims)))
            fixed.append(Term(t.expr, idx, dims))
        return super().broadcast(node, *fixed)


@dataclass(frozen=True)
class Answer:
    """A parsed answer: ``expr`` over the indices ``index`` (the input's, where the shape is
    right) with sizes ``dims``; ``g``, ``y`` and the inputs are the derivation's own symbols."""

    text: str
    expr: sp.Expr
    index: tuple
    dims: tuple


def names_for(m: Module) -> dict[str, str]:
    """What ``g`` and ``y`` mean for ``m`` (an input of that name takes precedence)."""
    taken = {t.name for t in m.inputs} | {p.name for p in m.params}
    return {n: n for n in (GRADIENT, OUTPUT_NAME) if n not in taken}


def parse_answer(m: Module, text: str, wrt_index: tuple) -> Answer:
    """Parse ``text`` as an answer for a VJP of ``m`` whose entries are indexed by ``wrt_index``."""
    shapes = {t.name: t.dims for t in m.inputs}
    names = names_for(m)
    for n in names:
        shapes[n] = tuple(m.out_dims)
    sizes = {d for t in m.inputs for d in t.dims} | set(m.out_dims)
    classes = {}
    for t in m.inputs:
        if t.kind == "class":
            other = next((x for x in m.inputs if x.kind == "real" and x.dims[:len(t.dims)] == t.dims
                          and len(x.dims) == len(t.dims) + 1), None)
            if other is not None:
                classes[t.name] = other.dims[-1]
    builder = _AnswerBuilder(shapes, {p.name: p.default for p in m.params}, sizes, classes)
    term = builder.build(syntax_tree(text))
    bases = {t.name: t.base for t in m.inputs}
    if GRADIENT in names:
        bases[GRADIENT] = UPSTREAM.base
    if OUTPUT_NAME in names:
        bases[OUTPUT_NAME] = OUTPUT.base
    scalars = {}
    if not m.out_dims:
        scalars = {sp.Symbol(n, real=True): (UPSTREAM if n == GRADIENT else OUTPUT).scalar for n in names}
    expr = term.expr.replace(
        lambda e: isinstance(e, sp.Indexed) and str(e.base.label) in bases,
        lambda e: bases[str(e.base.label)][e.indices]).xreplace(scalars)
    expr = _rename_bound(expr, "_a")
    index = tuple(term.idx)
    if len(wrt_index) == len(term.idx):
        expr = expr.xreplace(dict(zip(term.idx, wrt_index)))
        index = tuple(wrt_index)
    return Answer(text, expr, index, tuple(term.dims))


def syntax_tree(text: str) -> ast.Expression:
    """``text`` parsed by :mod:`ast` under the language's limits (length, nodes, depth)."""
    if not isinstance(text, str):
        raise ExpressionError("the answer must be a string")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression too long ({len(text)} characters, at most {MAX_LENGTH})")
    if not text.strip():
        raise ExpressionError("empty expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error: {exc.msg}", exc.offset) from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise ExpressionError(f"expression too large ({count} nodes, at most {MAX_NODES})")
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"expression nested too deeply (at most {MAX_DEPTH} levels)")
    return tree


__all__ = ["Answer", "AnswerShapeError", "parse_answer", "names_for", "syntax_tree", "GRADIENT",
           "OUTPUT_NAME", "ONE"]
