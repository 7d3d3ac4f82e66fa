"""The verifier must catch wrong derivatives: a suite of deliberately wrong VJPs and rules."""
import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp

import symbp
from symbp.derive import Derivation, RuleDerivation
from symbp.names import UPSTREAM


def mutate(d: Derivation, name: str, change) -> Derivation:
    """A copy of ``d`` whose VJP for ``name`` is ``change(vjp, step)`` (output form dropped)."""
    step = d.steps[name]
    wrong = change(step.vjp, step)
    new_step = dataclasses.replace(step, vjp_x=wrong, vjp_y=None)
    return Derivation(d.module, {**d.steps, name: new_step})


def swap_indices(e, step):
    """Transpose missing: W[i, j] -> W[j, i] inside the VJP."""
    return e.replace(lambda x: isinstance(x, sp.Indexed) and str(x.base.label) == "W",
                     lambda x: x.base[x.indices[::-1]])


def drop_first_term(e, step):
    terms = sp.Add.make_args(sp.expand(e))
    return sp.Add(*terms[1:])


def softmax_without_diagonal(e, step):
    """Softmax VJP y (g - <g, y>) with the diagonal term y g dropped: -y <g, y>."""
    g = UPSTREAM.base
    return sp.expand(e).xreplace({}).subs(g[step.index], 0)


def transpose_result(e, step):
    """dW = X^T G instead of G^T X: the VJP's two free indices exchanged."""
    a, b = step.index
    return e.xreplace({a: b, b: a})


MUTANTS = [
    ("linear", "x", "sign flipped", lambda e, s: -e),
    ("linear", "W", "transpose missing", transpose_result),
    ("linear", "x", "transpose missing", swap_indices),
    ("linear", "b", "factor 2 off", lambda e, s: 2 * e),
    ("relu", "x", "mask dropped", lambda e, s: UPSTREAM.base[s.index]),
    ("sigmoid", "x", "factor 2 off", lambda e, s: 2 * e),
    ("tanh", "x", "term dropped", drop_first_term),
    ("softmax", "x", "diagonal term omitted", softmax_without_diagonal),
    ("softmax", "x", "sign flipped", lambda e, s: -e),
    ("log_softmax", "x", "term dropped", drop_first_term),
    ("cross_entropy", "logits", "onehot dropped", drop_first_term),
    ("mse", "pred", "factor 2 off", lambda e, s: e / 2),
    ("max", "x1", "tie sent the wrong way", lambda e, s: e.replace(
        lambda x: isinstance(x, sp.StrictGreaterThan), lambda x: x.lhs < x.rhs)),
    ("duplicate", "x", "one branch dropped", lambda e, s: e.function.xreplace(
        {e.limits[0][0]: 0})),
    ("l1_penalty", "w", "sign flipped", lambda e, s: -e),
    ("dropout", "x", "1/(1-p) rescaling dropped", lambda e, s: e * (1 - sp.Symbol("p", real=True))),
    ("normalize", "x", "gradient through the batch statistics dropped",
     lambda e, s: sp.Add(*[t for t in sp.Add.make_args(e)  # keep g / max(sigma, eps) only
                           if t.has(UPSTREAM.base[s.index])])),
]


@pytest.mark.parametrize("module, inp, what, change", MUTANTS,
                         ids=[f"{m}-{i}-{w}" for m, i, w, _ in MUTANTS])
def test_mutant_is_caught(derivations, module, inp, what, change):
    good = derivations[module]
    assert symbp.verify(good, large=False).ok
    bad = mutate(good, inp, change)
    report = symbp.verify(bad, large=False)
    assert not report.ok, f"{module}/{inp}: '{what}' was not caught"
    assert any(c.input == inp and not c.ok for c in report.checks)


def test_directional_check_catches_one_wrong_coordinate(derivations):
    """At 10^5 elements a VJP wrong at a single coordinate still fails the directional check."""
    good = derivations["sigmoid"]
    generated = symbp.load(good)

    def backward(dout, cache):
        (dx,) = generated.backward(dout, cache)
        dx = np.array(dx)
        dx.flat[12345 % dx.size] += 1.0
        return (dx,)

    one_wrong = SimpleNamespace(forward=generated.forward, backward=backward)
    report = symbp.verify(good, sizes=(), large=True, implementation=one_wrong)
    assert not report.ok and all(c.kind == "directional" for c in report.failures)
    assert symbp.verify(good, sizes=(), large=True, implementation=generated).ok


