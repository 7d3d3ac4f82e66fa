"""Log-sum-exp of computed exponents (logits made inside the module): the generated code shifts
them by their max, so logits of ±1000 stay finite and match PyTorch in float64."""
import warnings

import numpy as np
import pytest

import symbp
from conftest import peak_memory, require

torch = require("torch")

CASES = [  # name, expression, shapes, the PyTorch reference, the logits it exponentiates
    ("lsm", "log_softmax(x @ W.T)", {"x": ("B", "n"), "W": ("m", "n")},
     lambda x, W: torch.log_softmax(x @ W.T, -1), lambda x, W: x @ W.T),
    ("lse", "logsumexp(x @ W.T)", {"x": ("B", "n"), "W": ("m", "n")},
     lambda x, W: torch.logsumexp(x @ W.T, -1), lambda x, W: x @ W.T),
    ("attention", "softmax(Q @ K.T / sqrt(d)) @ V", {"Q": ("s", "d"), "K": ("t", "d"), "V": ("t", "e")},
     lambda Q, K, V: torch.softmax(Q @ K.T / Q.shape[1] ** 0.5, -1) @ V,
     lambda Q, K, V: Q @ K.T / np.sqrt(Q.shape[1])),
]


@pytest.mark.parametrize("name, text, shapes, reference, logits", CASES, ids=[c[0] for c in CASES])
def test_large_computed_logits_stay_finite_and_match_torch(name, text, shapes, reference, logits):
    d = symbp.derive(symbp.module(name, text, shapes=shapes))
    f = symbp.load(d)
    rng = np.random.default_rng(7)
    sizes = {"B": 3, "n": 4, "m": 5, "s": 3, "d": 4, "t": 5, "e": 2}
    args = [rng.standard_normal(tuple(sizes[s] for s in dims)) * 40 for dims in shapes.values()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, no invalid value
        out, cache = f.forward(*args)
        g = rng.standard_normal(np.shape(out))
        grads = f.backward(g, cache)
    tensors = [torch.tensor(a, requires_grad=True) for a in args]
    ref = reference(*tensors)
    ref.backward(torch.tensor(g))
    assert np.abs(logits(*args)).max() > 710, "the case must reach overflow territory"
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-10, atol=1e-8)
    for mine, t in zip(grads, tensors):
        np.testing.assert_allclose(mine, t.grad.numpy(), rtol=1e-9, atol=1e-8)


def test_the_shift_is_a_max_reduction_in_the_generated_forward():
    d = symbp.derive(symbp.module("lsm", "log_softmax(x @ W.T)", shapes={"x": ("B", "n"), "W": ("m", "n")}))
    forward = symbp.codegen(d).split("def lsm_backward")[0]
    assert ".max(axis=-1, keepdims=True)" in forward


def test_a_shifted_softmax_can_be_compared():
    """The max of the shift is real: a condition over a shifted softmax is a valid comparison
    (found by the hypothesis long profile)."""
    d = symbp.derive(symbp.module("prop", "maximum(z, softmax(W @ x))",
                                  shapes={"x": ("n",), "z": ("m",), "W": ("m", "n")}))
    assert symbp.verify(d, seed=0, sizes=(1, 3), large=False).ok


@pytest.mark.parametrize("name, text, shapes, reference, logits", CASES, ids=[c[0] for c in CASES])
def test_backwards_through_computed_logits_keep_temporaries_two_dimensional(name, text, shapes,
                                                                             reference, logits):
    """A sum over two indices is split (``Σ_ij a_i b_ij = Σ_i a_i Σ_j b_ij``) and nested sums are
    reordered, so no backward broadcasts to a 3-D or 4-D temporary: peak memory stays within a
    few of the module's largest 2-D arrays (5-12×; before the split, 99× for log_softmax and
    7000× for attention at these sizes)."""
    sizes = {"B": 96, "n": 48, "m": 64, "s": 96, "d": 48, "t": 64, "e": 48}
    f = symbp.load(symbp.derive(symbp.module(name, text, shapes=shapes)))
    rng = np.random.default_rng(3)
    args = [rng.standard_normal(tuple(sizes[s] for s in dims)) for dims in shapes.values()]
    out, cache = f.forward(*args)
    g = rng.standard_normal(np.shape(out))
    largest = 96 * 64 * 8  # bytes of the largest 2-D array (the logits)
    peak = peak_memory(f.backward, g, cache)
    assert peak < 24 * largest, f"{name}: peak {peak / largest:.0f}× the logits"


