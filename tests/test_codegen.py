"""Generated numpy code against PyTorch autograd (an independent oracle), both precisions,
extreme inputs, and user modules through symbp.load."""
import numpy as np
import pytest

import symbp
from conftest import require, rng_for

torch = require("torch")
F = torch.nn.functional


B, N, M = 7, 11, 5


def inputs(name, dtype, scale=2.0):
    r = rng_for("inputs", name)

    def u(*shape):
        return (r.uniform(-scale, scale, shape)).astype(dtype)
    return {
        "linear": (u(B, N), u(M, N), u(M)),
        "relu": (u(B, N),), "sigmoid": (u(B, N),), "tanh": (u(B, N),),
        "duplicate": (u(B, N),),
        "add": (u(B, N), u(B, N)), "max": (u(B, N), u(B, N)),
        "softmax": (u(B, N),), "log_softmax": (u(B, N),),
        "cross_entropy": (u(B, N), r.integers(0, N, B)),
        "mse": (u(B, N), u(B, N)),
        "l2_penalty": (u(N, M),), "l1_penalty": (u(N, M),),
        "normalize": (u(B, N),),
    }[name]


TORCH = {
    "linear": lambda x, W, b: F.linear(x, W, b),
    "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
    "add": lambda a, b: a + b,
    "max": lambda a, b: torch.where(a > b, a, b),
    "softmax": lambda x: torch.softmax(x, -1), "log_softmax": lambda x: torch.log_softmax(x, -1),
    "cross_entropy": lambda x, t: F.cross_entropy(x, t),
    "mse": lambda p, t: F.mse_loss(p, t),
    "l2_penalty": lambda w: 1e-4 * (w * w).sum(), "l1_penalty": lambda w: 1e-4 * w.abs().sum(),
    "normalize": lambda x: (x - x.mean(0)) / torch.clamp(x.std(0, unbiased=False), min=1e-5),
}


def torch_reference(name, args, upstream):
    ts = [torch.tensor(a, dtype=torch.float64, requires_grad=np.issubdtype(a.dtype, np.floating))
          if np.issubdtype(a.dtype, np.floating) else torch.tensor(a) for a in args]
    out = TORCH[name](*ts)
    out.backward(torch.tensor(np.asarray(upstream, dtype=np.float64)))
    return out.detach().numpy(), [t.grad.numpy() if t.grad is not None else None for t in ts]


@pytest.fixture(scope="module")
def nn(derivations):
    return {name: symbp.load(d) for name, d in derivations.items() if name in TORCH or name == "duplicate"}



TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-4, atol=1e-5)}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("name", sorted(TORCH))
def test_matches_torch(nn, name, dtype):
    args = inputs(name, dtype)
    f = nn[name]
    out, cache = f.forward(*args)
    upstream = np.asarray(rng_for('upstream', name).standard_normal(np.shape(out))).astype(dtype)
    if np.ndim(out) == 0:
        upstream = dtype(0.7)
    grads = f.backward(upstream, cache)
    ref_out, ref_grads = torch_reference(name, args, upstream)
    np.testing.assert_allclose(out, ref_out, **TOL[dtype])
    assert np.asarray(out).dtype == dtype, f"{name}: {np.asarray(out).dtype} out for {dtype.__name__} in"
    assert len(grads) == len(args)
    for g, rg, a in zip(grads, ref_grads, args):
        if rg is None:
            assert g is None
            continue
        assert g.dtype == dtype and g.shape == a.shape
        np.testing.assert_allclose(g, rg, **TOL[dtype])


def test_duplicate_contract(nn):
    x = inputs("duplicate", np.float32)[0]
    out, cache = nn["duplicate"].forward(x, n=3)
    assert isinstance(out, tuple) and len(out) == 3 and all(o is x or np.array_equal(o, x) for o in out)
    gs = tuple(np.full_like(x, k) for k in (1, 2, 4))
    (dx,) = nn["duplicate"].backward(gs, cache)
    np.testing.assert_array_equal(dx, np.full_like(x, 7))
    assert dx.dtype == np.float32


