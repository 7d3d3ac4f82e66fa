"""The derivations against hand-written oracles (allowed here, in tests/ only)."""
import numpy as np
import pytest
import sympy as sp

import symbp
from symbp.names import OUTPUT, UPSTREAM

d_ = sp.KroneckerDelta
g = UPSTREAM.base
y = OUTPUT.base


def canon(e):
    """Rename every summation variable to a canonical one (by nesting depth)."""
    def rename(s):
        out = s.function
        limits = []
        for k, (v, lo, hi) in enumerate(s.limits):
            new = sp.Symbol(f"_k{k}_{sp.count_ops(s.function)}", integer=True)
            out = out.xreplace({v: new})
            limits.append((new, lo, hi))
        return sp.Sum(out, *limits)
    return e.replace(lambda x: isinstance(x, sp.Sum), rename)


def same(a, b) -> bool:
    return sp.simplify(sp.expand(canon(a) - canon(b))) == 0


def test_softmax_jacobian_in_terms_of_output(derivations):
    s = derivations["softmax"].steps["x"]
    b, i = derivations["softmax"].module.index
    c, j = s.index
    assert same(s.jacobian_y, d_(b, c) * y[b, i] * (d_(i, j) - y[b, j]))
    k = sp.Symbol("k", integer=True)
    n = sp.Symbol("n", integer=True, positive=True)
    oracle = y[c, j] * (g[c, j] - sp.Sum(g[c, k] * y[c, k], (k, 0, n - 1)))
    assert same(s.vjp, oracle)


@pytest.mark.parametrize("name, oracle", [
    ("sigmoid", lambda c: g[c] * y[c] * (1 - y[c])),
    ("tanh", lambda c: g[c] * (1 - y[c] ** 2)),
])
def test_elementwise_output_forms(derivations, name, oracle):
    s = derivations[name].steps["x"]
    assert s.vjp_y is not None, f"{name}: SymPy should find the output form"
    assert same(s.vjp, oracle(s.index[0]))


def test_linear_vjps(derivations):
    d = derivations["linear"]
    W, x = sp.IndexedBase("W", real=True), sp.IndexedBase("x", real=True)
    sx, sW, sb = d.steps["x"], d.steps["W"], d.steps["b"]
    # dC/dX = dC/dY · W (batch form of W^T dC/dY), dC/dW = dC/dY^T · X, dC/db = column sums
    (body_x,) = [sx.vjp.function]
    c, j = sx.index
    i = sx.vjp.limits[0][0]
    assert same(body_x, W[i, j] * g[c, i])
    c, j = sW.index
    b = sW.vjp.limits[0][0]
    assert same(sW.vjp.function, g[b, c] * x[b, j])
    assert same(sb.vjp.function, g[sb.vjp.limits[0][0], sb.index[0]])


def test_cross_entropy_is_softmax_minus_onehot(derivations):
    s = derivations["cross_entropy"].steps["logits"]
    c, j = s.index
    logits, t = sp.IndexedBase("logits", real=True), sp.IndexedBase("target", integer=True)
    k = sp.Symbol("k", integer=True)
    n, B = sp.Symbol("n", integer=True, positive=True), sp.Symbol("B", integer=True, positive=True)
    soft = sp.exp(logits[c, j]) / sp.Sum(sp.exp(logits[c, k]), (k, 0, n - 1))
    g0 = UPSTREAM.scalar
    assert same(s.vjp, g0 * (soft - d_(j, t[c])) / B)


def test_log_softmax_in_terms_of_output(derivations):
    s = derivations["log_softmax"].steps["x"]
    assert s.vjp_y is not None
    assert s.vjp.has(sp.exp) and s.vjp.has(y) and not s.vjp.has(sp.IndexedBase("x", real=True))


def test_subgradients_follow_the_notes():
    """ReLU passes the gradient at x = 0; Max sends it to x2 at a tie (X1 > X2 is false)."""
    relu = symbp.load(symbp.derive(symbp.get("relu")))
    _, cache = relu.forward(np.array([-1.0, 0.0, 2.0]))
    (dx,) = relu.backward(np.ones(3), cache)
    assert dx.tolist() == [0.0, 1.0, 1.0]
    mx = symbp.load(symbp.derive(symbp.get("max")))
    _, cache = mx.forward(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0]))
    d1, d2 = mx.backward(np.ones(3), cache)
    assert d1.tolist() == [0.0, 1.0, 0.0] and d2.tolist() == [1.0, 0.0, 1.0]


def test_duplicate_sums_and_add_passes(derivations):
    s = derivations["duplicate"].steps["x"]
    assert isinstance(s.vjp, sp.Sum) and s.vjp.function.base == g
    a = derivations["add"]
    assert all(st.vjp == g[st.index[0]] for st in a.steps.values())


@pytest.mark.parametrize("name", ["linear", "softmax", "log_softmax", "mse", "sigmoid"])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_index_form_matches_expansion_at_small_sizes(derivations, name, n):
    """Expanding at sizes 1-3 and differentiating each element gives the same VJP values."""
    d = derivations[name]
    m = d.module
    dims = sorted({dim for t in m.inputs for dim in t.dims} | set(m.out_dims))
    values = {dim: n + k for k, dim in enumerate(dims)}
    subs = {sp.Symbol(k, integer=True, positive=True): v for k, v in values.items()}
    rng = np.random.default_rng(n)
    arrays = {t.name: rng.uniform(-1, 1, [values[dd] for dd in t.dims]) for t in m.inputs}
    out_shape = [values[dd] for dd in m.out_dims]
    gval = rng.uniform(-1, 1, out_shape) if out_shape else 0.7

    def num(e):
        """Evaluate an index-form scalar expression at concrete indices, by expansion."""
        e = e.xreplace(subs).doit()
        reps = {}
        for ix in e.atoms(sp.Indexed):
            name_ = str(ix.base.label)
            at = tuple(int(i) for i in ix.indices)
            if name_ == UPSTREAM.symbol:
                reps[ix] = gval[at]
            elif name_ == OUTPUT.symbol:
                reps[ix] = num(m.forward.xreplace(dict(zip(m.index, at))))
            else:
                reps[ix] = arrays[name_][at]
        e = e.xreplace(reps).xreplace({UPSTREAM.scalar: gval})
        return float(sp.N(e))

    x = m.differentiable[0]
    step = d.steps[x.name]
    # oracle: chain rule by expansion, sum over outputs of g * d out / d x
    for at in np.ndindex(*arrays[x.name].shape):
        vjp_val = num(step.vjp.xreplace(dict(zip(step.index, at))))
        xsym = sp.IndexedBase(x.name, real=True)[at]
        total = 0.0
        for o in (np.ndindex(*out_shape) if out_shape else [()]):
            f = m.forward.xreplace(dict(zip(m.index, o))).xreplace(subs).doit()
            df = sp.diff(f, xsym)
            reps = {ix: arrays[str(ix.base.label)][tuple(int(i) for i in ix.indices)]
                    for ix in df.atoms(sp.Indexed)}
            gv = gval[o] if out_shape else gval
            total += gv * float(sp.N(df.xreplace(reps)))
        assert vjp_val == pytest.approx(total, rel=1e-9, abs=1e-12)
