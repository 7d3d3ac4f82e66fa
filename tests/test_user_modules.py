"""Modules users write, through the public API: each derives, verifies, loads and matches PyTorch
autograd in float64 (forward and every input's gradient); layer norm stays accurate at a mean of
1e4 (its backward is centred like its forward); losses stay finite at logits of ±1000."""
import numpy as np
import pytest

import symbp
from conftest import peak_memory, require
from user_modules import LAYER_NORM, MODULES

torch = require("torch")
F = torch.nn.functional

def _draw(um, m, rng):
    values = {}
    for t in m.inputs:
        shape = tuple(um.sizes.get(d, 5) for d in t.dims) if not m.elementwise else (7,)
        values[t.name] = rng.uniform(0, 1, shape) if t.name in um.unit else rng.standard_normal(shape)
    return values


def _check_against_torch(um, f, m, values, rtol=1e-10):
    out, cache = f.forward(*values.values(), **um.params)
    rng = np.random.default_rng(1)
    g = rng.standard_normal(np.shape(out))
    grads = f.backward(g if np.ndim(out) else float(g), cache)
    tensors = [torch.tensor(v, requires_grad=True) for v in values.values()]
    ref = um.torch(torch, F, *tensors, **um.params)
    ref.backward(torch.tensor(g))
    scale = max(1.0, float(np.max(np.abs(ref.detach().numpy()))))
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=rtol, atol=rtol * scale)
    for t, grad, mine in zip(m.inputs, tensors, grads):
        want = grad.grad.numpy()
        np.testing.assert_allclose(mine, want, rtol=rtol, atol=rtol * max(1.0, np.max(np.abs(want))),
                                   err_msg=f"d{t.name}")


@pytest.mark.parametrize("um", MODULES, ids=lambda um: um.name)
def test_user_module_matches_torch(um):
    m = um.build(symbp)
    d = symbp.derive(m)
    report = symbp.verify(d, seed=0)
    assert report.ok, report.failures
    f = symbp.load(d)
    _check_against_torch(um, f, m, _draw(um, m, np.random.default_rng(0)))


BROADCAST = {"bilinear"}  # einsum with a rank-3 operand: dA is summed from a 4-D broadcast


@pytest.mark.parametrize("um", [um for um in MODULES if um.name not in BROADCAST], ids=lambda um: um.name)
def test_user_module_backward_memory_is_a_few_arrays(um):
    """Multiple sums are split and reordered into matmuls, so the backward never broadcasts to a
    3-D temporary: its peak memory is a few of the module's largest arrays (at most 27 at size
    40; a 3-D temporary alone would be 40)."""
    m = um.build(symbp)
    f = symbp.load(symbp.derive(m))
    rng = np.random.default_rng(0)
    args = [rng.standard_normal((40, 40) if m.elementwise else tuple(40 for _ in t.dims))
            for t in m.inputs]
    out, cache = f.forward(*args, **um.params)
    largest = max([a.nbytes for a in args] + [np.asarray(out).nbytes])
    peak = peak_memory(f.backward, np.ones(np.shape(out)) if np.ndim(out) else 1.0, cache)
    assert peak < 32 * largest, f"peak {peak / largest:.0f}× the largest array"


def test_layer_norm_backward_is_centred():
    """At a mean of 1e4 an expanded variance (n Σx² - (Σx)²) loses ~1e-8; the centred one ~1e-13."""
    m = symbp.module("ln", LAYER_NORM, shapes={"x": ("B", "n"), "g": ("n",), "b": ("n",)}, params={"eps": 1e-5})
    f = symbp.load(symbp.derive(m))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 16)) + 1e4
    g, b = rng.standard_normal(16), rng.standard_normal(16)
    dy = rng.standard_normal((4, 16))
    _, cache = f.forward(x, g, b)
    dx, dg, _ = f.backward(dy, cache)
    xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(g, requires_grad=True)
    F.layer_norm(xt, (16,), gt, torch.tensor(b), eps=1e-5).backward(torch.tensor(dy))
    for mine, want in ((dx, xt.grad), (dg, gt.grad)):
        want = want.numpy()
        assert np.max(np.abs(mine - want)) <= 1e-9 * np.max(np.abs(want))


EXTREME = [
    ("bce", "-mean(y * log(sigmoid(z)) + (1 - y) * log(1 - sigmoid(z)))",
     lambda z, y: F.binary_cross_entropy_with_logits(z, y)),
    ("softmax_rows", "sum(softmax(z) * y)", lambda z, y: (torch.softmax(z, -1) * y).sum()),
    ("log_softmax_rows", "sum(log_softmax(z) * y)", lambda z, y: (torch.log_softmax(z, -1) * y).sum()),
    ("logsumexp_rows", "sum(logsumexp(z) * y)", lambda z, y: (torch.logsumexp(z, -1) * y).sum()),
]


@pytest.mark.parametrize("name, text, ref", EXTREME, ids=[e[0] for e in EXTREME])
def test_losses_at_logits_of_1000(name, text, ref):
    rows = name != "bce"
    shapes = {"z": ("B", "n"), "y": ("B", "n") if name == "softmax_rows" or name == "log_softmax_rows"
              else ("B",)} if rows else {"z": ("B",), "y": ("B",)}
    f = symbp.load(symbp.derive(symbp.module(name, text, shapes=shapes)))
    rng = np.random.default_rng(0)
    z = rng.choice([-1000.0, -30.0, 0.5, 30.0, 1000.0], size=(3, 5) if rows else (5,))
    y = rng.uniform(0, 1, (3, 5) if shapes["y"] == ("B", "n") else z.shape[:1])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, cache = f.forward(z, y)
        dz, dy = f.backward(1.0, cache)
    zt, yt = torch.tensor(z, requires_grad=True), torch.tensor(y, requires_grad=True)
    ref(zt, yt).backward()
    np.testing.assert_allclose(dz, zt.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dy, yt.grad.numpy(), rtol=1e-12, atol=1e-9)


def test_softplus_of_exp_backward_is_finite():
    """The output form log(expm1(y)) overflowed past x = 6.6; the derivative is finite up to ~700."""
    f = symbp.load(symbp.derive(symbp.elementwise("spe", "softplus(exp(x))")))
    x = np.array([-30.0, 0.0, 6.6, 7.0, 20.0, 300.0])
    _, cache = f.forward(x)
    (dx,) = f.backward(np.ones_like(x), cache)
    xt = torch.tensor(x, requires_grad=True)
    F.softplus(torch.exp(xt)).sum().backward()
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-12)
