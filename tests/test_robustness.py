"""No crash, no hang, no false alarm (issue 9): the crash classes fixed at their root, the
structural check after derivation, the bounded SymPy searches, and a verifier that keeps its
samples off every kink."""
import numpy as np
import pytest
import sympy as sp

import symbp
from symbp.check.verification import MARGIN, TOLERANCE, rel_error, sample
from symbp.derive import DerivationError
from symbp.derive.index import check_structure, structural_problems
from symbp.derive.module import invert

# each crashed (or derived wrongly) before: index escapes, surviving deltas, x_max[()]
ONCE_CRASHED = [
    ("x + W2 @ relu(W1 @ x)", {"x": ("n",), "W1": ("m", "n"), "W2": ("n", "m")}),
    ("W @ A @ A", {"W": ("n", "n"), "A": ("n", "n")}),
    ("A @ W.T @ W", {"W": ("n", "n"), "A": ("n", "n")}),
    ("sigmoid(W @ x)", {"W": ("m", "n"), "x": ("n",)}),
    ("softplus(A @ x)", {"A": ("m", "n"), "x": ("n",)}),
    ("sum(sigmoid(W @ x) * y)", {"W": ("m", "n"), "x": ("n",), "y": ("m",)}),
    ("exp(x) / sum(exp(x))", {"x": ("n",)}),
    ("sum(sigmoid(x))", {"x": ("n",)}),
    ("log(sum(exp(x)))", {"x": ("n",)}),
    ("sum(log(sum(relu(X), axis=-1)))", {"X": ("B", "n")}),
    ("relu(mean(erf(minimum(0.5, z))))", {"z": ("m",)}),
    ("sum(maximum(log_softmax(A), A), axis=-1)", {"A": ("n", "n")}),
    ("sum(A - 0.5, axis=-1) * (y - x)", {"A": ("n", "n"), "x": ("n",), "y": ("n",)}),
    ("(X @ W.T + b) * sigmoid(X @ V.T + c)",
     {"X": ("B", "n"), "W": ("m", "n"), "b": ("m",), "V": ("m", "n"), "c": ("m",)}),
]


@pytest.mark.parametrize("text, shapes", ONCE_CRASHED,
                         ids=[c.values[0] if hasattr(c, "values") else c[0] for c in ONCE_CRASHED])
def test_once_crashed_now_derives_verifies_and_loads(text, shapes):
    d = symbp.derive(symbp.module("m", text, shapes=shapes))
    for name, step in d.steps.items():
        assert not structural_problems(step.vjp, step.index), name
    assert symbp.verify(d, large=False).ok
    symbp.load(d)


def test_structural_check_names_the_problem():
    i, s = sp.symbols("i s", integer=True)
    n = sp.Symbol("n", integer=True, positive=True)
    x = sp.IndexedBase("x", real=True)
    leaked = sp.Piecewise((sp.Sum(x[s], (s, 0, n - 1)), x[s] > 0), (0, True)) * x[i]
    assert structural_problems(leaked, (i,)) == ["index s is used outside the sum that binds it"]
    assert "Kronecker delta" in structural_problems(sp.KroneckerDelta(i, s) * x[i], (i, s))[0]
    with pytest.raises(DerivationError, match="the VJP for x"):
        check_structure(leaked, (i,), "the VJP for x")


def test_a_branch_stays_inside_the_sum_that_binds_its_condition():
    """SymPy's piecewise_fold lifted Σ_s relu(h_s)'s condition out of Σ_s (symbp.sums)."""
    i, s = sp.symbols("i s", integer=True)
    n, m = sp.symbols("n m", integer=True, positive=True)
    g, h, W = (sp.IndexedBase(k, real=True) for k in ("g", "h", "W"))
    inner = sp.Sum(sp.Piecewise((W[i, s] * h[s], h[s] >= 0), (0, True)), (s, 0, m - 1))
    outer = sp.Sum(g[i] * inner, (i, 0, n - 1))
    assert outer.function == g[i] * inner and not structural_problems(outer)
    rows = sp.Sum(sp.log(sp.Sum(sp.Piecewise((W[i, s], W[i, s] >= 0), (0, True)), (s, 0, m - 1))), (i, 0, n - 1))
    assert not rows.has(sp.zoo) and not structural_problems(rows)  # was log(0): the branch left Σ_s


