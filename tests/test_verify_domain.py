"""The verifier on functions with a restricted domain, poles and stiff slopes: no false alarm
(a correct derivative verifies, or is reported as not checkable), and wrong derivatives still
fail (found by a review: each expression below failed with a correct derivative)."""
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp

import symbp
from symbp.check.sampling import MARGIN, sample
from symbp.cli import main
from symbp.derive.module import singularities

# each failed before: near the pole, outside the domain (inf), or too coarse a step
REVIEWED = ["1/x", "x**-3", "log(-x)", "log(x - 5)", "sqrt(1 - x**2)", "log(x**2 - 4)", "tanh(1000*x)"]


@pytest.mark.parametrize("text", REVIEWED)
def test_a_correct_derivative_verifies_without_a_warning(text):
    d = symbp.derive(symbp.elementwise("u", text))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = symbp.verify(d, seed=0)
    assert r.ok and not r.skipped, (r.failures, r.skipped)
    assert len(r.checks) == 5


@pytest.mark.parametrize("text", ["log(-x)", "1/x"])
def test_the_command_line_passes_with_nothing_on_stderr(capsys, text):
    code = main(["verify", "--expr", text])
    out, err = capsys.readouterr()
    assert code == 0 and "passed" in out.splitlines()[-1] and err == ""


def _scaled_backward(d, factor):
    f = symbp.load(d)

    def backward(g, cache):
        return tuple(factor * dx for dx in f.backward(g, cache))
    return SimpleNamespace(forward=f.forward, backward=backward)


@pytest.mark.parametrize("text", ["1/x", "log(x - 5)", "sqrt(1 - x**2)"])
@pytest.mark.parametrize("factor", [2.0, -1.0, 1 + 1e-4])
def test_a_wrong_derivative_still_fails_everywhere(text, factor):
    """Off by a factor, a sign, or one part in 10⁴: every check fails, none is skipped (the
    smaller steps tried on a failure never make a wrong derivative converge)."""
    d = symbp.derive(symbp.elementwise("u", text))
    r = symbp.verify(d, seed=0, implementation=_scaled_backward(d, factor))
    assert not r.ok and not r.skipped
    assert len(r.failures) == len(r.checks) == 5


@pytest.mark.parametrize("factor", [2.0, -1.0, 1 + 1e-4])
def test_a_wrong_derivative_of_a_stiff_function_still_fails(factor):
    """``tanh(1000·x)`` is flat to rounding at the few points of the small sizes (a scaled zero is
    zero); among the 10⁵ points some sit on the slope, and the directional check fails there."""
    d = symbp.derive(symbp.elementwise("u", "tanh(1000*x)"))
    r = symbp.verify(d, seed=0, implementation=_scaled_backward(d, factor))
    assert not r.ok and not r.skipped
    assert [c.kind for c in r.failures] == ["directional"]


def test_nowhere_defined_is_not_checkable_rather_than_wrong(capsys):
    """``log(-x² - 1)``: no point of the domain, so nothing is compared; the report says so and
    is not ok (never silently ok with zero checks)."""
    d = symbp.derive(symbp.elementwise("u", "log(-x**2 - 1)"))
    r = symbp.verify(d, seed=0)
    assert not r.ok and not r.checks and len(r.skipped) == 5
    assert all("no point of its domain found" in s for s in r.skipped)
    code = main(["verify", "--expr", "log(-x**2 - 1)"])
    out, err = capsys.readouterr()
    assert code == 1 and "FAILED: user (nothing could be checked)" in out and err == ""


def test_a_size_where_the_domain_is_empty_is_skipped_there_only():
    """Normalising by the standard deviation is 0/0 at one element: that size is skipped, the
    others check the derivative — and catch a wrong one."""
    d = symbp.derive(symbp.module("standardize", "x / sqrt(mean((x - mean(x))**2))",
                                  shapes={"x": ("n",)}))
    r = symbp.verify(d, seed=0)
    assert r.ok and r.skipped == ("x at n=1 (no point of its domain found, inputs drawn from up "
                                  "to 128× their intervals)",)
    bad = symbp.verify(d, seed=0, implementation=_scaled_backward(d, 1.5))
    assert not bad.ok and len(bad.failures) == len(bad.checks) == 4


def test_samples_keep_off_poles_and_inside_the_domain():
    rng = np.random.default_rng(0)
    x = sample(symbp.elementwise("u", "1/x"), {"N": 10 ** 5}, rng)["x"]
    assert np.min(np.abs(x)) >= MARGIN * 0.999 and x.min() < -1 and x.max() > 1  # both sides
    x = sample(symbp.elementwise("u", "log(x - 5)"), {"N": 10 ** 5}, rng)["x"]
    assert np.min(x - 5) >= MARGIN * 0.999
    v = sample(symbp.module("u", "log(x - y)", shapes={"x": ("n",), "y": ("n",)}), {"n": 10 ** 5}, rng)
    assert np.min(v["x"] - v["y"]) > 0


def test_a_branch_asks_for_its_domain_only_where_it_is_taken():
    """``where(x > 1, log(x - 1), log(1 - x))`` is defined off 1: each log is probed inside its
    branch only (else no point could satisfy both), and both branches are checked."""
    m = symbp.module("u", "where(x > 1, log(x - 1), log(1 - x))", shapes={"x": ("n",)})
    kinds = {kind for _, kind in singularities(m.forward)}
    assert kinds == {"positive"} and all(isinstance(v, sp.Piecewise) for v, _ in singularities(m.forward))
    r = symbp.verify(symbp.derive(m), seed=0)
    assert r.ok and not r.skipped
    x = sample(m, {"n": 1000}, np.random.default_rng(0))["x"]
    assert (x < 1).any() and (x > 1).any() and np.min(np.abs(x - 1)) >= MARGIN * 0.999
