"""check.backward: someone else's backward (numpy, or anything behind a thin adapter) against the
derivation.

``check_backward(module, forward, backward)`` calls ``forward(*arrays, **params) -> (out, cache)``
and ``backward(dout, cache)`` — the generated code's convention — at several small sizes (every size
name distinct) and random points away from kinks and ties, in the dtype asked, and compares each
gradient with the derived VJP evaluated there in float64. No finite differences: the reference is
exact, so the tolerance is the dtype's rounding only —

* float64: normwise relative error ``max|got − ref| / max|ref|`` at most ``1e-7``;
* float32: at most ``1e-4``, or ten times the error the derivative's own formula makes in float32
  at that point if that is larger (an ill-conditioned point never raises a false alarm);
* float16: ``1e-2``.

Kinks are checked where they are: points placed exactly on each kink linear in one input (ReLU's
``x = 0``, Max's ``x1 = x2``) accept any value between the derivative's two one-sided values
(any subgradient; for elementwise modules one convex combination shared by all inputs) and
nothing else. A failing gradient gets a diagnosis when one is certain (see :func:`.diagnose`).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..catalog import get
from ..derive import Derivation, derive_module
from ..spec import Module
from .compare import (NOISE_FACTOR, Diagnosis, Plan, Sample, branch_conditions, diagnose, draw,
                      hull_error, kinks, nudged, on_kink, plans, swapped, tolerance_for)
from .evaluate import _Float, evaluate, module_env, output_of
from .verification import Check, Report, flat, rel_error


@dataclass(frozen=True)
class BackwardCheck(Check):
    """A :class:`Check` of a user's backward: where the worst entry is and what it holds."""

    index: tuple = ()
    got: float = math.nan
    expected: float = math.nan
    diagnosis: Diagnosis | None = None
    note: str = ""


@dataclass(frozen=True)
class BackwardReport(Report):
    """The checks of one backward; ``str(report)`` is the message ``assert_backward`` raises."""

    dtype: str = "float64"
    tolerance: float = 1e-7
    inputs: tuple = ()

    def worst(self, name: str) -> BackwardCheck | None:
        """The check of input ``name`` with the largest error (a failing one first)."""
        mine = [c for c in self.checks if c.input == name]
        if not mine:
            return None
        return max(mine, key=lambda c: (not c.ok, c.max_rel_error if math.isfinite(c.max_rel_error)
                                        else math.inf))

    def diagnosis(self, name: str) -> Diagnosis | None:
        """The diagnosis of input ``name``'s gradient, if it is wrong and one is certain (one
        that holds away from kinks first)."""
        found = [c for c in self.checks if c.input == name and not c.ok and c.diagnosis]
        found.sort(key=lambda c: c.kind == "kink")
        return found[0].diagnosis if found else None

    def __str__(self) -> str:
        failed = len(self.failures)
        head = (f"check_backward({self.name}) in {self.dtype}, tolerance {self.tolerance:g}: "
                + (f"{failed} of {len(self.checks)} checks FAILED" if failed
                   else f"all {len(self.checks)} checks passed"))
        lines = [head]
        for name in ("forward",) + tuple(self.inputs):
            c = self.worst(name)
            if c is None:
                continue
            lines.append("  " + _describe(c))
            if not c.ok and self.diagnosis(name):
                lines.append(f"      diagnosis: {self.diagnosis(name)}")
            notes = sorted({x.note for x in self.checks if x.input == name and x.note})
            lines += [f"      note: {n}" for n in notes]
        return "\n".join(lines)


def _describe(c: BackwardCheck) -> str:
    where = f" ({c.size})" if c.size else ""
    if c.error:
        return f"{c.input}: FAILED — {c.error}{where}"
    status = "ok" if c.ok else "FAILED"
    text = f"{c.input}: {status} — worst relative error {c.max_rel_error:.2g}"
    if not c.ok:
        at = f"[{', '.join(map(str, c.index))}]" if c.index else ""
        text += (f" at {c.input}{at}{where}, {c.kind}: got {c.got:.6g}, expected {c.expected:.6g}")
    return text


# -- the target ----------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _derived(m: Module) -> Derivation:
    return derive_module(m)


def derivation_of(module) -> Derivation:
    """A catalog name, a :class:`Module` or a :class:`Derivation` -> the module's derivation."""
    if isinstance(module, str):
        module = get(module)
    if isinstance(module, Derivation):
        return module
    if isinstance(module, Module):
        return _derived(module)
    raise TypeError(f"expected a catalog name, a Module or a Derivation of one, "
                    f"not {type(module).__name__}")