def test_output_form_search_is_bounded():
    Y, A = sp.symbols("Y A")
    x = sp.Symbol("x")
    assert invert(1 / (1 + sp.exp(-A)), A, Y) == -sp.log(-1 + 1 / Y)
    assert invert(A * sp.exp(A), A, Y) is None          # no Lambert W
    assert invert(A ** 2 + 1, A, Y) is None              # no polynomial solving
    assert invert(sp.tanh(16 * A ** 3) + x, A, Y) is None
    for text in ("x * sigmoid(1.702 * x)", "tanh(16 * x**3)",
                 "0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x**3)))"):
        d = symbp.derive(symbp.elementwise("bounded", text))  # returned at all: bounded
        assert d.steps["x"].vjp.has(sp.Float) or "16" in text


FALSE_ALARMS = [
    ("relu(alpha * x)", {"alpha": 0.7}),
    ("relu(x - alpha)", {"alpha": 0.3}),
    ("maximum(alpha * x, 0.5)", {"alpha": 0.7}),
    ("relu(x * x - 1)", {}),
    ("minimum(sigmoid(x), x)", {}),
    ("where(x * x > x, 1, 2) * x", {}),
    ("where(x > 0.3, 1.5, -2) + x", {}),
    ("minimum(maximum(x, -1), 1)", {}),
    ("abs(x**3 - x)", {}),
    ("maximum(x, minimum(-x, 0.2))", {}),
]


@pytest.mark.parametrize("text, params", FALSE_ALARMS, ids=[t for t, _ in FALSE_ALARMS])
def test_kinks_and_jumps_raise_no_false_alarm(text, params):
    d = symbp.derive(symbp.elementwise("kinky", text, params=params))
    report = symbp.verify(d)
    assert report.ok, report.failures


@pytest.mark.parametrize("text, shapes", [
    ("sum(relu(W @ x))", {"W": ("m", "n"), "x": ("n",)}),
    ("sum(maximum(X, mean(X, axis=-1, keepdims=True)))", {"X": ("B", "n")}),
    ("log_softmax(x * abs(x))", {"x": ("n",)}),  # n = 1: the Jacobian is exactly zero
])
def test_module_kinks_and_zero_jacobians_raise_no_false_alarm(text, shapes):
    report = symbp.verify(symbp.derive(symbp.module("kinky", text, shapes=shapes)))
    assert report.ok, report.failures


def test_samples_stay_off_a_nonlinear_kink():
    d = symbp.derive(symbp.elementwise("sq", "relu(x * x - 1)"))
    values = sample(d.module, {"N": 10 ** 5}, np.random.default_rng(0), d.kinks)
    assert np.min(np.abs(values["x"] ** 2 - 1)) >= MARGIN * 0.999


def test_samples_stay_off_a_kink_inside_a_sum():
    d = symbp.derive(symbp.module("r", "sum(relu(W @ x))", shapes={"W": ("m", "n"), "x": ("n",)}))
    rng = np.random.default_rng(0)
    values = sample(d.module, {"m": 400, "n": 3}, rng, d.kinks)
    assert np.min(np.abs(values["W"] @ values["x"])) >= MARGIN * 0.999


def test_a_zero_jacobian_passes_and_a_wrong_one_fails():
    noise = 8 * np.finfo(float).eps / 1e-4
    assert rel_error(np.zeros(4), np.full(4, 1e-13), noise) <= TOLERANCE
    assert rel_error(np.zeros(4), np.full(4, 1e-3), noise) > TOLERANCE


def test_a_branch_inside_a_sum_inside_a_condition_stays_put():
    """maximum(z, softmax(...)): the softmax's sum (of branches) sits in maximum's condition."""
    d = symbp.derive(symbp.module("m", "maximum(z, softmax(where(z > 0, 0.5, z)))", shapes={"z": ("m",)}))
    assert symbp.verify(d, large=False).ok


