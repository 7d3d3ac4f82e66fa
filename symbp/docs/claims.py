"""claims: the course notes' statements about each module, each one a SymPy computation.

A claim is ``(key, equation, holds)``: ``key`` names its prose in :mod:`symbp.docs.lang`,
``equation`` is the computation as shown on the page — printed from SymPy and checked numerically
like every display formula — and ``holds`` is what SymPy found: the page says "proved" only when
it is ``True``. Each claim is one short function, keyed by module name.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.simplify.simplify import factor_sum

from ..codegen import load
from ..derive.index import in_range, pull_out_of_sums
from ..names import RULE_INDEX, RULE_SUM_INDEX, UPSTREAM, WEIGHTS
from .equations import Equation, derivative_samples, identity, limit, rel_error, scalar_samples
from .formulas import combined, row_total
from .latex import latex
from .points import ModulePoint, RulePoint

x = sp.Symbol("x", real=True)
SIGMOID = 1 / (1 + sp.exp(-x))


@dataclass(frozen=True)
class Claim:
    key: str
    equation: Equation
    holds: bool

    @property
    def latex(self) -> str:
        return self.equation.tex


def _derivative_samples(tex, f, df, var=x, points=np.linspace(-4, 4, 17)) -> Equation:
    """``df`` against central differences of ``f`` at ``points``."""
    numeric = derivative_samples(lambda p: scalar_samples(f, var, p), points)
    return Equation(tex, (f, df), "central differences at sample points",
                    rel_error(scalar_samples(df, var, points), numeric))


def _sigmoid(d):
    e0 = sp.exp(x) / (sp.exp(x) + sp.exp(0))
    yield Claim("claim.sigmoid.pair",
                identity(rf"\operatorname{{softmax}}(x, 0)_1 = {sp.latex(e0)} = {sp.latex(SIGMOID)}",
                         e0, SIGMOID, x),
                sp.simplify(e0 - SIGMOID) == 0)
    dsig = sp.diff(SIGMOID, x)
    lim_hi, lim_lo = sp.limit(dsig, x, sp.oo), sp.limit(dsig, x, -sp.oo)
    tex = (rf"\sigma'(x) = {sp.latex(dsig)}, \quad \lim_{{x\to+\infty}} \sigma'(x) = "
           rf"{sp.latex(lim_hi)}, \quad \lim_{{x\to-\infty}} \sigma'(x) = {sp.latex(lim_lo)}")
    parts = [_derivative_samples("", SIGMOID, dsig), limit("", dsig, x, lim_hi, 40.0),
             limit("", dsig, x, lim_lo, -40.0)]
    yield Claim("claim.sigmoid.vanishing", combined(tex, parts), lim_hi == 0 and lim_lo == 0)
    log_sig = sp.log(sp.exp(x) / (sp.exp(x) + 1))
    rewritten = x - sp.log(1 + sp.exp(x))
    same = sp.simplify(sp.expand_log(log_sig, force=True) - rewritten) == 0
    slope = sp.diff(rewritten, x)
    lim = sp.limit(slope, x, -sp.oo)
    tex = (rf"\log\frac{{e^x}}{{e^x + 1}} = {sp.latex(rewritten)}, \quad "
           rf"\frac{{d}}{{dx}}\left({sp.latex(rewritten)}\right) = {sp.latex(slope)} "
           rf"\xrightarrow[x\to-\infty]{{}} {sp.latex(lim)}")
    parts = [identity("", log_sig, rewritten, x), _derivative_samples("", rewritten, slope),
             limit("", slope, x, lim, -40.0)]
    yield Claim("claim.sigmoid.logsigmoid", combined(tex, parts), same and lim == 1)


def _row_sum(d):
    m = d.module
    b, i = m.index
    total = factor_sum(sp.Sum(m.forward, (i, 0, sp.Symbol("n", integer=True, positive=True) - 1)))
    value = sp.simplify(_rename_dummies(total))
    point = ModulePoint(d)
    sums = point.out.sum(axis=-1)
    tex = rf"\sum_{{i}} y_{{bi}} = \sum_i {latex(m.forward)} = {sp.latex(value)}"
    eq = Equation(tex, (total, value), "row sums of the forward at a point",
                  rel_error(sums, np.full_like(sums, float(value))))
    yield Claim("claim.softmax.sum", eq, value == 1)


def _rename_dummies(expr):
    """Give every summation the same dummy name, so equal sums cancel."""
    dummy = sp.Symbol("_k", integer=True)
    return expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1,
                        lambda e: sp.Sum(e.function.xreplace({e.limits[0][0]: dummy}),
                                         (dummy, *e.limits[0][1:])))


def _log_softmax(d):
    m = d.module
    b, i, xb, total = row_total(d)
    softmax = sp.exp(xb[b, i]) / total
    expanded = sp.expand_log(sp.log(softmax), force=True)
    point = ModulePoint(d)
    eq = point.forward_equation(rf"\log {latex(softmax)} = {latex(expanded)}", shown=(expanded,))
    yield Claim("claim.log_softmax.lse", eq, sp.simplify(expanded - m.forward) == 0)
    yield Claim("claim.log_softmax.saturation", *_saturation())


def _saturation():
    """The notes' claim that log-softmax cures softmax's vanishing gradient, made precise: with
    ``p = σ(x)`` (two classes, logits ``(x, 0)``), ``∂p/∂x = p(1-p) -> 0`` while
    ``∂ log p/∂x = 1 - p -> 1`` as ``x -> -∞``: the log keeps a gradient where the prediction
    is confidently wrong; softmax itself still saturates."""
    p = sp.Symbol("p", positive=True)
    dp = sp.simplify(sp.diff(SIGMOID, x).subs(sp.exp(-x), (1 - p) / p))
    dlogp = sp.simplify(sp.diff(sp.log(SIGMOID), x).subs(sp.exp(-x), (1 - p) / p))
    at_zero = (sp.limit(dp, p, 0), sp.limit(dlogp, p, 0))
    tex = (rf"\frac{{\partial p}}{{\partial x}} = {sp.latex(sp.factor(dp))} \xrightarrow[p\to 0]{{}} "
           rf"{sp.latex(at_zero[0])}, \qquad \frac{{\partial \log p}}{{\partial x}} = "
           rf"{sp.latex(dlogp)} \xrightarrow[p\to 0]{{}} {sp.latex(at_zero[1])}")
    as_x = {p: SIGMOID}
    parts = [_derivative_samples("", SIGMOID, dp.subs(as_x)),
             _derivative_samples("", sp.log(SIGMOID), dlogp.subs(as_x)),
             limit("", dp.subs(as_x), x, at_zero[0], -40.0),
             limit("", dlogp.subs(as_x), x, at_zero[1], -40.0)]
    return combined(tex, parts), at_zero == (0, 1)


def _duplicate(d):
    step = d.steps["x"]
    g = UPSTREAM.base
    ok = isinstance(step.vjp, sp.Sum) and step.vjp.function == g[step.vjp.limits[0][0], step.index[0]]
    eq = ModulePoint(d).vjp(rf"\frac{{\partial C}}{{\partial x_c}} = {latex(step.vjp)}", step.vjp, "x")
    yield Claim("claim.duplicate.sum", eq, ok)


def _add(d):
    g = UPSTREAM.base
    point = ModulePoint(d)
    parts = [point.vjp(rf"\frac{{\partial C}}{{\partial {latex(st.input.base[st.index])}}} = "
                       rf"{latex(st.vjp)}", st.vjp, name) for name, st in d.steps.items()]
    eq = combined(r", \quad ".join(p.tex for p in parts), parts)
    yield Claim("claim.add.pass", eq, all(st.vjp == g[st.index] for st in d.steps.values()))


def _max(d):
    point = ModulePoint(d)
    parts = [point.vjp(rf"\frac{{\partial C}}{{\partial {latex(st.input.base[st.index])}}} = "
                       rf"{latex(st.vjp)}", st.vjp, name) for name, st in d.steps.items()]
    x1 = d.steps["x1"]
    c = x1.index[0]
    a, b = d.module.inputs[0].base[c], d.module.inputs[1].base[c]
    g = UPSTREAM.base[c]
    at = {a: 2, b: 1}, {a: 1, b: 2}, {a: 1, b: 1}
    wins = [x1.vjp.xreplace(v).subs(g, 1) for v in at]
    yield Claim("claim.max.route", combined(r", \quad ".join(p.tex for p in parts), parts),
                wins == [1, 0, 0])


def _relu(d):
    step = d.steps["x"]
    c = step.index[0]
    xc = d.module.inputs[0].base[c]
    at_zero = step.vjp.xreplace({xc: 0})
    g = UPSTREAM.base[c]
    point = ModulePoint(d, inputs={"x": np.zeros(3)}, g=[1.0, -2.0, 0.5])
    code = point.code_backward()["x"]
    eq = Equation(rf"\left.\frac{{\partial C}}{{\partial x_c}}\right|_{{x_c = 0}} = {latex(at_zero)}",
                  (at_zero,), "the generated numpy backward at x = 0", rel_error(code, point.g))
    yield Claim("claim.relu.zero", eq, at_zero == g)


def _sgd_l2(rd):
    i, k, w = RULE_INDEX, RULE_SUM_INDEX, WEIGHTS
    N = sp.Symbol("N", integer=True, positive=True)
    norm2 = sp.Sum(w[k] ** 2, (k, 0, N - 1))
    d_norm = in_range(sp.diff(norm2, w[i]))
    alpha = sp.Symbol("alpha", real=True)
    point = RulePoint(rd)
    tex = (rf"R = \Vert w \Vert^2 = {latex(norm2)}, \quad \frac{{\partial R}}{{\partial w_i}} = "
           rf"{latex(d_norm)}, \quad \frac{{\partial (\alpha R)}}{{\partial w_i}} = {latex(rd.penalty_grad)}")
    eq = point.penalty_gradient(tex)
    yield Claim("claim.sgd_l2.notes", eq,
                d_norm == 2 * w[i] and sp.simplify(rd.penalty_grad - 2 * alpha * w[i]) == 0
                and sp.simplify(rd.rule.penalty - alpha * norm2) == 0)


def _dropout(d):
    from sympy.stats import Bernoulli, E
    p = sp.Symbol("p", positive=True)
    xs = sp.Symbol("x", real=True)
    mask = Bernoulli("m", 1 - p)
    scaled = sp.simplify(E(xs * mask / (1 - p)))
    unscaled = sp.simplify(E(xs * mask))
    tex = (rf"m \sim \mathrm{{Bernoulli}}(1-p): \quad \mathbb{{E}}\left[\frac{{x\,m}}{{1-p}}\right] = "
           rf"{sp.latex(scaled)}, \qquad \mathbb{{E}}[x\,m] = {sp.latex(unscaled)}")
    yield Claim("claim.dropout.mean", _dropout_monte_carlo(d, tex, scaled, unscaled),
                sp.simplify(scaled - xs) == 0 and sp.simplify(unscaled - (1 - p) * xs) == 0)


def _dropout_monte_carlo(d, tex, scaled, unscaled) -> Equation:
    """The generated dropout over 200 000 seeded masks: mean output ``x`` (and ``(1-p)x`` unscaled)."""
    code = load(d)
    rng = np.random.default_rng(0)
    x0, p = np.array([1.0, -2.0, 0.5]), 0.5
    masks = (rng.random((200_000, 3)) >= p).astype(float)  # as the generated dropout_mask draws
    out, _ = code.forward(np.broadcast_to(x0, masks.shape), masks, p=p)
    err = max(rel_error(out.mean(axis=0), x0), rel_error((x0 * masks).mean(axis=0), (1 - p) * x0))
    return Equation(tex, (scaled, unscaled), "Monte Carlo, 200 000 seeded masks of the generated code",
                    err, tolerance=2e-2)


def _normalize(d):
    m = d.module
    b, i = m.index
    B = sp.Symbol("B", integer=True, positive=True)
    # the sigma > eps branch: y = (x - m) / sigma
    y_sigma = m.inline(m.forward).replace(lambda e: isinstance(e, sp.Piecewise), lambda e: e.args[0].expr)
    mean_val = _simplify_sums(_pull_all(sp.Sum(y_sigma, (b, 0, B - 1)) / B))
    var_val = _simplify_sums(_pull_all(sp.expand(sp.Sum(y_sigma ** 2, (b, 0, B - 1)) / B)))
    point = ModulePoint(d)
    moments = np.concatenate([point.out.mean(axis=0), (point.out ** 2).mean(axis=0)])
    expected = np.concatenate([np.zeros(point.out.shape[1]), np.ones(point.out.shape[1])])
    tex = (rf"\frac{{1}}{{B}}\sum_b y_{{bi}} = {sp.latex(mean_val)}, \qquad "
           rf"\frac{{1}}{{B}}\sum_b y_{{bi}}^2 = {sp.latex(var_val)} \quad (\sigma_i > \epsilon)")
    eq = Equation(tex, (mean_val, var_val), "batch moments of the output at a point",
                  rel_error(moments, expected))
    yield Claim("claim.normalize.stats", eq, mean_val == 0 and var_val == 1)


def _simplify_sums(expr):
    """Simplify with every (canonically renamed) sum as an opaque symbol."""
    expr = _rename_dummies(expr).replace(
        lambda e: isinstance(e, sp.Sum) and not e.function.has(e.limits[0][0]), lambda e: e.doit())
    sums = {su: sp.Dummy(f"S{k}") for k, su in enumerate(sorted(expr.atoms(sp.Sum), key=str))}
    return sp.cancel(sp.simplify(expr.xreplace(sums))).xreplace({v: k for k, v in sums.items()})


def _pull_all(expr):
    expr = sp.expand(expr)
    expr = expr.replace(lambda e: isinstance(e, sp.Sum), lambda e: sp.Add(*[
        sp.Sum(t, *e.limits) for t in sp.Add.make_args(sp.expand(e.function))]))
    return pull_out_of_sums(expr)


CLAIMS = {
    "dropout": _dropout,
    "normalize": _normalize,
    "sigmoid": _sigmoid,
    "softmax": _row_sum,
    "log_softmax": _log_softmax,
    "duplicate": _duplicate,
    "add": _add,
    "max": _max,
    "relu": _relu,
    "sgd_l2": _sgd_l2,
}


def claims(name: str, d) -> tuple[Claim, ...]:
    """The notes' claims about module (or rule) ``name``, computed from its derivation ``d``."""
    make = CLAIMS.get(name)
    return tuple(make(d)) if make else ()
