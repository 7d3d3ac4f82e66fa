"""verify: Derivation -> Report. The derivative checked against central finite differences.

Everything runs in float64. Points are drawn from each input's interval and pushed away from the
forward's kinks (ReLU at 0, Max at ties) by more than the finite-difference step. Two checks:

* ``jacobian``: at small sizes, the whole Jacobian from central differences (step ``1e-4·max(1,|x|)``
  per coordinate) against the Jacobian assembled row by row from the VJP;
* ``directional``: at large sizes (~10⁵ elements), ``⟨(f(x+hv) - f(x-hv))/2h, g⟩`` against
  ``⟨v, VJP(g)⟩`` along random ``v``, ``g`` — two pairs of evaluations at any size (steps ``h`` and
  ``h/2``, Richardson-extrapolated: a sum over 10⁵ inputs moves far more than one coordinate).

Relative error is ``max|A - B| / max(|A|, |B|, floor)`` (normwise), the floor being the rounding
noise of the finite differences divided by the tolerance (``ε·|f|/h``): an exactly zero Jacobian
passes, a wrong one still fails. The whole-Jacobian check also tries the Richardson-extrapolated
difference and keeps the smaller error (a large third derivative is not a wrong derivative).

Sample points (:mod:`symbp.check.sampling`) keep off every kink and inside the domain. A check
that fails proves nothing where no draw could leave a kink that vanishes identically at that size
(``log_softmax`` of one element), or enter the domain, or where the forward is not finite at the
point or a step from it (outside the domain): it is listed in ``Report.skipped`` with the reason,
and the other sizes check that input. A report with no check at all is not ``ok``.

A check that fails at step ``h`` is tried again at ``h/10`` and ``h/100`` (:data:`REFINE`) and
keeps the smallest error: a correct derivative of a stiff function (``tanh(1000·x)``) converges,
a wrong one never does.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..derive import Derivation
from ..codegen.kernel import build_kernel
from ..lower.functions import Total
from ..names import LOSS_GRAD
from . import fd
from .sampling import LARGE_ELEMENTS, MARGIN, SCALES, _dims_for, dims_for, draw, sample  # noqa: F401

SMALL_SIZES = (1, 2, 3, 5)
TOLERANCE = 1e-6
STEP = fd.STEP
REFINE = (1, 10, 100)        # a failing check tried again at h/10, h/100: the smallest error kept
NOISE = 8 * np.finfo(float).eps  # rounding error of one evaluation, relative to |f|


@dataclass(frozen=True)
class Check:
    module: str
    input: str
    kind: str
    size: str
    max_rel_error: float
    tolerance: float
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.max_rel_error <= self.tolerance)


@dataclass(frozen=True)
class Report:
    name: str
    checks: tuple[Check, ...]
    skipped: tuple[str, ...] = ()  # "x at n=1": failed on a kink no draw could leave (verify_module)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def max_rel_error(self) -> float:
        return max((c.max_rel_error for c in self.checks), default=float("nan"))

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)


FLOOR = 1e-8  # below this the two sides are both zero up to rounding


def rel_error(a, b, noise: float = 0.0) -> float:
    """``max|a - b| / max(|a|, |b|, FLOOR, noise / TOLERANCE)``: differences at the level of the
    finite differences' rounding ``noise`` (absolute) are not errors."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0), FLOOR,
                noise / TOLERANCE)
    if not np.all(np.isfinite(a)) or not np.all(np.isfinite(b)):
        return float("inf")
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b), initial=0.0) / scale)


# -- evaluation ---------------------------------------------------------------------------------
class _Evaluator:
    """The forward and backward under test: the generated ones, or ``implementation``'s."""

    def __init__(self, d: Derivation, implementation=None):
        self.module = d.module
        if implementation is None:
            ns = build_kernel(d).compile()
            self.forward = ns[f"{d.module.name}_forward"]
            self.backward = ns[f"{d.module.name}_backward"]
        else:
            self.forward, self.backward = implementation.forward, implementation.backward
        self.position = {t.name: k for k, t in enumerate(d.module.inputs)}

    params: dict = {}

    def f(self, values: dict) -> np.ndarray:
        out, _ = self.forward(*[values[t.name] for t in self.module.inputs], **self.params)
        return flat(out)

    def vjp(self, values: dict, g_flat: np.ndarray, name: str) -> np.ndarray:
        out, cache = self.forward(*[values[t.name] for t in self.module.inputs], **self.params)
        g = _unflat(g_flat, out)
        grads = self.backward(g, cache)
        return np.asarray(grads[self.position[name]], dtype=float).ravel()


def flat(out) -> np.ndarray:
    """A forward's output (an array, or a tuple of arrays for Duplicate) as one float64 vector."""
    if isinstance(out, (tuple, list)):
        return np.concatenate([np.asarray(o, dtype=float).ravel() for o in out])
    return np.asarray(out, dtype=float).ravel()


def _unflat(g: np.ndarray, like):
    if isinstance(like, tuple):
        parts = np.split(g, len(like))
        return tuple(p.reshape(np.shape(o)) for p, o in zip(parts, like))
    if np.ndim(like) == 0:
        return float(g[0])
    return g.reshape(np.shape(like))