# -- calling the user's code ---------------------------------------------------------------------
def _user_inputs(m: Module, plan: Plan, values: dict, dtype) -> list:
    out = []
    for t in m.inputs:
        a = np.asarray(values[t.name]).reshape(plan.shapes[t.name])
        out.append(a.copy() if t.kind == "class" else a.astype(dtype))
    return out


def _rounded(m: Module, values: dict, dtype) -> dict:
    """``values`` as the dtype holds them (float64 arrays of exactly those numbers)."""
    return {k: (v if m.input(k).kind == "class" else np.asarray(v).astype(dtype).astype(np.float64))
            for k, v in values.items()}


def _upstream(m: Module, plan: Plan, rng, dtype):
    """``(g for the user, g in index-form shape as float64)``."""
    shape = tuple(plan.dims.get(d, dict(m.size_params).get(d)) for d in m.out_dims)
    g = rng.standard_normal(shape).astype(dtype)
    if not shape:
        return dtype.type(g), np.asarray(g, dtype=np.float64)
    like = plan.shapes[m.inputs[0].name] if m.elementwise else None
    if m.branches:
        return tuple(b.reshape(like).copy() for b in g), g.astype(np.float64)
    if like is not None:
        return g.reshape(like).copy(), g.astype(np.float64)
    return g.copy(), g.astype(np.float64)


def _gradients(m: Module, grads) -> dict:
    """The user's backward result by input name (tuple per positional input, or per
    differentiable input, a dict, or a single array)."""
    names = [t.name for t in m.inputs]
    diff = [t.name for t in m.differentiable]
    if isinstance(grads, dict):
        return {n: grads.get(n) for n in diff}
    if isinstance(grads, (tuple, list)):
        if len(grads) == len(names):
            return dict(zip(names, grads))
        if len(grads) == len(diff):
            return dict(zip(diff, grads))
        raise ValueError(f"backward returned {len(grads)} gradients; expected {len(names)} "
                         f"(one per positional input of forward: {', '.join(names)})")
    if len(diff) == 1:
        return {diff[0]: grads}
    raise ValueError(f"backward returned a {type(grads).__name__}; expected a tuple with one "
                     f"gradient per input ({', '.join(names)})")