def test_a_condition_on_parameters_only():
    """where(alpha > 0, ...): the condition is a Python bool; its negation is not ~True == -2."""
    m = symbp.module("p", "where(alpha > 0, 0.5, z)", shapes={"z": ("m",)}, params={"alpha": 0.7})
    d = symbp.derive(m)
    assert symbp.verify(d, large=False).ok
    _, cache = symbp.load(d).forward(np.ones(3), alpha=-1.0)
    np.testing.assert_array_equal(symbp.load(d).backward(np.ones(3), cache)[0], np.ones(3))


def test_a_deep_composition_generates_code_in_bounded_time():
    """14 nested functions: asking SymPy ``is_integer`` of the output (is it a sum of masks?) ran
    for minutes; the generated code now comes in seconds (a subprocess, so a regression fails
    instead of hanging the suite)."""
    import subprocess
    import sys
    deep = "tanh(exp(sigmoid(softplus(log(sqrt(erf(tanh(exp(sigmoid(softplus(log(sqrt(erf(x))))))))))))))"
    code = f"import symbp; print(len(symbp.codegen(symbp.derive(symbp.elementwise('deep', {deep!r})))))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and int(proc.stdout) > 0, proc.stderr


def test_a_gradient_that_cancels_only_once_lowered_is_a_zero_array():
    """Σ_j softmax(z)_j - 1 is 0 only after both sums become one array: the backward used to sum
    the literal 0 (``(0).sum(...)``: AttributeError); found by the hypothesis long profile."""
    m = symbp.module("cancel", "where(x > 0, 0.5, sum(softmax(z), axis=-1))", shapes={"x": ("n",), "z": ("m",)})
    d = symbp.derive(m)
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    z = np.array([0.3, -1.0, 2.0], dtype=np.float32)
    out, cache = f.forward(np.array([1.0, -1.0], dtype=np.float32), z)
    dx, dz = f.backward(np.ones(2, np.float32), cache)
    assert dz.shape == z.shape and dz.dtype == np.float32 and not dz.any()


def test_a_negated_mask_kept_in_the_cache_is_numeric():
    """``-mask/…`` with the mask a cached boolean temporary: numpy has no boolean negative (found
    by fuzzing the verifier)."""
    m = symbp.module("negmask", "where(y > 0, 1/(maximum(x, 2) - 1), x)", shapes={"x": ("n",), "y": ("n",)})
    d = symbp.derive(m)
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    x, y = np.array([3.0, 1.0, 5.0]), np.array([1.0, 1.0, -1.0])
    out, cache = f.forward(x, y)
    dx, _ = f.backward(np.ones(3), cache)
    np.testing.assert_allclose(dx, [-1 / 4, 0.0, 1.0])  # -1/(x-1)² where x > 2, else 0; the x branch: 1


def test_a_derivative_undefined_where_the_forward_is_infinite_is_nan_there():
    """log(relu(2 - x)): its derivative's other branch is 0·(1/0) (SymPy's zoo); it is NaN where
    the forward is -inf, the code builds, and it verifies inside the domain."""
    d = symbp.derive(symbp.elementwise("logrelu", "log(relu(2 - x))"))
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    with np.errstate(divide="ignore"):
        out, cache = f.forward(np.array([1.0, 3.0]))
        dx, = f.backward(np.ones(2), cache)
    assert out[1] == -np.inf and np.isnan(dx[1]) and dx[0] == pytest.approx(-1.0)


def test_a_condition_that_is_complex_somewhere_is_an_expression_error():
    with pytest.raises(symbp.ExpressionError, match="not between real values"):
        symbp.elementwise("c", "where(log(maximum(x, 2) - 3) > 0, 1, 2)")