RULE_MUTANTS = [
    ("sgd_l2", "alpha instead of 2 alpha", lambda e: e.replace(
        lambda x: x.is_Number and x == 2, lambda x: sp.Integer(1))),
    ("sgd_l2", "decay sign flipped", lambda e: e.xreplace({sp.Symbol("alpha", real=True): -sp.Symbol("alpha", real=True)})),
    ("sgd_l1", "sign dropped", lambda e: e.replace(lambda x: isinstance(x, sp.sign), lambda x: x.args[0])),
    ("sgd", "gradient ascent", lambda e: e.xreplace({sp.Symbol("lr", real=True): -sp.Symbol("lr", real=True)})),
]


@pytest.mark.parametrize("rule, what, change", RULE_MUTANTS, ids=[f"{r}-{w}" for r, w, _ in RULE_MUTANTS])
def test_wrong_update_rule_is_caught(derivations, rule, what, change):
    good = derivations[rule]
    assert symbp.verify(good, large=False).ok
    updates = tuple((n, change(e)) for n, e in good.updates)
    bad = RuleDerivation(good.rule, good.penalty_grad, change(good.loss_grad), updates, None)
    assert bad.updates != good.updates or bad.loss_grad != good.loss_grad, "mutation changed nothing"
    assert not symbp.verify(bad, large=False).ok, f"{rule}: '{what}' was not caught"


def test_report_fields(derivations):
    r = symbp.verify(derivations["softmax"])
    assert r.ok and 0 <= r.max_rel_error < 1e-6
    kinds = {c.kind for c in r.checks}
    assert kinds == {"jacobian", "directional"}
    sizes = [c.size for c in r.checks if c.kind == "directional"]
    assert sizes and all("n=" in s for s in sizes)
    for c in r.checks:
        assert c.tolerance == pytest.approx(1e-6)


def test_verify_is_seeded(derivations):
    a = symbp.verify(derivations["linear"], seed=3, large=False)
    b = symbp.verify(derivations["linear"], seed=3, large=False)
    assert [c.max_rel_error for c in a.checks] == [c.max_rel_error for c in b.checks]


def test_kinks_are_avoided():
    """Sampling keeps ReLU inputs and Max ties at least the margin away from the kink."""
    from symbp.check.verification import MARGIN, sample
    d = symbp.derive(symbp.get("max"))
    vals = sample(d.module, {"N": 10 ** 5}, np.random.default_rng(0), d.kinks)
    assert np.min(np.abs(vals["x1"] - vals["x2"])) >= MARGIN * 0.999
    d = symbp.derive(symbp.get("relu"))
    vals = sample(d.module, {"N": 10 ** 5}, np.random.default_rng(0), d.kinks)
    assert np.min(np.abs(vals["x"])) >= MARGIN * 0.999


def test_a_kink_scaled_small_is_kept_off_at_its_own_scale():
    """``0.01·x > 0`` can never be 0.05 from its kink: the margin scales with the kink, so the
    10⁵-element directional check no longer straddles it (it failed at 2e-2 before)."""
    d = symbp.derive(symbp.module("scaled", "where(0.01 * x > 0, x, 2 * x)", shapes={"x": ("n",)}))
    for seed in range(5):
        r = symbp.verify(d, seed=seed)
        assert r.ok and not r.skipped, r.failures


def test_a_kink_that_vanishes_identically_at_one_size_is_skipped_there_only():
    """log_softmax of one element is 0 up to rounding, so at m=1 the branch flips at random and
    differences measure the jump: that check is listed as skipped (found by the hypothesis long
    profile). A wrong backward is still caught at the other sizes."""
    text = "where(log_softmax(sigmoid(z)) > 0, 0.5, W @ x)"
    d = symbp.derive(symbp.module("degenerate", text, shapes={"z": ("m",), "W": ("m", "n"), "x": ("n",)}))
    reports = [symbp.verify(d, seed=seed) for seed in range(4)]
    assert all(r.ok for r in reports)
    assert any(r.skipped for r in reports) and all(s.startswith("z at m=1 ") for r in reports for s in r.skipped)
    f = symbp.load(d)

    def backward(g, cache):  # dz should be 0: both branches are constant in z
        dz, dW, dx = f.backward(g, cache)
        return dz + 1.0, dW, dx
    r = symbp.verify(d, seed=0, implementation=SimpleNamespace(forward=f.forward, backward=backward))
    assert not r.ok and {c.input for c in r.failures} == {"z"}
