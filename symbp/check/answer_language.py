"""check.answer_language: a student's answer, parsed by the safe expression language.

An answer is an expression of :mod:`symbp.expr` (the same ``ast`` whitelist; never ``eval``) over
the module's inputs and parameters, ``g`` (the upstream gradient, shaped like the output) and ``y``
(the forward output), written in numpy notation: ``g @ W``, ``(W.T @ g.T).T``, ``sum(g, axis=0)``,
``y * (g - sum(g * y, axis=-1, keepdims=True))``. On top of the module language an answer may use
the sizes by name (``g / B``) and ``onehot(target)`` for class indices.

``_AnswerBuilder`` adds what only answers need: ``onehot``, and shape mismatches reported as
:class:`AnswerShapeError` (a wrong answer, not a malformed one).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

import sympy as sp

from ..expr import KEPT, ExpressionError, Term, _Builder, shape_text, syntax_tree
from ..names import OUTPUT, UPSTREAM
from ..spec import Module, _rename_bound, size

GRADIENT, OUTPUT_NAME = "g", "y"
ONE = KEPT  # the size of an axis kept by keepdims=True


class AnswerShapeError(ExpressionError):
    """An answer whose parts do not fit together (``g @ W.T`` with ``W`` of shape (m, n)): the
    answer is wrong, not malformed."""


class _AnswerBuilder(_Builder):
    def __init__(self, shapes, params, sizes, classes):
        super().__init__(shapes, params, elementwise=False)
        self.sizes, self.classes = set(sizes), dict(classes)
        self.reserved |= self.sizes

    def _Constant(self, node):
        term = super()._Constant(node)
        if term.expr.is_Float:  # exactly as typed: 0.3 is 3/10, and 1 + 1e-15 is not 1
            return Term(sp.Rational(repr(node.value)))
        return term

    def _Name(self, node):
        if node.id in self.sizes and node.id not in self.shapes and node.id not in self.params:
            return Term(size(node.id))
        return super()._Name(node)

    def _Call(self, node):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name == "onehot":
            return self._call_onehot(node)
        return super()._Call(node)

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
            raise AnswerShapeError(f"shape mismatch in @: {shape_text(a.dims)} @ {shape_text(b.dims)}",
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
                        raise AnswerShapeError(f"shape mismatch: {shape_text(target)} and "
                                               f"{shape_text(t.dims)}", node.col_offset + 1)
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
    """What ``g`` and ``y`` mean for ``m`` (an input of that name takes precedence; but see
    :func:`refuse_clashes`)."""
    taken = {t.name for t in m.inputs} | {p.name for p in m.params}
    return {n: n for n in (GRADIENT, OUTPUT_NAME) if n not in taken}


_MEANING = {GRADIENT: "the upstream gradient", OUTPUT_NAME: "the forward output"}


def refuse_clashes(m: Module) -> None:
    """An :class:`ExpressionError` if anything of ``m`` is named ``g`` (an answer could not name
    the upstream gradient) or a size is named ``y``. An input or parameter named ``y`` stays
    allowed, as it always was (the README's ``lsq``): in answers ``y`` is then that input."""
    owners = [("input", t.name) for t in m.inputs] + [("parameter", p.name) for p in m.params]
    owners += [("size", d) for d in dict.fromkeys([d for t in m.inputs for d in t.dims]
                                                  + list(m.out_dims) + [d for d, _ in m.size_params])]
    for kind, name in owners:
        if name == GRADIENT or (name == OUTPUT_NAME and kind == "size"):
            raise ExpressionError(
                f"{m.name} has {'an' if kind == 'input' else 'a'} {kind} named {name}, but in an "
                f"answer {name} is {_MEANING[name]}: "
                f"rename that {kind} to check answers (g and y are reserved there)")


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


__all__ = ["Answer", "AnswerShapeError", "parse_answer", "names_for", "refuse_clashes",
           "syntax_tree", "GRADIENT", "OUTPUT_NAME", "ONE"]
