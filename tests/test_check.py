"""symbp check: someone else's backward and a student's answer, against the derivation.

Correct backwards pass (hand-written baselines, the generated code, PyTorch — at kinks and in
float32); deliberately wrong ones are caught and diagnosed; correct answers in many algebraic
forms are accepted and typical wrong answers are rejected with a counterexample.
"""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import symbp
from symbp.check.answer import check_answer
from symbp.check.backward import check_backward
from symbp.cli import main
from symbp.testing import assert_backward, assert_torch_function

from conftest import require

ROOT = Path(__file__).resolve().parent.parent


def _hand():
    spec = importlib.util.spec_from_file_location("hand", ROOT / "benchmarks" / "hand.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


HAND = _hand()


# -- correct backwards: no false alarm ------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(HAND.PAIRS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_benchmark_baselines_pass(name, dtype):
    forward, backward = HAND.PAIRS[name]
    report = assert_backward(name, forward, backward, dtype=dtype)
    assert report.ok and report.dtype == np.dtype(dtype).name


@pytest.mark.parametrize("name", list(symbp.catalog()))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_generated_code_passes_everywhere(derivations, name, dtype):
    """Every catalog module's generated backward, several seeds, kinks included: never an alarm."""
    f = symbp.load(derivations[name])
    for seed in range(3):
        report = check_backward(derivations[name], f.forward, f.backward, dtype=dtype, seed=seed)
        assert report.ok, str(report)
        if derivations[name].kinks and name != "normalize":
            assert any(c.kind == "kink" for c in report.checks), name


def test_other_subgradient_at_a_kink_is_fine():
    """ReLU with ``x > 0`` (PyTorch's choice) differs from the derivation only at 0: accepted,
    with a note; gradcheck would fail there."""
    report = assert_backward("relu", HAND.relu_forward, lambda g, x: (g * (x > 0),))
    assert any("subgradient" in c.note for c in report.checks)
    assert "note:" in str(report)


def test_float32_tolerance_is_stated():
    f = symbp.load(symbp.derive(symbp.get("softmax")))
    r32 = check_backward("softmax", f.forward, f.backward, dtype=np.float32)
    r64 = check_backward("softmax", f.forward, f.backward)
    assert r32.tolerance == 1e-4 and r64.tolerance == 1e-7
    assert "float32, tolerance 0.0001" in str(r32)


def test_accepts_a_module_and_explicit_sizes():
    quad = symbp.module("quad", "x.T @ A @ x", shapes={"x": ("n",), "A": ("n", "n")})

    def forward(x, A):
        return x @ A @ x, (x, A)

    def backward(g, cache):
        x, A = cache
        return g * (A + A.T) @ x, g * np.outer(x, x)

    report = assert_backward(quad, forward, backward, sizes=[{"n": 4}, {"n": 7}])
    assert {c.size for c in report.checks} == {"n=4", "n=7"}

    def symmetric_only(g, cache):  # 2 A x: right only for a symmetric A
        x, A = cache
        return 2 * g * A @ x, g * np.outer(x, x)

    assert not check_backward(quad, forward, symmetric_only).ok


def test_backward_conventions():
    """A dict by name, or one entry per differentiable input, are accepted too."""
    fwd = HAND.linear_forward
    by_name = lambda g, c: dict(zip("xWb", HAND.linear_backward(g, c)))
    assert check_backward("linear", fwd, by_name).ok
    ce = lambda g, c: HAND.cross_entropy_backward(g, c)[:1]  # (dlogits,) only
    assert check_backward("cross_entropy", HAND.cross_entropy_forward, ce).ok


# -- torch ---------------------------------------------------------------------------------------
def test_torch_functions():
    torch = require("torch")

    class MySoftmax(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = torch.softmax(x, -1)
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return y * (g - (g * y).sum(-1, keepdim=True))

    class Doubled(MySoftmax):
        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return 2 * y * (g - (g * y).sum(-1, keepdim=True))

    assert_torch_function("softmax", MySoftmax)
    assert_torch_function("softmax", MySoftmax, dtype=np.float32)
    assert_torch_function("relu", torch.relu)            # relu'(0) = 0: another subgradient
    assert_torch_function("max", torch.maximum)          # ties split g/2, g/2: a subgradient too
    assert_torch_function("linear", torch.nn.functional.linear)
    assert_torch_function("cross_entropy", torch.nn.functional.cross_entropy)
    assert_torch_function("mse", torch.nn.functional.mse_loss)
    with pytest.raises(AssertionError, match="factor of 2 too many"):
        assert_torch_function("softmax", Doubled)


# -- wrong backwards: caught and diagnosed -------------------------------------------------------
def _linear(dx=None, dW=None, db=None):
    def backward(g, cache):
        x, W = cache
        right = {"x": g @ W, "W": g.T @ x, "b": g.sum(0)}
        wrong = {"x": dx, "W": dW, "b": db}
        return tuple(wrong[k](g, x, W) if wrong[k] else right[k] for k in "xWb")
    return HAND.linear_forward, backward


def _mse_backward(scale):
    def backward(g, cache):
        p, t = cache
        d = scale(p) * (p - t) * g
        return d, -d
    return backward


def _mse_forward(p, t):
    return np.mean((p - t) ** 2), (p, t)


def _max_forward(a, b):
    return np.maximum(a, b), (a, b)


def _ce_unscaled(dloss, cache):  # (softmax - onehot) without the 1/B of the mean
    logp, t, rows = cache
    p = np.exp(logp)
    p[rows, t] -= 1
    return p * dloss, None


MUTANTS = [
    # (id, module, forward, backward, input, diagnosis code or None)
    ("linear dW transposed", "linear", *_linear(dW=lambda g, x, W: x.T @ g), "W", "transposed"),
    ("linear dx sign", "linear", *_linear(dx=lambda g, x, W: -(g @ W)), "x", "sign"),
    ("linear db not summed", "linear", *_linear(db=lambda g, x, W: g), "b", "unsummed"),
    ("linear db averaged", "linear", *_linear(db=lambda g, x, W: g.mean(0)), "b", "extra_mean"),
    ("linear dW doubled", "linear", *_linear(dW=lambda g, x, W: 2 * g.T @ x), "W", "twice"),
    ("cross_entropy without 1/B", "cross_entropy", HAND.cross_entropy_forward, _ce_unscaled,
     "logits", "missing_mean"),
    ("mse without 1/B", "mse", _mse_forward, _mse_backward(lambda p: 2 / p.shape[1]), "pred",
     "missing_mean"),
    ("mse without the 2", "mse", _mse_forward, _mse_backward(lambda p: 1 / p.size), "pred", "half"),
    ("relu mask inverted", "relu", HAND.relu_forward, lambda g, x: (g * (x < 0),), "x", "branch"),
    ("relu doubled at 0", "relu", HAND.relu_forward,
     lambda g, x: (g * (x >= 0) + g * (x == 0),), "x", "kink"),
    ("max routes to the loser", "max", _max_forward,
     lambda g, c: (g * (c[0] < c[1]), g * (c[0] >= c[1])), "x1", "branch"),
    ("max sends a tie to both", "max", _max_forward,
     lambda g, c: (g * (c[0] >= c[1]), g * (c[1] >= c[0])), "x1", "kink"),
    ("softmax transposed", "softmax", HAND.softmax_forward,
     lambda g, y: (HAND.softmax_backward(g, y)[0].T,), "x", "transposed"),
    ("softmax diagonal dropped", "softmax", HAND.softmax_forward,
     lambda g, y: (-y * (g * y).sum(-1, keepdims=True),), "x", None),
    ("sigmoid as if y were x", "sigmoid", HAND.sigmoid_forward,
     lambda g, y: (g * (1 - y),), "x", None),
    ("add x2 sign", "add", lambda a, b: (a + b, None), lambda g, c: (g, -g), "x2", "sign"),
    ("duplicate branches not summed", "duplicate", lambda x: ((x, x.copy()), None),
     lambda g, c: (np.stack(g),), "x", "unsummed_branches"),
    ("l1 sign flipped", "l1_penalty", lambda w, alpha: (alpha * np.abs(w).sum(), (w, alpha)),
     lambda g, c: (-g * c[1] * np.sign(c[0]),), "w", "sign"),
    ("normalize through the statistics dropped", "normalize",
     lambda x, eps: ((x - x.mean(0)) / np.maximum(x.std(0), eps), np.maximum(x.std(0), eps)),
     lambda g, s: (g / s,), "x", None),
    ("backward raises", "linear", HAND.linear_forward,
     lambda g, c: (g @ c[1].T, g.T @ c[0], g.sum(0)), "x", None),
]


@pytest.mark.parametrize("mid, module, forward, backward, inp, code", MUTANTS,
                         ids=[m[0] for m in MUTANTS])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mutant_is_caught_and_diagnosed(mid, module, forward, backward, inp, code, dtype):
    report = check_backward(module, forward, backward, dtype=dtype)
    assert not report.ok, f"{mid}: not caught"
    assert any(c.input == inp and not c.ok for c in report.checks)
    found = report.diagnosis(inp)
    assert (found.code if found else None) == code, f"{mid}: diagnosed {found}"
    if code:
        assert str(found) in str(report)


def test_every_diagnosis_has_a_mutant():
    codes = {m[-1] for m in MUTANTS}
    for code in ("transposed", "sign", "missing_mean", "unsummed", "twice", "half", "branch", "kink"):
        assert code in codes


def test_assert_backward_message():
    with pytest.raises(AssertionError) as info:
        assert_backward("linear", *_linear(db=lambda g, x, W: g))
    text = str(info.value)
    assert "b: FAILED" in text and "not summed over the batch" in text and "x: ok" in text


def test_report_locates_the_worst_entry():
    fwd, bwd = _linear(dx=lambda g, x, W: np.where(np.arange(x.size).reshape(x.shape) == 1,
                                                   0.0, g @ W))
    report = check_backward("linear", fwd, bwd)
    worst = report.worst("x")
    assert not worst.ok and worst.index == (0, 1) and worst.got == 0.0


# -- a student's answer --------------------------------------------------------------------------
CORRECT = [
    ("linear", "x", "g @ W"),
    ("linear", "x", "(W.T @ g.T).T"),
    ("linear", "W", "g.T @ x"),
    ("linear", "W", "(x.T @ g).T"),
    ("linear", "b", "sum(g, axis=0)"),
    ("linear", "b", "sum(g.T, axis=1)"),
    ("sigmoid", "x", "y*(1-y)*g"),
    ("sigmoid", "x", "g*y - g*y**2"),
    ("sigmoid", "x", "g * sigmoid(x) * (1 - sigmoid(x))"),
    ("sigmoid", "x", "g * exp(-x) / (1 + exp(-x))**2"),
    ("tanh", "x", "g * (1 - y**2)"),
    ("tanh", "x", "g - g * tanh(x)**2"),
    ("softmax", "x", "y * (g - sum(g * y, axis=-1, keepdims=True))"),
    ("softmax", "x", "y*g - y*sum(y*g, axis=1, keepdims=True)"),
    ("log_softmax", "x", "g - exp(y) * sum(g, axis=-1, keepdims=True)"),
    ("cross_entropy", "logits",
     "g * (exp(logits) / sum(exp(logits), axis=-1, keepdims=True) - onehot(target)) / B"),
    ("mse", "pred", "2 * g * (pred - target) / (B * n)"),
    ("mse", "target", "g * (2*target - 2*pred) / B / n"),
    ("relu", "x", "where(x > 0, g, 0)"),
    ("relu", "x", "g * where(x >= 0, 1, 0)"),
    ("max", "x2", "where(x1 > x2, 0, g)"),
    ("duplicate", "x", "sum(g, axis=0)"),
    ("l2_penalty", "w", "2 * alpha * w * g"),
    ("dropout", "x", "g * mask / (1 - p)"),
    ("normalize", "x", "where(sqrt(mean((x - mean(x, axis=0))**2, axis=0)) > eps, "
                       "(g - mean(g, axis=0) - y * mean(g * y, axis=0)) / "
                       "sqrt(mean((x - mean(x, axis=0))**2, axis=0)), (g - mean(g, axis=0)) / eps)"),
]


@pytest.mark.parametrize("module, wrt, answer", CORRECT, ids=[f"{m}-{a}" for m, _, a in CORRECT])
def test_correct_answer_is_accepted(module, wrt, answer):
    v = check_answer(module, wrt, answer)
    assert v.correct, v.text()
    assert v.method in ("symbolic", "numeric") and v.counterexample is None


def test_plain_answers_are_proved_symbolically():
    for module, wrt, answer in CORRECT[:18]:
        assert check_answer(module, wrt, answer).method == "symbolic", answer


WRONG = [
    # (module, wrt, answer, diagnosis code or None)
    ("linear", "W", "-(g.T @ x)", "sign"),
    ("linear", "b", "mean(g, axis=0)", "extra_mean"),
    ("sigmoid", "x", "g * y", None),
    ("sigmoid", "x", "2 * g * y * (1 - y)", "twice"),
    ("tanh", "x", "g * (1 - y)**2", None),
    ("softmax", "x", "y * (g - sum(g * y))", None),
    ("softmax", "x", "g * y * (1 - y)", None),
    ("cross_entropy", "logits",
     "g * (exp(logits) / sum(exp(logits), axis=-1, keepdims=True) - onehot(target))", "missing_mean"),
    ("mse", "pred", "2 * g * (pred - target)", "missing_mean"),
    ("relu", "x", "where(x < 0, g, 0)", "branch"),
    ("relu", "x", "g", None),
    ("max", "x1", "where(x1 < x2, g, 0)", "branch"),
    ("l1_penalty", "w", "alpha * g * where(w > 0, 1, 0)", None),
    ("relu", "x", "where(x >= 0, g, 0) + where(x <= 0, g, 0) - where(x < 0, g, 0)", "kink"),
]


@pytest.mark.parametrize("module, wrt, answer, code", WRONG, ids=[f"{m}-{a}" for m, _, a, _ in WRONG])
def test_wrong_answer_has_a_counterexample(module, wrt, answer, code):
    v = check_answer(module, wrt, answer)
    assert not v.correct and v.counterexample is not None, v.text()
    ce = v.counterexample
    assert ce.entries and ce.answer.shape == ce.expected.shape
    assert not np.allclose(ce.answer, ce.expected)
    assert (v.diagnosis.code if v.diagnosis else None) == code, v.text()
    assert "your answer" in v.text() and "the derivative" in v.text()


def test_counterexample_is_at_the_smallest_sizes():
    v = check_answer("sigmoid", "x", "g * y")
    assert v.counterexample.sizes == {"N": 1}
    v = check_answer("linear", "b", "mean(g, axis=0)")  # right when B = 1
    assert v.counterexample.sizes["B"] == 2


@pytest.mark.parametrize("module, wrt, answer, code", [
    ("linear", "W", "x.T @ g", "transposed"),
    ("linear", "b", "g", "unsummed"),
    ("duplicate", "x", "g", "unsummed_branches"),
    ("softmax", "x", "sum(g * y, axis=-1, keepdims=True)", None),
    ("linear", "x", "g @ W.T", None),          # the answer's own shapes do not fit
])
def test_wrong_shape_says_so(module, wrt, answer, code):
    v = check_answer(module, wrt, answer)
    assert not v.correct and (v.shape_error or v.mismatch)
    assert "wrong shape" in v.text()
    assert (v.diagnosis.code if v.diagnosis else None) == code


def test_user_module_answer():
    lsq = symbp.module("lsq", "sum((W @ x - t) ** 2)",
                       shapes={"W": ("m", "n"), "x": ("n",), "t": ("m",)})
    assert check_answer(lsq, "x", "2 * g * W.T @ (W @ x - t)").correct
    assert not check_answer(lsq, "x", "g * W.T @ (W @ x - t)").correct


def test_an_input_named_y_is_that_input_in_answers():
    """The contract's own lsq has a target named y: in its answers y is the target."""
    lsq = symbp.module("lsq", "sum((W @ x - y) ** 2)",
                       shapes={"W": ("m", "n"), "x": ("n",), "y": ("m",)})
    assert check_answer(lsq, "W", '2 * g * einsum("i,j->ij", W @ x - y, x)').correct
    assert not check_answer(lsq, "W", '2 * g * einsum("i,j->ij", W @ x + y, x)').correct


@pytest.mark.parametrize("answer", ["__import__('os').system('true')", "g.__class__", "lambda: g",
                                    "g[0]", "open('x')", "sum(g, axis=k)", "", "g +"])
def test_answer_outside_the_language(answer):
    with pytest.raises(symbp.ExpressionError):
        check_answer("linear", "b", answer)


def test_bad_wrt():
    with pytest.raises(ValueError, match="choose from x, W, b"):
        check_answer("linear", "z", "g")
    with pytest.raises(ValueError):
        check_answer("cross_entropy", "target", "g")


def test_facade():
    assert symbp.check_answer("softmax", "x", "y*g - y*sum(y*g, axis=-1, keepdims=True)").correct
    assert symbp.check_backward("relu", *HAND.PAIRS["relu"]).ok
    assert symbp.testing.assert_backward is assert_backward


# -- command line --------------------------------------------------------------------------------
def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_correct(capsys):
    code, out, _ = run(capsys, "check", "softmax", "--wrt", "x", "--answer",
                       "y * (g - sum(g * y, axis=-1, keepdims=True))")
    assert code == 0 and "correct — proved by SymPy" in out


def test_cli_wrong_in_vietnamese(capsys):
    code, out, _ = run(capsys, "check", "linear", "--wrt", "b", "--answer", "mean(g, axis=0)",
                       "--lang", "vi")
    assert code == 1
    assert "sai." in out and "chẩn đoán: chia cho B thừa một lần" in out and "phản ví dụ" in out


def test_cli_expr(capsys):
    code, out, _ = run(capsys, "check", "--expr", "x.T @ A @ x", "--shape", "x=n",
                       "--shape", "A=n,n", "--wrt", "x", "--answer", "g * (A + A.T) @ x")
    assert code == 0 and "correct" in out
    code, out, _ = run(capsys, "check", "--expr", "x * sigmoid(x)", "--wrt", "x", "--answer",
                       "g * sigmoid(x)")
    assert code == 1 and "counterexample" in out


@pytest.mark.parametrize("argv", [
    ["check", "nope", "--wrt", "x", "--answer", "g"],
    ["check", "linear", "--wrt", "z", "--answer", "g"],
    ["check", "linear", "--wrt", "x", "--answer", "g @@ W"],
    ["check", "linear", "--wrt", "x", "--answer", "__import__('os')"],
    ["check", "linear", "--wrt", "x"],
    ["check", "sgd", "--wrt", "w", "--answer", "g"],
    ["check", "--wrt", "x", "--answer", "g"],
])
def test_cli_bad_input(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and err.startswith("symbp: error:") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# -- the README's examples run as printed --------------------------------------------------------
def _readme_section():
    text = (ROOT / "README.md").read_text()
    return text.split("## Checking your own backward", 1)[1].split("\n## ", 1)[0]


def test_readme_pytest_example():
    import re
    section = _readme_section()
    code, shown = re.findall(r"```(?:python)?\n(.*?)```", section, flags=re.S)[:2]
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    with pytest.raises(AssertionError) as info:
        namespace["test_linear"]()
    printed = [line.rstrip() for line in ("AssertionError:" + str(info.value)).splitlines()]
    assert printed == [line.rstrip() for line in shown.strip().splitlines()]


def test_readme_student_example():
    import doctest
    section = _readme_section()
    block = section.split("### A student's answer", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    test = doctest.DocTestParser().get_doctest(block, {"symbp": symbp}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


# -- review fixes: the verdicts of check_answer ---------------------------------------------------
@pytest.mark.parametrize("module, wrt, answer", [
    ("relu", "x", "where(x >= 0, g, 0)"),       # symbp's own subgradient: branches cancel
    ("max", "x1", "where(x1 > x2, g, 0)"),
])
def test_same_branches_are_proved(module, wrt, answer):
    assert check_answer(module, wrt, answer).method == "symbolic"


def test_other_one_sided_derivative_is_not_undecided():
    """Equal but on the kink: SymPy cannot prove it, and the verdict does not say it could not."""
    v = check_answer("relu", "x", "where(x > 0, g, 0)")
    assert v.correct and v.method == "numeric" and v.note
    assert "could not decide" not in v.text() and "away from the kink x = 0" in v.text()
    assert "không tự quyết định" not in v.text("vi") and "điểm gãy x = 0" in v.text("vi")


@pytest.mark.parametrize("module, answer", [("relu", "g*log(x)"), ("relu", "g*sqrt(x)"),
                                            ("sigmoid", "g*log(x)")])
def test_answer_not_real_is_wrong_with_a_counterexample(module, answer):
    """mpmath gives complex numbers for log and sqrt of negatives: a verdict, not a crash."""
    v = check_answer(module, "x", answer)
    assert not v.correct and v.counterexample.undefined, v.text()
    assert "not a real number there" in v.text() and "không phải là số thực" in v.text("vi")


@pytest.mark.parametrize("module, wrt, answer", [("l1_penalty", "w", "g*alpha*w/abs(w)"),
                                                 ("relu", "x", "g*(x+abs(x))/(2*x)")])
def test_answer_undefined_on_the_kink(module, wrt, answer):
    """Right everywhere but on the kink, where it divides by zero: no subgradient there."""
    v = check_answer(module, wrt, answer)
    assert not v.correct and v.counterexample.kink and v.counterexample.undefined, v.text()
    assert "undefined on the kink" in v.text() and "không xác định tại điểm gãy" in v.text("vi")


@pytest.mark.parametrize("answer", ["g*log(x)", "g*(x+abs(x))/(2*x)"])
def test_cli_answer_not_real(capsys, answer):
    code, out, err = run(capsys, "check", "relu", "--wrt", "x", "--answer", answer)
    assert code == 1 and not err and "wrong." in out


def test_float_evaluation_of_undefined_values_is_nan_without_warnings():
    import warnings
    from symbp.check.answer_language import parse_answer
    from symbp.check.backward import derivation_of
    from symbp.check.evaluate import evaluate, module_env
    d = derivation_of("relu")
    env = module_env(d.module, {"x": np.array([0.0, -1.0])}, {"N": 2}, {}, np.ones(2))
    for answer in ("g*(x+abs(x))/(2*x)", "g*log(x)", "g*sqrt(x)"):
        parsed = parse_answer(d.module, answer, d.steps["x"].index)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            value = evaluate(parsed.expr, parsed.index, (2,), env)
        assert not np.all(np.isfinite(value)), answer


@pytest.mark.parametrize("text, shapes, params, kind, name", [
    ("sum((W @ x - g) ** 2)", {"W": ("m", "n"), "x": ("n",), "g": ("m",)}, None, "input", "g"),
    ("sum(x)", {"x": ("g",)}, None, "size", "g"),
    ("sum(x) * y", {"x": ("y",)}, None, "size", "y"),
    ("sum(g * x)", {"x": ("n",)}, {"g": 1.0}, "parameter", "g"),
])
def test_module_names_clashing_with_g_are_refused(text, shapes, params, kind, name):
    """In an answer g is the upstream gradient: a module with its own g would leave it unnamed
    (and the counterexample show two different g); a size y would read as the output."""
    m = symbp.module("clash", text, shapes=shapes, params=params)
    with pytest.raises(symbp.ExpressionError, match=f"has an? {kind} named {name}.*rename"):
        check_answer(m, "x", "g * x")


def test_cli_clash_with_g_is_bad_input(capsys):
    code, out, err = run(capsys, "check", "--expr", "sum((W @ x - g) ** 2)", "--shape", "W=m,n",
                         "--shape", "x=n", "--shape", "g=m", "--wrt", "W", "--answer",
                         '2 * g * einsum("i,j->ij", W @ x - g, x)')
    assert code == 2 and not out and len(err.strip().splitlines()) == 1
    assert err.startswith("symbp: error: user has an input named g") and "rename" in err
    code, out, err = run(capsys, "check", "--expr", "sum(x)", "--shape", "x=g", "--wrt", "x",
                         "--answer", "g*ones")
    assert code == 2 and "a size named g" in err


def test_known_names_are_listed_once():
    from symbp.check.answer_language import parse_answer
    m = symbp.module("s", "sum(x)", shapes={"x": ("g",)})
    with pytest.raises(symbp.ExpressionError) as info:
        parse_answer(m, "ones", (symbp.derive(m).steps["x"].index))
    known = str(info.value).split("known: ")[1].split(")")[0].split(", ")
    assert len(known) == len(set(known)), known


def _printed(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(label)).split("=", 1)[1]


@pytest.mark.parametrize("answer", ["g*y*(1-y)*(1+1e-15)", "g*y*(1-y) + 1e-19*g"])
def test_counterexample_values_print_apart(answer):
    """Wrong by a tiny relative amount: the two printed values still differ (more digits), or the
    verdict says they differ beyond float64."""
    v = check_answer("sigmoid", "x", answer)
    assert not v.correct
    for lang, mine, theirs, beyond in [("en", "your answer", "the derivative", "beyond float64"),
                                       ("vi", "câu trả lời của bạn", "đạo hàm", "ngoài 17 chữ số")]:
        text = v.text(lang)
        assert _printed(text, mine) != _printed(text, theirs) or beyond in text, text
    assert "0.3932" in _printed(check_answer("sigmoid", "x", "g*y").text(), "the derivative")


def test_tiny_offset_is_not_within_the_numeric_tolerance():
    """A 1e-25 offset on values of about 0.1 passed 20 digits at 30; at 50 digits it is caught,
    while correct answers that SymPy cannot prove still agree to far more than 35 digits."""
    v = check_answer("sigmoid", "x", "g*y*(1-y) + 1e-25")
    assert not v.correct and v.counterexample is not None
    assert "beyond float64" in v.text()
    for seed in range(3):
        assert check_answer("tanh", "x", "g*4/(exp(x)+exp(-x))**2", seed=seed).method == "numeric"
        assert check_answer("tanh", "x", "g*4/(exp(x)+exp(-x))**2", seed=seed).correct


def test_decimal_literals_are_compared_as_written():
    """d/dx 0.1·x³ is 0.3·x² for a student; SymPy's binary 0.1·3 is 0.30000000000000004."""
    cubic = symbp.module("cubic", "0.1 * x**3", shapes={"x": ("n",)})
    assert check_answer(cubic, "x", "0.3 * x**2 * g").correct
    assert not check_answer(cubic, "x", "0.30001 * x**2 * g").correct