# -- the check -----------------------------------------------------------------------------------
class _Run:
    def __init__(self, d: Derivation, forward, backward, dtype, tol):
        self.d, self.m = d, d.module
        self.forward, self.backward = forward, backward
        self.dtype, self.tol = np.dtype(dtype), tol
        self.low = None if self.dtype == np.float64 else _Float(self.dtype)
        self.checks: list[BackwardCheck] = []
        self.samples: dict[str, list[Sample]] = {t.name: [] for t in self.m.differentiable}
        self.alternatives = {n: swapped(s.vjp) for n, s in d.steps.items()}

    # the derivative at a point
    def reference(self, env, name: str, plan: Plan) -> np.ndarray:
        step = self.d.steps[name]
        t = self.m.input(name)
        ref = evaluate(step.vjp, step.index, [plan.dims[x] for x in t.dims], env)
        return np.asarray(env.backend.to_float(ref)).reshape(plan.shapes[name])

    def low_env(self, values, plan, g64):
        """The same point evaluated in the low precision (``None`` in float64)."""
        if self.low is None:
            return None
        return module_env(self.m, values, plan.dims, plan.params, g64.astype(self.dtype), self.low)

    def noise(self, env_low, plan, name, ref) -> float:
        """The error the derivative's formula itself makes in the low precision, here."""
        if env_low is None:
            return 0.0
        step = self.d.steps[name]
        low = evaluate(step.vjp, step.index, [plan.dims[x] for x in self.m.input(name).dims], env_low)
        return rel_error(np.asarray(low, dtype=np.float64).reshape(ref.shape), ref)

    def call(self, plan: Plan, values: dict, g_user):
        """``(out, gradients by name)`` from the user's code, or raise with a clear message."""
        args = _user_inputs(self.m, plan, values, self.dtype)
        try:
            result = self.forward(*args, **plan.params)
        except Exception as exc:
            raise _UserError(f"forward raised {type(exc).__name__}: {exc}") from None
        if not isinstance(result, tuple) or len(result) != 2:
            raise _UserError("forward must return (out, cache)")
        out, cache = result
        try:
            grads = self.backward(g_user, cache)
        except Exception as exc:
            raise _UserError(f"backward raised {type(exc).__name__}: {exc}") from None
        try:
            return out, _gradients(self.m, grads)
        except ValueError as exc:
            raise _UserError(str(exc)) from None

    def fail_all(self, plan: Plan, kind: str, message: str):
        for t in self.m.differentiable:
            self.checks.append(BackwardCheck(self.m.name, t.name, kind, plan.label, math.inf,
                                             self.tol, message))
            self.samples[t.name].append(Sample(plan, np.zeros(0), None))

    def check_forward(self, plan: Plan, out, env, env_low, label: str):
        y = flat(output_of(env))
        tol = self.tol
        if env_low is not None:
            tol = max(tol, NOISE_FACTOR * rel_error(flat(output_of(env_low)), y))
        try:
            got = flat(out)
        except (TypeError, ValueError) as exc:
            got, error = None, f"forward output is not an array: {exc}"
        if got is not None and got.shape != y.shape:
            error = f"forward output has {got.size} entries, expected {y.size}"
            got = None
        if got is None:
            self.checks.append(BackwardCheck(self.m.name, "forward", "forward", label, math.inf,
                                             tol, error))
            return
        err = rel_error(got, y)
        k = int(np.argmax(np.abs(got - y))) if y.size else 0
        self.checks.append(BackwardCheck(self.m.name, "forward", "forward", label, err, tol,
                                         index=(k,) if y.size > 1 else (),
                                         got=float(got[k]) if got.size else math.nan,
                                         expected=float(y[k]) if y.size else math.nan))

    def run(self, plan: Plan, values: dict, g_user, g64, kind: str, label: str):
        """The user's functions at ``values``, their forward checked; ``(grads, env, env_low)``
        (the reference's values in float64 and in the user's dtype) or ``None`` when they raised
        (every input then fails as ``kind``)."""
        try:
            out, grads = self.call(plan, values, g_user)
        except _UserError as exc:
            self.fail_all(plan, kind, str(exc))
            return None
        env = module_env(self.m, values, plan.dims, plan.params, g64)
        env_low = self.low_env(values, plan, g64)
        self.check_forward(plan, out, env, env_low, label)
        return grads, env, env_low

    def compare(self, plan: Plan, values: dict, g_user, g64):
        ran = self.run(plan, values, g_user, g64, "vjp", plan.label)
        if ran is None:
            return
        grads, env, env_low = ran
        for t in self.m.differentiable:
            ref = self.reference(env, t.name, plan)
            tol = max(self.tol, NOISE_FACTOR * self.noise(env_low, plan, t.name, ref))
            alt = {}
            if self.alternatives.get(t.name) is not None:
                step = self.d.steps[t.name]
                a = evaluate(self.alternatives[t.name], step.index,
                             [plan.dims[x] for x in t.dims], env)
                alt["branch"] = np.asarray(a, dtype=np.float64).reshape(ref.shape)
            got = grads.get(t.name)
            self.checks.append(_value_check(self.m.name, t.name, "vjp", plan.label, got, ref, tol))
            arr = None if got is None else _as_array(got)
            self.samples[t.name].append(Sample(plan, ref, arr, alternatives=alt))

    def check_kink(self, kink, plan: Plan, rng):
        m = self.m
        values = draw(self.d, plan, rng)
        values, mask = on_kink(m, kink, _rounded(m, values, self.dtype), plan, rng)
        values = _rounded(m, values, self.dtype)
        g_user, g64 = _upstream(m, plan, rng, self.dtype)
        label = f"{plan.label}, on the kink {kink.text}"
        ran = self.run(plan, values, g_user, g64, "kink", label)
        if ran is None:
            return
        grads, env, env_low = ran
        sides = [module_env(m, nudged(m, kink, values, mask, s, plan), plan.dims, plan.params, g64)
                 for s in (-1, 1)]
        names = [t.name for t in m.differentiable]
        got, lows, highs, at = {}, {}, {}, {}
        for n in names:
            g = grads.get(n)
            arr = None if g is None else _as_array(g)
            if arr is None or arr.shape != tuple(plan.shapes[n]):
                self.checks.append(_value_check(m.name, n, "kink", label, g,
                                                self.reference(env, n, plan), self.tol))
                continue
            got[n] = arr
            lows[n], highs[n] = (self.reference(e, n, plan) for e in sides)
            at[n] = self.reference(env, n, plan)
        if not got:
            return
        joint = m.elementwise and len({a.shape for a in got.values()}) == 1
        errors = hull_error(got, lows, highs, joint and len(got) == len(names))
        for n in got:
            excess, best = errors[n]
            tol = max(self.tol, NOISE_FACTOR * self.noise(env_low, plan, n, at[n]))
            k = np.unravel_index(int(np.argmax(excess)), excess.shape) if excess.size else ()
            err = float(np.max(excess, initial=0.0))
            on = mask.reshape(excess.shape) if mask.size == excess.size else np.ones(excess.shape, bool)
            elsewhere = float(np.max(np.where(on, 0.0, excess), initial=0.0))
            note = ""
            if err <= tol and rel_error(got[n], at[n]) > tol:
                note = (f"on the kink {kink.text} it takes another one-sided derivative than "
                        "symbp's convention; both are subgradients")
            # wrong on the kink only: not a subgradient there (elsewhere the vjp checks speak)
            diag = Diagnosis("kink", (kink.text,)) if err > tol and elsewhere <= tol else None
            self.checks.append(BackwardCheck(
                m.name, n, "kink", label, err, tol, index=tuple(int(i) for i in k),
                got=float(got[n][k]) if excess.size else math.nan,
                expected=float(best[k]) if excess.size else math.nan, diagnosis=diag, note=note))

    def diagnose(self):
        sizes = set(self.m.out_dims) | {x for t in self.m.inputs for x in t.dims}
        for name, samples in self.samples.items():
            bad = [c for c in self.checks if c.input == name and not c.ok and c.kind == "vjp"]
            if not bad:
                continue
            found = diagnose(samples, sizes, max(c.tolerance for c in bad),
                             branch_conditions(self.d.steps[name].vjp),
                             (self.m.branches,) if self.m.branches else ())
            if found:
                self.checks = [dataclasses.replace(c, diagnosis=found)
                               if c.input == name and not c.ok and c.kind == "vjp" else c
                               for c in self.checks]


