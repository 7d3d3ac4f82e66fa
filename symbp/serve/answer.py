"""serve.answer: "check my answer" — a student's formula against the derived backward, numerically.

A stand-in for ``symbp.check_answer`` (issue 10, on another branch): the answer is an expression
of the language in ``g`` (the upstream gradient), ``y`` (the output), the inputs and the
parameters. It is parsed by :mod:`symbp.expr` (never executed), printed to numpy by symbp's own
printer, and compared with the generated backward at random points of small distinct sizes.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

import numpy as np

from ..check.verification import rel_error, sample
from ..codegen import load
from ..codegen.kernel import compile_expression
from ..expr import module as make_module
from ..request import UsageError

TOLERANCE = 1e-6
POINTS = 3


@dataclass(frozen=True)
class Verdict:
    correct: bool
    counterexample: str = ""  # where the answer and the derivative differ, with both values


def _names_in(text: str) -> set[str]:
    """The names an answer mentions (a syntax error is left for :mod:`symbp.expr` to report)."""
    try:
        return {n.id for n in ast.walk(ast.parse(text.strip(), mode="eval")) if isinstance(n, ast.Name)}
    except SyntaxError:
        return set()


def _extras(m) -> tuple[str, ...]:
    """``g`` and ``y`` where no input or parameter of ``m`` already has the name."""
    taken = {t.name for t in m.inputs} | {p.name for p in m.params}
    return tuple(n for n in ("g", "y") if n not in taken)


def answer_module(d, answer: str):
    """The answer as a module over the inputs, ``g`` and ``y`` it uses (scalars as parameters)."""
    m = d.module
    if m.branches:
        raise UsageError(f"{m.name} has several outputs: answers are checked for one output only")
    arrays = {t.name: t.dims for t in m.inputs}
    params = {p.name: p.default for p in m.params}
    for name in _extras(m):
        if m.out_dims:
            arrays[name] = m.out_dims
        else:
            params[name] = 1.0
    used = _names_in(answer)
    shapes = {k: v for k, v in arrays.items() if k in used} or arrays  # else expr says what is wrong
    return make_module("answer", answer, shapes, params)


def _sizes(m) -> dict[str, int]:
    names = sorted({d for t in m.inputs for d in t.dims} | set(m.out_dims))
    floor = dict(m.min_sizes)
    return {d: max(2 + k, floor.get(d, 1)) for k, d in enumerate(names)}


def _show(a) -> str:
    text = np.array2string(np.asarray(a, dtype=float), precision=4, separator=", ", threshold=12)
    return " ".join(text.split())  # one line


def check_answer(d, wrt: str, answer: str, seed: int = 0) -> Verdict:
    """Is ``answer`` ∂C/∂``wrt`` of derivation ``d``? Compared at ``POINTS`` random points."""
    m = d.module
    names = [t.name for t in m.differentiable]
    if wrt not in names:
        raise UsageError(f"unknown input {wrt!r} to differentiate with respect to: "
                         f"choose from {', '.join(names)}")
    am = answer_module(d, answer)
    value_of = compile_expression(am, am.forward, am.index)
    f = load(d)
    position = [t.name for t in m.inputs].index(wrt)
    params = {p.name: p.default for p in m.params}
    rng = np.random.default_rng(seed)
    sizes = _sizes(m)
    for _ in range(POINTS):
        values = sample(m, sizes, rng, d.kinks)
        y, cache = f.forward(*[values[t.name] for t in m.inputs], **params)
        g = rng.standard_normal(np.shape(y)) if np.ndim(y) else float(rng.standard_normal())
        expected = np.asarray(f.backward(g, cache)[position], dtype=float)
        known = {**params, **{k: v for k, v in (("g", g), ("y", y)) if k in _extras(m)}, **values}
        got = np.asarray(value_of(**{t.name: known[t.name] for t in am.inputs},
                                  **{p.name: known[p.name] for p in am.params}), dtype=float)
        where = ", ".join(f"{k} = {v}" for k, v in sizes.items())
        if got.shape != expected.shape:
            return Verdict(False, f"your answer has shape {got.shape}; "
                                  f"∂C/∂{wrt} has shape {expected.shape} ({where})")
        if rel_error(got, expected) > TOLERANCE:
            inputs = "; ".join(f"{t.name} = {_show(values[t.name])}" for t in m.inputs)
            return Verdict(False, f"at {where}; {inputs}; g = {_show(g)}: ∂C/∂{wrt} is "
                                  f"{_show(expected)}, your answer gives {_show(got)}")
    return Verdict(True)
