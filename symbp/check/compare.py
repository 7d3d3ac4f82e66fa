"""check.compare: what checking a hand-written backward and checking a student's answer share.

* ``plans``: the sizes and parameter values to compare at (several small sizes, every size name
  distinct so that a missing transpose or a missing ``1/B`` cannot hide);
* ``draw``: random inputs away from every kink and tie (the sampling of :mod:`.verification`);
* kink points: inputs placed exactly on a kink (``x = 0`` for ReLU, ``x1 = x2`` for Max) with the
  derivative's two one-sided values there, so that any subgradient passes and nothing else does;
* ``diagnose``: cheap, certain diagnoses — the candidate equals a simple transformation of the
  derivative (negated, doubled, halved, times or over a size, transposed, not summed over the
  batch, branches exchanged) at *every* point compared.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..derive import Derivation
from ..spec import Module
from .evaluate import evaluate, module_env
from .verification import MARGIN, dims_for, rel_error, sample

DEFAULT_SIZES = (1, 2, 3, 5)
ELEMENTWISE_MATRIX = (3, 4)  # elementwise modules are also checked on a 3×4 array
TOLERANCES = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 1e-4, np.dtype(np.float16): 1e-2}
NOISE_FACTOR = 10  # in float32: also tolerate 10× the error of the derivative's own formula
KINK_STEP = 1e-9   # one-sided values of the derivative: ±KINK_STEP away from the kink


def tolerance_for(dtype) -> float:
    dt = np.dtype(dtype)
    if dt not in TOLERANCES:
        raise TypeError(f"dtype {dt} is not supported (float64, float32, float16)")
    return TOLERANCES[dt]


# -- plans ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """One set of sizes and parameters; ``shapes`` are the array shapes each input has."""

    dims: dict
    params: dict
    shapes: dict
    label: str


def _shapes(m: Module, dims: dict, matrix: tuple | None) -> dict:
    out = {}
    for t in m.inputs:
        shape = tuple(dims[d] for d in t.dims)
        out[t.name] = matrix if matrix and t.dims == ("N",) else shape
    return out


def plans(m: Module, sizes=None, uniform_first: bool = False) -> list[Plan]:
    """Plans for ``m``: ``sizes`` are base sizes (each size name gets ``base + k``, k its rank in
    alphabetical order) or explicit ``{name: size}`` dicts; every parameter set of
    ``m.check_params`` at each. ``uniform_first``: sizes all 1, then all 2, before the rest."""
    sizes = DEFAULT_SIZES if sizes is None else sizes
    all_dims = []
    if uniform_first:
        for n in (1, 2):
            all_dims.append({d: max(n, dict(m.min_sizes).get(d, 1)) for d in dims_for(m, 1)})
    for s in sizes:
        if isinstance(s, dict):
            missing = set(dims_for(m, 1)) - set(s)
            if missing:
                raise ValueError(f"sizes {s} do not give {', '.join(sorted(missing))}")
            all_dims.append(dict(s))
        else:
            all_dims.append(dims_for(m, int(s)))
    out, seen = [], set()
    defaults = {p.name: p.default for p in m.params}
    all_dims = [{**dims, **dict(m.size_params)} for dims in all_dims]
    for dims in all_dims:
        for ps in m.check_params:
            key = (tuple(sorted(dims.items())), tuple(ps))
            if key in seen:
                continue
            seen.add(key)
            label = " ".join([f"{k}={v}" for k, v in sorted(dims.items())]
                             + [f"{k}={v:g}" for k, v in ps])
            out.append(Plan(dims, {**defaults, **dict(ps)}, _shapes(m, dims, None), label))
    if m.elementwise and not m.branches and sizes == DEFAULT_SIZES:
        n = int(np.prod(ELEMENTWISE_MATRIX))
        dims = {"N": n}
        label = "shape " + "×".join(map(str, ELEMENTWISE_MATRIX))
        out.append(Plan(dims, defaults, _shapes(m, dims, ELEMENTWISE_MATRIX), label))
    return out


def draw(d: Derivation, plan: Plan, rng: np.random.Generator) -> dict:
    """Inputs of ``plan`` (float64 arrays in their index-form shapes), away from every kink."""
    return sample(d.module, plan.dims, rng, d.kinks)


# -- kinks ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Kink:
    """A kink ``expr = 0`` solvable for one input element: ``input[index] = solution``."""

    expr: sp.Expr
    input: str
    index: tuple
    solution: sp.Expr
    slope: float

    @property
    def text(self) -> str:
        return f"{plain(self.expr)} = 0"


def plain(e) -> str:
    """An elementwise expression without its indices: ``x1[i] - x2[i]`` -> ``x1 - x2``."""
    e = e.replace(lambda x: isinstance(x, sp.Indexed), lambda x: sp.Symbol(str(x.base.label)))
    return str(e).replace("_g", "g").replace("_y", "y")


def kinks(d: Derivation) -> list[Kink]:
    """The module's kinks that are linear in one differentiable input element."""
    m = d.module
    names = {t.name for t in m.differentiable}
    out = []
    for kink in d.kinks:
        target = {i for ix in kink.atoms(sp.Indexed) for i in ix.indices if isinstance(i, sp.Symbol)}
        for ix in sorted(kink.atoms(sp.Indexed), key=str):
            if str(ix.base.label) not in names or set(ix.indices) != target \
                    or len(set(ix.indices)) != len(ix.indices):
                continue
            slope = sp.diff(kink, ix)
            if not slope.is_number or slope == 0:
                continue
            solution = sp.solve(kink, ix)
            if len(solution) != 1 or solution[0].has(ix):
                continue
            out.append(Kink(kink, str(ix.base.label), tuple(ix.indices), solution[0], float(slope)))
            break
    return out