class OutsideDomain(Exception):
    """The forward is not finite at the point or a step from it: nothing to compare."""


def _finite(a: np.ndarray, where: str) -> np.ndarray:
    if not np.all(np.isfinite(a)):
        raise OutsideDomain(f"the forward is not finite {where}: outside its domain")
    return a


def _refined(error_at, divisors) -> float:
    """``error_at(h_scale)`` at ``h/divisor`` for each divisor until one passes; the smallest."""
    best = float("inf")
    for divisor in divisors:
        best = min(best, error_at(1.0 / divisor))
        if best <= TOLERANCE:
            break
    return best


def _jacobian_check(ev: _Evaluator, values: dict, name: str, divisors=REFINE) -> float:
    x = values[name]
    y0 = _finite(ev.f(values), "at the point")

    def f_of(a):
        return ev.f({**values, name: a})
    j_vjp = np.empty((y0.size, x.size))
    for o in range(y0.size):
        g = np.zeros(y0.size)
        g[o] = 1.0
        j_vjp[o] = ev.vjp(values, g, name)

    def error_at(scale):
        h = fd.steps(x).ravel() * scale
        j_h, big = fd.jacobian(f_of, x, h)
        _finite(j_h, "a step from the point")
        noise = NOISE * max(big, 1.0) / np.min(h, initial=1.0)  # intermediates are at least O(1)
        err = rel_error(j_h, j_vjp, noise)
        if err <= TOLERANCE:
            return err
        # Richardson: (4 D(h/2) - D(h)) / 3 cancels the h² term (a large third derivative is no error)
        j_half, _ = fd.jacobian(f_of, x, h / 2)
        return min(err, rel_error((4 * j_half - j_h) / 3, j_vjp, 3 * noise))
    return _refined(error_at, divisors)


def _directional_check(ev: _Evaluator, values: dict, name: str, rng, divisors=REFINE) -> float:
    x = values[name]
    v = fd.unit_direction(rng, x.shape)
    y0 = _finite(ev.f(values), "at the point")
    g = rng.standard_normal(y0.size)
    rhs = float(v.ravel() @ ev.vjp(values, g, name))

    def error_at(scale):
        h = scale * STEP * max(1.0, float(np.max(np.abs(x), initial=0.0)))
        along = _finite(fd.directional(lambda a: ev.f({**values, name: a}), x, v, h),
                        "a step from the point")
        noise = 3 * NOISE * float(np.maximum(np.abs(y0), 1.0) @ np.abs(g)) / (h / 2)
        return rel_error(float(along @ g), rhs, noise)
    return _refined(error_at, divisors)


def _check(kind: str, ev: _Evaluator, point, name: str, rng, directions: int) -> float:
    # across a jump every step measures the jump: smaller ones would only pass by luck
    divisors = REFINE if point.off_kinks else REFINE[:1]
    if kind == "jacobian":
        return _jacobian_check(ev, point.values, name, divisors)
    return max(_directional_check(ev, point.values, name, rng, divisors) for _ in range(directions))


NO_DOMAIN = f"no point of its domain found, inputs drawn from up to {SCALES[-1]}× their intervals"


def _doubt(point, err: float) -> str:
    """Why a failing check at ``point`` proves nothing ("" where it does)."""
    if err <= TOLERANCE:
        return ""
    if not point.in_domain:
        return NO_DOMAIN
    if not point.off_kinks:
        return "on a kink that vanishes identically at that size"
    return ""


def verify_module(d: Derivation, seed: int = 0, sizes=SMALL_SIZES, large: bool = True,
                  directions: int = 2, implementation=None) -> Report:
    """Check every VJP of ``d`` against finite differences; never raises for a wrong derivative.

    ``implementation``: an object with ``forward``/``backward`` in the generated-code convention
    to check instead of the generated code (what ``symbp.load(d)`` returns, or your own)."""
    m = d.module
    rng = np.random.default_rng(seed)
    checks = []
    try:
        ev = _Evaluator(d, implementation)
    except Exception as exc:  # a derivation that cannot even be printed fails every check
        return Report(m.name, (Check(m.name, "*", "compile", "-", float("inf"), TOLERANCE,
                                     f"{type(exc).__name__}: {exc}"),))
    plans = [("jacobian", _dims_for(m, s, False)) for s in sizes]
    if large:
        plans.append(("directional", _dims_for(m, 0, True)))
    plans = [(kind, dims, dict(ps)) for ps in m.check_params for kind, dims in plans]
    skipped = []
    for kind, dims, params in plans:
        label = " ".join(f"{k}={v}" for k, v in {**dims, **params}.items())
        ev.params = params
        point = draw(m, dims, rng, d.kinks)
        for x in m.differentiable:
            try:
                with np.errstate(all="ignore"):  # values outside the domain are judged, not warned
                    err = _check(kind, ev, point, x.name, rng, directions)
            except OutsideDomain as exc:
                skipped.append(f"{x.name} at {label} ({exc if point.in_domain else NO_DOMAIN})")
                continue
            except Exception as exc:
                checks.append(Check(m.name, x.name, kind, label, float("inf"), TOLERANCE,
                                    f"{type(exc).__name__}: {exc}"))
                continue
            doubt = _doubt(point, err)
            if doubt:  # differences across a jump or outside the domain prove nothing
                skipped.append(f"{x.name} at {label} ({doubt})")
                continue
            checks.append(Check(m.name, x.name, kind, label, err, TOLERANCE))
    return Report(m.name, tuple(checks), tuple(skipped))