def _mp_reference(text: str, x: float):
    """``(f(x), f'(x))`` with mpmath at 120 digits (its own functions, its own differentiation:
    f(x) = ½ + 10⁻²³ needs the digits)."""
    import mpmath
    fns = {"softplus": lambda u: mpmath.log1p(mpmath.exp(u)), "sigmoid": lambda u: 1 / (1 + mpmath.exp(-u)),
           "log": mpmath.log, "sqrt": mpmath.sqrt, "tanh": mpmath.tanh}
    f = lambda u: eval(text, {"__builtins__": {}}, {**fns, "x": u})  # noqa: E731 - our test text, not user input
    with mpmath.workdps(120):
        return float(f(mpmath.mpf(x))), float(mpmath.diff(f, mpmath.mpf(x)))


NESTED = [  # (forward, inputs, dtype): compositions whose stable forms SymPy's algebra used to undo
    ("softplus(softplus(x))", [100.0, 1000.0], np.float64),   # log(exp(x) + 2): inf at 1000
    ("softplus(softplus(x))", [100.0], np.float32),
    ("log(softplus(x))", [30.0, 1000.0], np.float64),         # (exp(exp(y)) - 1)·exp(-exp(y) - y): nan
    ("log(softplus(x))", [100.0], np.float32),
    ("sqrt(softplus(x))", [1000.0], np.float64),              # (exp(y²) - 1)·exp(-y²): nan
    ("sqrt(softplus(x))", [100.0], np.float32),
    ("1/softplus(x)", [-30.0, -100.0], np.float64),           # σ(-x) - 1 for -σ(x): 0 at -100
    ("log(tanh(softplus(x)))", [-100.0], np.float64),
    ("sigmoid(x)", [-10.0, -15.0, -20.0], np.float32),        # ½ + ½·tanh(x/2): 0 at -20
    ("sigmoid(x)", [-30.0, -40.0], np.float64),
    ("sigmoid(sigmoid(x))", [-50.0, -1000.0, 0.3, 50.0], np.float64),  # exp(-x)/(1 + exp(-x))²: nan
    ("sigmoid(sigmoid(x))", [-50.0, 0.3], np.float32),                  # (1 + exp(50))² overflowed
]


@pytest.mark.parametrize("text, xs, dtype", NESTED, ids=[f"{t}-{np.dtype(d).name}" for t, _, d in NESTED])
def test_nested_functions_stay_accurate_in_their_tails(text, xs, dtype):
    f = symbp.load(symbp.derive(symbp.elementwise("nested", text)))
    x = np.array(xs, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, cache = f.forward(x)
        (dx,) = f.backward(np.ones_like(x), cache)
    assert y.dtype == dx.dtype == dtype
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    for k, value in enumerate(xs):
        want_y, want_dx = _mp_reference(text, value)
        np.testing.assert_allclose([y[k], dx[k]], [want_y, want_dx], rtol=rtol, err_msg=f"{text} at {value}")


def test_the_backward_reuses_the_forwards_logits_transposed():
    """``W @ x.T`` in the backward is the forward's ``x @ W.T`` transposed: no second GEMM."""
    d = symbp.derive(symbp.module("lsm", "log_softmax(x @ W.T)", shapes={"x": ("B", "n"), "W": ("m", "n")}))
    forward, backward = symbp.codegen(d).split("def lsm_backward")
    assert "x @ W.T" in forward
    assert "W @ x.T" not in backward and "x @ W.T" not in backward