def on_kink(m: Module, kink: Kink, values: dict, plan: Plan, rng, fraction=0.5):
    """``values`` with a random ``fraction`` of ``kink.input``'s entries exactly on the kink;
    returns the new values and the mask of moved entries."""
    x = values[kink.input]
    env = module_env(m, values, plan.dims, plan.params)
    tensor = m.input(kink.input)
    at = evaluate(kink.solution, kink.index, [plan.dims[d] for d in tensor.dims], env)
    mask = rng.random(x.shape) < fraction
    if not mask.any():
        mask.flat[0] = True
    new = np.where(mask, np.asarray(at, dtype=np.float64), x)
    return {**values, kink.input: new}, mask


def nudged(m: Module, kink: Kink, values: dict, mask, side: int, plan: Plan) -> dict:
    """``values`` with the kink's entries moved ``KINK_STEP`` to the side where ``side·kink > 0``."""
    x = values[kink.input]
    step = KINK_STEP * np.maximum(1.0, np.abs(x)) * side * np.sign(kink.slope)
    return {**values, kink.input: np.where(mask, x + step, x)}


def hull_error(users: dict, lows: dict, highs: dict, joint: bool) -> dict:
    """Per input: how far the candidate lies outside the segment between the derivative's two
    one-sided values (relative to the derivative's size), entry by entry; ``joint``: one
    combination weight per entry shared by every input (elementwise modules: ``max`` sends the
    gradient to x1 *or* x2 at a tie, not to both)."""
    names = list(users)
    groups = [names] if joint else [[n] for n in names]
    out = {}
    for group in groups:
        num = sum((users[n] - lows[n]) * (highs[n] - lows[n]) for n in group)
        den = sum((highs[n] - lows[n]) ** 2 for n in group)
        lam = np.clip(np.divide(num, den, out=np.zeros_like(np.asarray(den, dtype=float)),
                                where=np.asarray(den) > 0), 0.0, 1.0)
        for n in group:
            best = lows[n] + lam * (highs[n] - lows[n])
            scale = max(np.max(np.abs(lows[n]), initial=0.0), np.max(np.abs(highs[n]), initial=0.0), 1e-8)
            out[n] = (np.abs(users[n] - best) / scale, best)
    return out


# -- the derivative with its branches exchanged --------------------------------------------------
def swapped(expr: sp.Expr) -> sp.Expr | None:
    """``expr`` with every two-branch ``Piecewise`` exchanged (``None`` if it has none)."""
    pieces = [p for p in expr.atoms(sp.Piecewise) if len(p.args) == 2]
    if not pieces:
        return None
    return expr.replace(lambda e: isinstance(e, sp.Piecewise) and len(e.args) == 2,
                        lambda e: sp.Piecewise((e.args[1].expr, e.args[0].cond),
                                               (e.args[0].expr, True)))