class _UserError(Exception):
    pass


def _as_array(g) -> np.ndarray:
    try:
        return np.asarray(g, dtype=np.float64)
    except (TypeError, ValueError):
        return np.full(1, np.nan)


def _value_check(module: str, name: str, kind: str, label: str, got, ref, tol) -> BackwardCheck:
    if got is None:
        return BackwardCheck(module, name, kind, label, math.inf, tol,
                             f"backward returned None for {name}")
    arr = _as_array(got)
    if arr.shape != ref.shape:
        return BackwardCheck(module, name, kind, label, math.inf, tol,
                             f"gradient of shape {arr.shape}, expected {ref.shape}")
    err = rel_error(arr, ref)
    diff = np.abs(arr - ref)
    diff = np.where(np.isfinite(diff), diff, np.inf)
    k = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.size else ()
    return BackwardCheck(module, name, kind, label, err, tol, index=tuple(int(i) for i in k),
                         got=float(arr[k]) if arr.size else math.nan,
                         expected=float(ref[k]) if ref.size else math.nan)


def check_backward(module, forward, backward, *, sizes=None, dtype=np.float64, seed: int = 0,
                   tolerance: float | None = None) -> BackwardReport:
    """Compare a hand-written backward with the derivation of ``module``.

    ``module``: a catalog name, a :class:`Module` or a :class:`Derivation`.
    ``forward(*arrays, **params) -> (out, cache)`` and ``backward(dout, cache) -> tuple`` (one
    gradient per positional input, ``None`` where not differentiable; a dict by name or a single
    array are accepted too). ``sizes``: base sizes (default ``(1, 2, 3, 5)``; each size name gets
    ``base + k``) or explicit ``{name: size}`` dicts. ``dtype``: what the arrays are given in.

    Never raises for a wrong backward (nor for one that raises): the :class:`BackwardReport` says
    what failed, where, and a diagnosis when one is certain. ``report.ok`` is the verdict.
    """
    d = derivation_of(module)
    m = d.module
    dtype = np.dtype(dtype)
    tol = tolerance_for(dtype) if tolerance is None else float(tolerance)
    rng = np.random.default_rng(seed)
    run = _Run(d, forward, backward, dtype, tol)
    for plan in plans(m, sizes):
        values = _rounded(m, draw(d, plan, rng), dtype)
        g_user, g64 = _upstream(m, plan, rng, dtype)
        run.compare(plan, values, g_user, g64)
    found = kinks(d)
    if found:
        kink_plan = plans(m, (3,))[0]
        for kink in found:
            run.check_kink(kink, kink_plan, rng)
    run.diagnose()
    return BackwardReport(m.name, tuple(run.checks), dtype=dtype.name, tolerance=tol,
                          inputs=tuple(t.name for t in m.differentiable))