EXTREME = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "cross_entropy", "max", "add", "linear", "mse"]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("name", EXTREME)
def test_extreme_inputs_are_finite_and_match_float64(nn, name, dtype):
    """Inputs of ±1000: finite values, no floating-point warnings, equal to a float64 reference."""
    args = list(inputs(name, np.float64))
    for k, a in enumerate(args):
        if np.issubdtype(a.dtype, np.floating) and (name != "linear" or k == 0):
            args[k] = np.where(a > 0, 1000.0, -1000.0) + a
    f = nn[name]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, cache = f.forward(*[a.astype(dtype) if np.issubdtype(a.dtype, np.floating) else a for a in args])
        up = np.ones(np.shape(out), dtype) if np.ndim(out) else 1.0
        grads = f.backward(up, cache)
    ref_out, ref_grads = torch_reference(name, args, np.ones(np.shape(out)) if np.ndim(out) else 1.0)
    assert np.all(np.isfinite(out))
    scale = max(1.0, float(np.max(np.abs(ref_out))))
    np.testing.assert_allclose(out, ref_out, rtol=TOL[dtype]["rtol"], atol=TOL[dtype]["atol"] * scale)
    for g, rg in zip(grads, ref_grads):
        if rg is not None:
            assert np.all(np.isfinite(g))
            gscale = max(1.0, float(np.max(np.abs(rg))))
            np.testing.assert_allclose(g, rg, rtol=TOL[dtype]["rtol"], atol=TOL[dtype]["atol"] * gscale)


def test_rules_match_torch_optimizers(derivations):
    step = {n: symbp.load(derivations[n]).step for n in ("sgd", "sgd_l2", "momentum", "adam", "sgd_l1")}
    rng = rng_for('rules')
    w0 = rng.standard_normal(20)
    g = rng.standard_normal(20)

    def torch_step(opt_cls, **kw):
        p = torch.nn.Parameter(torch.tensor(w0.copy()))
        opt = opt_cls([p], **kw)
        p.grad = torch.tensor(g.copy())
        opt.step()
        return p.detach().numpy()

    w = w0.copy()
    assert step["sgd"](w, g, lr=0.1) is w, "steps update w in place"
    np.testing.assert_allclose(w, torch_step(torch.optim.SGD, lr=0.1), rtol=1e-12)
    np.testing.assert_allclose(step["sgd_l2"](w0.copy(), g, lr=0.1, alpha=0.05),
                               torch_step(torch.optim.SGD, lr=0.1, weight_decay=0.1), rtol=1e-12)
    w, v = step["momentum"](w0.copy(), g, np.zeros(20), lr=0.1, mu=0.9)
    np.testing.assert_allclose(w, torch_step(torch.optim.SGD, lr=0.1, momentum=0.9), rtol=1e-12)
    w, m, v = step["adam"](w0.copy(), g, np.zeros(20), np.zeros(20), lr=0.01, t=1)
    np.testing.assert_allclose(w, torch_step(torch.optim.Adam, lr=0.01), rtol=1e-9)
    # L1 has no torch optimizer: a hand oracle (tests/ only)
    np.testing.assert_allclose(step["sgd_l1"](w0.copy(), g, lr=0.1, alpha=0.2), w0 - 0.1 * (g + 0.2 * np.sign(w0)))
    # two momentum steps against torch: the state carries over
    p = torch.nn.Parameter(torch.tensor(w0.copy()))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    w, v = w0.copy(), np.zeros(20)
    for k in range(2):
        p.grad = torch.tensor(g * (k + 1))
        opt.step()
        step["momentum"](w, g * (k + 1), v, lr=0.1, mu=0.9)
    np.testing.assert_allclose(w, p.detach().numpy(), rtol=1e-12)


