"""claims: the course notes' statements about each module, each one a SymPy computation.

A claim is ``(key, latex, holds)``: ``key`` names its prose in :mod:`symbp.lang`, ``latex`` is
the computation as shown on the page, and ``holds`` is what SymPy found — the page says "proved"
only when it is ``True``. Each claim is one short function, keyed by module name.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.simplify.simplify import factor_sum

from ..derive.index import in_range, pull_out_of_sums
from ..names import RULE_INDEX, RULE_SUM_INDEX, UPSTREAM, WEIGHTS
from .latex import display_names, latex

s = sp.Symbol("s", real=True)


@dataclass(frozen=True)
class Claim:
    key: str
    latex: str
    holds: bool


def _sigmoid(d):
    sig = 1 / (1 + sp.exp(-s))
    dsig = sp.diff(sig, s)
    lim_hi, lim_lo = sp.limit(dsig, s, sp.oo), sp.limit(dsig, s, -sp.oo)
    yield Claim("claim.sigmoid.vanishing",
                rf"\sigma'(s) = {sp.latex(dsig)}, \quad \lim_{{s\to+\infty}} \sigma'(s) = "
                rf"{sp.latex(lim_hi)}, \quad \lim_{{s\to-\infty}} \sigma'(s) = {sp.latex(lim_lo)}",
                lim_hi == 0 and lim_lo == 0)
    log_sig = sp.log(sp.exp(s) / (sp.exp(s) + 1))
    rewritten = s - sp.log(1 + sp.exp(s))
    same = sp.simplify(sp.expand_log(log_sig, force=True) - rewritten) == 0
    slope = sp.diff(rewritten, s)
    lim = sp.limit(slope, s, -sp.oo)
    yield Claim("claim.sigmoid.logsigmoid",
                rf"\log\frac{{e^s}}{{e^s + 1}} = {sp.latex(rewritten)}, \quad "
                rf"\frac{{d}}{{ds}}\left({sp.latex(rewritten)}\right) = {sp.latex(slope)} "
                rf"\xrightarrow[s\to-\infty]{{}} {sp.latex(lim)}",
                same and lim == 1)


def _row_sum(d):
    m = d.module
    b, i = m.index
    total = factor_sum(sp.Sum(m.forward, (i, 0, sp.Symbol("n", integer=True, positive=True) - 1)))
    value = sp.simplify(_rename_dummies(total))
    yield Claim("claim.softmax.sum", rf"\sum_{{i}} y_{{bi}} = \sum_i {latex(m.forward)} = {sp.latex(value)}",
                value == 1)


def _rename_dummies(expr):
    """Give every summation the same dummy name, so equal sums cancel."""
    dummy = sp.Symbol("_k", integer=True)
    return expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1,
                        lambda e: sp.Sum(e.function.xreplace({e.limits[0][0]: dummy}),
                                         (dummy, *e.limits[0][1:])))


def _log_softmax(d):
    m = d.module
    b, i = m.index
    x = m.inputs[0].base
    (total,) = m.forward.atoms(sp.Sum)
    softmax = sp.exp(x[b, i]) / total
    expanded = sp.expand_log(sp.log(softmax), force=True)
    yield Claim("claim.log_softmax.lse",
                rf"\log {latex(softmax)} = {latex(expanded)}",
                sp.simplify(expanded - m.forward) == 0)


def _cross_entropy(d):
    names = display_names(d.module)
    step = d.steps["logits"]
    c, j = step.index
    z, t = d.module.inputs[0].base, d.module.inputs[1].base
    (total,) = [a for a in step.vjp.atoms(sp.Sum)]
    B = sp.Symbol("B", integer=True, positive=True)
    g = UPSTREAM.scalar
    softmax = sp.exp(z[c, j]) / total
    expected = g * (softmax - sp.KroneckerDelta(j, t[c])) / B
    yield Claim("claim.cross_entropy.grad",
                rf"\frac{{\partial C}}{{\partial {latex(z[c, j], names)}}} = {latex(step.vjp, names)}",
                sp.simplify(step.vjp - expected) == 0)


def _duplicate(d):
    step = d.steps["x"]
    g = UPSTREAM.base
    ok = isinstance(step.vjp, sp.Sum) and step.vjp.function == g[step.vjp.limits[0][0], step.index[0]]
    yield Claim("claim.duplicate.sum", rf"\frac{{\partial C}}{{\partial x_c}} = {latex(step.vjp)}", ok)


def _add(d):
    g = UPSTREAM.base
    parts = [rf"\frac{{\partial C}}{{\partial {latex(st.input.base[st.index])}}} = {latex(st.vjp)}"
             for st in d.steps.values()]
    yield Claim("claim.add.pass", r", \quad ".join(parts),
                all(st.vjp == g[st.index] for st in d.steps.values()))


def _max(d):
    parts = [rf"\frac{{\partial C}}{{\partial {latex(st.input.base[st.index])}}} = {latex(st.vjp)}"
             for st in d.steps.values()]
    x1 = d.steps["x1"]
    c = x1.index[0]
    a, b = d.module.inputs[0].base[c], d.module.inputs[1].base[c]
    g = UPSTREAM.base[c]
    at = {a: 2, b: 1}, {a: 1, b: 2}, {a: 1, b: 1}
    wins = [x1.vjp.xreplace(v).subs(g, 1) for v in at]
    yield Claim("claim.max.route", r", \quad ".join(parts), wins == [1, 0, 0])


def _relu(d):
    step = d.steps["x"]
    c = step.index[0]
    x = d.module.inputs[0].base[c]
    at_zero = step.vjp.xreplace({x: 0})
    g = UPSTREAM.base[c]
    yield Claim("claim.relu.zero", rf"\left.\frac{{\partial C}}{{\partial x_c}}\right|_{{x_c = 0}} = {latex(at_zero)}",
                at_zero == g)


def _sgd_l2(rd):
    i, k, w = RULE_INDEX, RULE_SUM_INDEX, WEIGHTS
    N = sp.Symbol("N", integer=True, positive=True)
    norm2 = sp.Sum(w[k] ** 2, (k, 0, N - 1))
    d_norm = in_range(sp.diff(norm2, w[i]))
    yield Claim("claim.sgd_l2.notes",
                rf"R = \Vert w \Vert^2 = {latex(norm2)}, \quad \frac{{\partial R}}{{\partial w_i}} = "
                rf"{latex(d_norm)}, \quad \frac{{\partial (\alpha R)}}{{\partial w_i}} = {latex(rd.penalty_grad)}",
                d_norm == 2 * w[i] and sp.simplify(rd.penalty_grad - 2 * sp.Symbol("alpha", real=True) * w[i]) == 0)


def _dropout(d):
    from sympy.stats import Bernoulli, E
    p = sp.Symbol("p", positive=True)
    x = sp.Symbol("x", real=True)
    mask = Bernoulli("m", 1 - p)
    scaled = sp.simplify(E(x * mask / (1 - p)))
    unscaled = sp.simplify(E(x * mask))
    yield Claim("claim.dropout.mean",
                rf"m \sim \mathrm{{Bernoulli}}(1-p): \quad \mathbb{{E}}\left[\frac{{x\,m}}{{1-p}}\right] = "
                rf"{sp.latex(scaled)}, \qquad \mathbb{{E}}[x\,m] = {sp.latex(unscaled)}",
                sp.simplify(scaled - x) == 0 and sp.simplify(unscaled - (1 - p) * x) == 0)


def _normalize(d):
    m = d.module
    b, i = m.index
    B = sp.Symbol("B", integer=True, positive=True)
    # the sigma > eps branch: y = (x - m) / sigma
    y_sigma = m.inline(m.forward).replace(lambda e: isinstance(e, sp.Piecewise), lambda e: e.args[0].expr)
    mean_val = _simplify_sums(_pull_all(sp.Sum(y_sigma, (b, 0, B - 1)) / B))
    var_val = _simplify_sums(_pull_all(sp.expand(sp.Sum(y_sigma ** 2, (b, 0, B - 1)) / B)))
    yield Claim("claim.normalize.stats",
                rf"\frac{{1}}{{B}}\sum_b y_{{bi}} = {sp.latex(mean_val)}, \qquad "
                rf"\frac{{1}}{{B}}\sum_b y_{{bi}}^2 = {sp.latex(var_val)} \quad (\sigma_i > \epsilon)",
                mean_val == 0 and var_val == 1)


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
    "cross_entropy": _cross_entropy,
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