def test_the_page_of_a_deep_composition_is_written_in_bounded_time():
    """10 nested sigmoids: SymPy's LaTeX printer asked is_constant() (a simplify) of every
    exponent and took minutes; large products are now split without it (a subprocess with a
    timeout, so a regression fails instead of hanging)."""
    import subprocess
    import sys
    deep = "sigmoid(" * 10 + "x" + ")" * 10
    proc = subprocess.run([sys.executable, "-m", "symbp", "derive", "--expr", deep, "--format", "md"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.count("$$") >= 8, proc.stderr


@pytest.mark.parametrize("text", ["relu(x) - maximum(0.5, x)",
                                  "where(x > 0, 1, 0) - where(x > 1, 1, 0) - where(x > 2, 1, 0)"])
def test_masks_subtracted_from_masks_are_counted_as_integers(text):
    """numpy has no boolean subtraction: ``mask - ~mask`` raised TypeError (hypothesis long
    profile); each mask is counted as 1*mask."""
    d = symbp.derive(symbp.elementwise("masks", text))
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    x = np.array([-1.0, 0.25, 1.5, 3.0])
    out, cache = f.forward(x)
    dx, = f.backward(np.ones(4), cache)
    expected = {"relu(x) - maximum(0.5, x)": (np.maximum(x, 0) - np.maximum(0.5, x), [0, 1, 0, 0]),
                "where(x > 0, 1, 0) - where(x > 1, 1, 0) - where(x > 2, 1, 0)": ([0, 1, 0, -1], [0, 0, 0, 0])}
    np.testing.assert_allclose(out, expected[text][0])
    np.testing.assert_allclose(dx, expected[text][1])


@pytest.mark.parametrize("text, shapes, params", [
    ("x * softplus(alpha)", {"x": ("n",)}, {"alpha": 0.7}),
    ("minimum(mean(softmax(y)), maximum(tanh(alpha), 0))", {"y": ("n",)}, {"alpha": 0.7}),
    ("log(1 + where(2 >= alpha, alpha, 0.5)**2) + sum(x)", {"x": ("n",)}, {"alpha": 0.7}),
    ("logsumexp(log_softmax(z), axis=-1)", {"z": ("m",)}, {}),
    ("sum(softmax(X), axis=-1)", {"X": ("B", "n")}, {}),
    ("logsumexp(log_softmax(X), axis=-1)", {"X": ("B", "n")}, {}),
    ("sum(softmax(X), axis=-1) + sum(x)", {"X": ("B", "n"), "x": ("n",)}, {}),
])
def test_float32_in_float32_out_and_the_output_shape_when_parameters_or_cancelling_sums_remain(
        text, shapes, params):
    """A numpy function of parameters only (np.tanh(alpha)) is a float64 numpy scalar that
    widened float32 arrays; a forward that cancels to a number once lowered (Σ softmax = 1) was
    the Python int 1, or a scalar, or X's shape instead of (B,) (found by fuzzing)."""
    d = symbp.derive(symbp.module("p", text, shapes=shapes, params=params))
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    sizes = {"B": 2, "n": 4, "m": 3}
    rng = np.random.default_rng(0)
    args = [rng.standard_normal([sizes[s] for s in dims]).astype(np.float32) for dims in shapes.values()]
    out, cache = f.forward(*args)
    out = np.asarray(out)
    assert out.dtype == np.float32 and out.shape == tuple(sizes[s] for s in d.module.out_dims), (out.dtype, out.shape)
    grads = f.backward(np.ones_like(out), cache)
    for a, g in zip(args, grads):
        assert g.dtype == np.float32 and g.shape == a.shape


@pytest.mark.parametrize("text, shapes", [
    ("sum(where(W > 0, 1, 0), axis=0) * x", {"W": ("m", "n"), "x": ("n",)}),
    ("sum(minimum(where(W >= y, y, W), where(x >= W, 0.1, y)) + abs(W), axis=0)",
     {"x": ("n",), "y": ("n",), "W": ("m", "n")}),
])
def test_a_count_of_masks_keeps_float32(text, shapes):
    """A sum of masks is an int64 array in numpy, and int64 times float32 is float64: the
    forward (count · x) and the backward (dy = count · dout) came out float64 (found by fuzzing)."""
    d = symbp.derive(symbp.module("count", text, shapes=shapes))
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    sizes = {"n": 4, "m": 3}
    rng = np.random.default_rng(1)
    args = [rng.standard_normal([sizes[s] for s in dims]).astype(np.float32) for dims in shapes.values()]
    out, cache = f.forward(*args)
    assert out.dtype == np.float32
    grads = f.backward(np.ones_like(out), cache)
    assert [g.dtype for g in grads] == [np.float32] * len(args)
    out64, cache64 = f.forward(*[a.astype(np.float64) for a in args])
    for g, g64 in zip(grads, f.backward(np.ones_like(out64), cache64)):
        np.testing.assert_allclose(g, g64, rtol=1e-6)


@pytest.mark.parametrize("text, shapes, params", [
    ("where(x > 0, 1.5, 2.5) + y", {"x": ("n",), "y": ("n",)}, {}),
    ("where(x > 0, x, 0.01 * x) * y", {"x": ("n",), "y": ("n",)}, {}),
    ("where(x > 0, 2.5, 0) + tanh(x) * where(x > 1, 0.5, 1) + y", {"x": ("n",), "y": ("n",)}, {}),
    ("minimum(einsum('i,i->', y, x) / 5, tanh(where(alpha >= 1.5, 1, 0)))", {"x": ("n",), "y": ("n",)},
     {"alpha": 0.7}),
    ("where(0.001 > 3 * (x @ y), erf(2) + 1, tanh(1))", {"x": ("n",), "y": ("n",)}, {}),
    ("-sqrt(minimum(abs(y), maximum(y, x)))", {"x": ("n",), "y": ("n",)}, {}),  # 0.5*(x < y) kept as _c1
])
def test_constants_picked_by_a_mask_keep_float32(text, shapes, params):
    """np.where(c, 1.5, 2.5), 2.5*mask and (0.2*dout)*mask0d are float64 in numpy whatever the
    inputs: the forward or backward of float32 inputs came out float64 (found by fuzzing)."""
    d = symbp.derive(symbp.module("picked", text.replace("'", '"'), shapes=shapes, params=params))
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    rng = np.random.default_rng(2)
    args = [rng.standard_normal(4).astype(np.float32) for _ in shapes]
    with np.errstate(invalid="ignore"):
        out, cache = f.forward(*args)
        grads = f.backward(np.ones_like(out), cache)
    assert np.asarray(out).dtype == np.float32
    assert [g.dtype for g in grads] == [np.float32] * len(args)


@pytest.mark.parametrize("text, shapes", [
    ("softmax(relu(x))", {"x": ("n",)}),
    ("log(sum(softmax(relu(z), axis=0), axis=0))", {"z": ("m",)}),
    ("sum(y, axis=-1, keepdims=True) * softmax(minimum(x + y, maximum(x, y)))", {"x": ("n",), "y": ("n",)}),
    ('tanh(maximum(einsum("i,i->", x, y) + softplus(y), 0.5 + relu(x)))', {"x": ("n",), "y": ("n",)}),  # nested
])
def test_a_softmax_of_branches_has_a_backward_linear_in_memory(text, shapes):
    """Σ_i where(c_i, k_c·a_i, k_c·b_i): the factor k_c common to both branches stayed inside the
    sum, which was taken over an (n, n) array — verify's directional check at 10⁵ elements raised
    MemoryError (75 GB), a false alarm (found by fuzzing)."""
    d = symbp.derive(symbp.module("sb", text, shapes=shapes))
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    rng = np.random.default_rng(3)
    n = 20000  # an (n, n) temporary would be 3.2 GB
    args = [rng.standard_normal(n) for _ in shapes]
    import tracemalloc
    tracemalloc.start()
    out, cache = f.forward(*args)
    f.backward(np.ones_like(out), cache)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50 * 8 * n, peak


@pytest.mark.parametrize("text", ["sum(sqrt(maximum(-X, x)), axis=0)",
                                  "logsumexp(sqrt(maximum(-X, x / y)), axis=0)"])
def test_a_root_in_a_branch_not_taken_is_not_nan(text):
    """d sqrt(max(-X, x)) / dX is sqrt(-X)/(2X) times the mask of -X > x: numpy evaluates
    sqrt(-X) where X > 0 too, and NaN·0 is NaN — the backward was NaN inside the domain and
    verify failed (found by fuzzing). The root's argument is guarded like a denominator."""
    shapes = {"X": ("B", "n"), "x": ("n",), "y": ("n",)}
    shapes = {k: v for k, v in shapes.items() if k in text}
    d = symbp.derive(symbp.module("root", text, shapes=shapes))
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    X = np.array([[-1.0, 2.0, 0.5], [3.0, -2.0, -0.25]])
    args = {"X": X, "x": np.array([0.5, 0.25, 0.1]), "y": np.array([1.0, 2.0, 0.5])}
    out, cache = f.forward(*[args[k] for k in shapes])
    assert np.all(np.isfinite(out))
    grads = f.backward(np.ones_like(out), cache)
    assert all(np.all(np.isfinite(g)) for g in grads)


@pytest.mark.parametrize("text", ["0 ** z", "0.0 ** (z + 1)", "(1 - 1) ** z"])
def test_a_power_of_zero_is_an_expression_error(text):
    """0 ** z derived 0**z·log(0): symbp.load raised NonFiniteError (found by fuzzing)."""
    with pytest.raises(symbp.ExpressionError, match="a power of 0"):
        symbp.module("zero", text, shapes={"z": ("m",)})


def test_an_exponential_of_a_sum_written_as_a_product_is_lowered():
    """SymPy wrote exp(Σ_p V[i, p] W[p, j]) in a VJP's condition as Π_p exp(V[i, p] W[p, j]);
    lowering had no node for it and symbp.load raised ValueError (found by fuzzing)."""
    m = symbp.module("prod", "where(exp(V @ W) < where(x < y, 0, y), x, y)",
                     shapes={"V": ("B", "m"), "W": ("m", "n"), "x": ("n",), "y": ("n",)})
    d = symbp.derive(m)
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    rng = np.random.default_rng(4)
    V, W, x, y = (rng.standard_normal(s) for s in [(2, 3), (3, 4), (4,), (4,)])
    out, cache = f.forward(V, W, x, y)
    dV, dW, dx, dy = f.backward(np.ones_like(out), cache)
    mask = (x >= y) & (y > np.exp(V @ W))
    np.testing.assert_allclose(dx, mask.sum(axis=0))
    np.testing.assert_allclose(dy, (~mask).sum(axis=0))


def test_a_negated_mask_product_keeps_float32():
    """relu(-relu(x)) printed -1*_c1*x*(_c0): -1*mask is an int64 array, so float32 x gave a
    float64 forward and backward (found by fuzzing)."""
    d = symbp.derive(symbp.elementwise("negrelu", "relu(-(relu(x)))"))
    assert symbp.verify(d, seed=0).ok
    f = symbp.load(d)
    x = np.array([-1.5, 0.0, 2.0], dtype=np.float32)
    out, cache = f.forward(x)
    dx, = f.backward(np.ones_like(out), cache)
    assert out.dtype == dx.dtype == np.float32
    np.testing.assert_array_equal(out, [0, 0, 0])


def test_a_reduction_of_a_constant_body_is_a_number_times_the_count():
    """softmax(sum(softmax(A), axis=-1)): the inner sum is 1, so a later reduction's body is a
    Python number (``(2.718…).sum()`` raised AttributeError; hypothesis long profile)."""
    d = symbp.derive(symbp.module("const", "softmax(sum(softmax(A), axis=-1))", shapes={"A": ("n", "n")}))
    assert symbp.verify(d, seed=0).ok
    out, cache = symbp.load(d).forward(np.eye(3))
    np.testing.assert_allclose(out, np.full(3, 1 / 3))