def branch_conditions(expr: sp.Expr) -> str:
    """The conditions of ``expr``'s two-branch ``Piecewise``, in plain text."""
    return ", ".join(sorted({plain(p.args[0].cond) for p in expr.atoms(sp.Piecewise)
                             if len(p.args) == 2}))


# -- diagnoses -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Diagnosis:
    """A named, certain explanation of a wrong gradient: ``code`` and its arguments."""

    code: str
    args: tuple = ()

    def text(self, lang: str = "en") -> str:
        from .messages import message
        return message(lang, f"diagnosis.{self.code}", *self.args)

    def __str__(self) -> str:
        return self.text("en")


@dataclass
class Sample:
    """One comparison: the derivative ``ref`` and the candidate ``got`` (any shape) at a plan,
    with ``alternatives`` (the derivative with its branches exchanged) computed there."""

    plan: Plan
    ref: np.ndarray
    got: np.ndarray | None
    axes: tuple = ()  # the size names of ref's axes
    alternatives: dict = field(default_factory=dict)


def _close(a, b, tol) -> bool:
    return np.shape(a) == np.shape(b) and rel_error(a, b) <= tol


def diagnose(samples: list[Sample], size_names, tol: float, branch_text: str = "",
             branches: tuple = ()) -> Diagnosis | None:
    """The first transformation of the derivative that reproduces the candidate at every sample
    (and differs from the derivative at one at least); ``None`` if none does."""
    if not samples or any(s.got is None for s in samples):
        return None
    hypotheses = [("sign", (), lambda s: -s.ref),
                  ("twice", (), lambda s: 2 * s.ref),
                  ("half", (), lambda s: s.ref / 2)]
    names = sorted(set(size_names))
    for k in (1, 2):
        for group in itertools.combinations(names, k):
            label = "·".join(group)
            args = (label, label if k == 1 else f"({label})")
            hypotheses.append(("missing_mean", args, lambda s, g=group: s.ref * _product(s.plan, g)))
            hypotheses.append(("extra_mean", args, lambda s, g=group: s.ref / _product(s.plan, g)))
    hypotheses.append(("transposed", (), lambda s: np.transpose(s.ref) if np.ndim(s.ref) >= 2 else None))
    hypotheses.append(("branch", (branch_text,), lambda s: s.alternatives.get("branch")))
    for code, args, predict in hypotheses:
        if _holds(samples, predict, tol):
            return Diagnosis(code, args)
    axes = _unsummed(samples, tol)
    if axes:
        return Diagnosis("unsummed_branches" if axes in branches else "unsummed", (axes,))
    return None


def _product(plan: Plan, group) -> float:
    return float(np.prod([plan.dims.get(d, 1) for d in group]))


def _holds(samples, predict, tol) -> bool:
    differs = False
    for s in samples:
        try:
            guess = predict(s)
        except (ValueError, TypeError):
            return False
        if guess is None or not _close(s.got, guess, tol):
            return False
        if np.shape(guess) != np.shape(s.ref) or rel_error(guess, s.ref) > tol:
            differs = True
    return differs


def _unsummed(samples, tol) -> str:
    """The candidate has extra leading axes, longer than 1 somewhere, and summed over them it is
    the derivative; the sizes of those axes by name (``"B"``)."""
    label = ""
    for s in samples:
        extra = np.ndim(s.got) - np.ndim(s.ref)
        if extra <= 0 or np.shape(s.got)[extra:] != np.shape(s.ref):
            return ""
        if not _close(np.sum(s.got, axis=tuple(range(extra))), s.ref, tol):
            return ""
        sizes = np.shape(s.got)[:extra]
        if np.prod(sizes) > 1:
            label = "×".join(_size_name(s.plan, n) for n in sizes)
    return label


def _size_name(plan: Plan, n: int) -> str:
    found = [d for d, v in sorted(plan.dims.items()) if v == n]
    return found[0] if len(found) == 1 else str(n)


__all__ = ["Plan", "plans", "draw", "Kink", "kinks", "on_kink", "nudged", "hull_error", "swapped",
           "Diagnosis", "Sample", "diagnose", "plain", "branch_conditions", "tolerance_for",
           "DEFAULT_SIZES", "TOLERANCES", "MARGIN"]