USER = {
    "swish": (lambda: symbp.elementwise("swish", "x * sigmoid(x)"),
              lambda x: x * torch.sigmoid(x), lambda r: (r.uniform(-3, 3, (6, 5)),)),
    "softplus": (lambda: symbp.elementwise("sp", "softplus(x)"),
                 F.softplus, lambda r: (r.uniform(-3, 3, (9,)),)),
    "lsq": (lambda: symbp.module("lsq", "sum((W @ x - y) ** 2)", shapes={"W": ("m", "n"), "x": ("n",), "y": ("m",)}),
            lambda W, x, y: ((W @ x - y) ** 2).sum(), lambda r: (r.normal(size=(4, 3)), r.normal(size=3), r.normal(size=4))),
    "dense": (lambda: symbp.module("dense", "relu(X @ W.T + b)", shapes={"X": ("B", "n"), "W": ("m", "n"), "b": ("m",)}),
              lambda X, W, b: torch.relu(X @ W.T + b), lambda r: (r.normal(size=(5, 3)), r.normal(size=(4, 3)), r.normal(size=4))),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("name", sorted(USER))
def test_user_modules_through_load(name, dtype):
    make, ref, draw = USER[name]
    f = symbp.load(symbp.derive(make()))
    args = [a.astype(dtype) for a in draw(np.random.default_rng(1))]
    out, cache = f.forward(*args)
    up = np.ones(np.shape(out), dtype) if np.ndim(out) else 1.0
    grads = f.backward(up, cache)
    ts = [torch.tensor(a.astype(np.float64), requires_grad=True) for a in args]
    r = ref(*ts)
    r.backward(torch.ones_like(r))
    np.testing.assert_allclose(out, r.detach().numpy(), **TOL[dtype])
    for g, t in zip(grads, ts):
        assert g.dtype == dtype
        np.testing.assert_allclose(g, t.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("forward", ["where(x > 0, 1, 0) + where(x > 1, 2, 0)",
                                     "sum(where(x > 0, 1, 0))", "n * where(x > 0, 1, 0)"])
def test_whole_number_outputs_come_in_the_input_dtype(forward, dtype):
    # numpy computes a sum of masks as ints (True + True is 2, not True): the output is cast
    f = symbp.load(symbp.derive(symbp.module("steps", forward, shapes={"x": ("n",)})))
    x = np.array([-1.0, 0.5, 2.0], dtype=dtype)
    out, cache = f.forward(x)
    assert out.dtype == dtype
    expected = {"where(x > 0, 1, 0) + where(x > 1, 2, 0)": [0, 1, 3], "sum(where(x > 0, 1, 0))": 2,
                "n * where(x > 0, 1, 0)": [0, 3, 3]}[forward]
    np.testing.assert_array_equal(out, expected)
    (dx,) = f.backward(np.ones_like(out), cache)
    assert dx.dtype == dtype and not dx.any()


def test_user_module_extreme_inputs():
    f = symbp.load(symbp.derive(symbp.elementwise("swish", "x * sigmoid(x)")))
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y, cache = f.forward(x)
        (dx,) = f.backward(np.ones_like(x), cache)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))
    np.testing.assert_allclose(dx, [0, 0, 0.5, 1, 1], atol=1e-6)


def test_normalize_constant_channel_uses_eps_without_warnings(nn):
    x = inputs("normalize", np.float32)[0].copy()
    x[:, 2] = 3.0  # sigma = 0 < eps: the eps branch
    with np.errstate(all="raise"):
        y, cache = nn["normalize"].forward(x)
        (dx,) = nn["normalize"].backward(np.ones_like(y), cache)
    assert np.all(y[:, 2] == 0) and np.all(np.isfinite(dx))
    ref_out, ref_grads = torch_reference("normalize", [x.astype(np.float64)], np.ones(x.shape))
    np.testing.assert_allclose(y, ref_out, rtol=1e-4, atol=1e-4)


def test_dropout_against_its_definition():
    f = symbp.load(symbp.derive(symbp.get("dropout")))
    x = np.arange(6, dtype=np.float32)
    mask = np.array([1, 0, 1, 1, 0, 1], dtype=np.float32)
    y, cache = f.forward(x, mask, p=0.25)
    np.testing.assert_allclose(y, x * mask / 0.75)
    (dx, dmask) = f.backward(np.ones_like(x), cache)
    np.testing.assert_allclose(dx, mask / 0.75)
    assert dmask is None
    y_eval, cache = f.forward(x)  # eval mode: no mask, the identity
    assert y_eval is x and f.backward(np.ones_like(x), cache)[0].tolist() == [1.0] * 6
    draw = {}
    exec(symbp.codegen(symbp.derive(symbp.get("dropout"))), draw)
    a = draw["dropout_mask"]((1000,), p=0.3, rng=0)
    b = draw["dropout_mask"]((1000,), p=0.3, rng=0)
    assert np.array_equal(a, b) and 0.6 < a.mean() < 0.8 and a.dtype == np.float32