# -- update rules -------------------------------------------------------------------------------
def verify_rule(rd, seed: int = 0, sizes=SMALL_SIZES, large: bool = True) -> Report:
    """Check ``∂L/∂w`` of an update rule and the update it makes.

    ``C`` is a random separable quadratic (its gradient is exact); ``L = C + R`` is differenced
    numerically. ``gradient``: the derived ``∂L/∂w`` against those differences (whole gradient at
    small sizes, directional at 10⁵). ``update``: the generated step with ``grad = ∇C`` against the
    rule's step applied to the finite-difference ``∇L``.
    """
    from ..codegen.kernel import compile_source, rule_source, step_function_source
    rule = rd.rule
    rng = np.random.default_rng(seed)
    params = {p.name: p.default for p in rule.params}
    if rule.counter:
        params[rule.counter] = 3
    # keep the penalty's effect visible next to C's gradient
    if "alpha" in params:
        params["alpha"] = 0.3
    name = rule.name
    checks = []
    try:
        step = compile_source(rule_source(rd), f"{name}_step")
        template = [(n, e.xreplace({LOSS_GRAD.base[e.atoms(sp.Indexed).pop().indices[0]]: sp.Symbol("dL")}))
                    for n, e in rule.step]
        reference = compile_source(step_function_source(
            "reference", ["w", "dL", *rule.state], list(params.items()), template,
            ["w", *rule.state]), "reference")
        penalty = _penalty_value(rule)
    except Exception as exc:
        return Report(name, (Check(name, "w", "compile", "-", float("inf"), TOLERANCE,
                                   f"{type(exc).__name__}: {exc}"),))

    def loss(w, a, b):
        return float(np.sum(0.5 * a * w * w + b * w)) + penalty(w, params)

    plans = [("gradient", s) for s in sizes] + ([("directional", LARGE_ELEMENTS)] if large else [])
    for kind, n in plans:
        w = rng.uniform(-2, 2, n)
        w = np.where(np.abs(w) < MARGIN, w + np.sign(w + 1e-300) * 2 * MARGIN, w)  # |w| kink
        a, b = rng.uniform(0.5, 2, n), rng.uniform(-1, 1, n)
        grad_c = a * w + b
        state = [rng.uniform(0.1, 1, n) for _ in rule.state]
        label = f"N={n}"
        try:
            derived = _loss_grad_value(rd, w, grad_c, params)
            if kind == "gradient":
                grad_l = fd.gradient(lambda x: loss(x, a, b), w)
                checks.append(Check(name, "w", "gradient", label, rel_error(grad_l, derived), TOLERANCE))
                new = _as_tuple(step(w.copy(), grad_c, *[s.copy() for s in state], **params))
                ref = _as_tuple(reference(w.copy(), grad_l, *[s.copy() for s in state], **params))
                err = max(rel_error(x, y) for x, y in zip(new, ref))
                checks.append(Check(name, "w", "update", label, err, TOLERANCE))
            else:
                v = fd.unit_direction(rng, n)
                along = float(fd.directional(lambda x: loss(x, a, b), w, v))
                checks.append(Check(name, "w", "directional", label,
                                    rel_error(along, float(v @ derived)), TOLERANCE))
        except Exception as exc:
            checks.append(Check(name, "w", kind, label, float("inf"), TOLERANCE,
                                f"{type(exc).__name__}: {exc}"))
    return Report(name, tuple(checks))


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _penalty_value(rule):
    """``R(w)`` as a numpy function (the generated loss of the penalty module)."""
    from ..codegen.kernel import compile_source, step_function_source
    if rule.penalty == 0:
        return lambda w, params: 0.0
    names = sorted(p.name for p in rule.params)
    reduced = rule.penalty.replace(lambda e: isinstance(e, sp.Sum), lambda e: Total(e.function))
    src = step_function_source("penalty", ["w"], [(n, 0.0) for n in names], [("value", reduced)],
                               ["value"])
    fn = compile_source(src, "penalty")
    return lambda w, params: float(fn(w, **{k: params[k] for k in names}))


def _loss_grad_value(rd, w, grad, params) -> np.ndarray:
    from ..codegen.kernel import compile_source, step_function_source
    names = sorted(p.name for p in rd.rule.params)
    src = step_function_source("loss_grad", ["w", "grad"], [(n, params[n]) for n in names],
                               [("value", rd.loss_grad)], ["value"])
    return np.broadcast_to(compile_source(src, "loss_grad")(w, grad), w.shape)
