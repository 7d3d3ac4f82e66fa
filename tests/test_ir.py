"""The typed array program and the code printed from it: names are defined before they are read,
caches hold what the backward reads, non-finite values never reach a printer."""
import ast
import builtins

import numpy as np
import pytest
import sympy as sp

import symbp
from symbp.lower import ir

# expressions whose generated code once cached a temporary it never assigned, or read an input
# the forward did not cache
REGRESSIONS = [
    ("exp_sq", "exp(x**2)", {"x": ("n",)}),
    ("tanh_wx", "tanh(W @ x)", {"W": ("m", "n"), "x": ("n",)}),
    ("norm", "sqrt(sum(x**2))", {"x": ("n",)}),
    ("tanh_sig", "tanh(sigmoid(x))", {"x": ("n",)}),
    ("total", "sum(x)", {"x": ("n",)}),
    ("quad", "x.T @ A @ x", {"x": ("n",), "A": ("n", "n")}),
]


def undefined_names(source: str) -> dict[str, set[str]]:
    """Per function: names loaded that are neither arguments, assigned, imported, builtins nor
    functions of the module (helpers such as ``_sigmoid``)."""
    out = {}
    body = ast.parse(source).body
    module_functions = {fn.name for fn in body if isinstance(fn, ast.FunctionDef)}
    for fn in body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        known = {a.arg for a in fn.args.args + fn.args.kwonlyargs} | set(dir(builtins)) | {"np"}
        known |= module_functions
        loads = set()
        for node in ast.walk(fn):
            if isinstance(node, ast.Name):
                (known.add if isinstance(node.ctx, ast.Store) else loads.add)(node.id)
            elif isinstance(node, ast.comprehension):
                known |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        out[fn.name] = loads - known
    return out


def targets():
    for name, m in symbp.catalog().items():
        yield name, m
    for name, text, shapes in REGRESSIONS:
        yield name, symbp.module(name, text, shapes=shapes)


@pytest.mark.parametrize("name, m", list(targets()), ids=[n for n, _ in targets()])
def test_every_name_read_is_defined(name, m):
    src = symbp.codegen(symbp.derive(m))
    missing = {fn: names for fn, names in undefined_names(src).items() if names}
    assert not missing, f"{name}: names read but never defined: {missing}"


def test_the_name_check_can_fail():
    assert undefined_names("def f(a):\n    b = a + c\n    return b\n") == {"f": {"c"}}
    assert undefined_names("def f(a):\n    return _h(a)\n") == {"f": {"_h"}}
    assert undefined_names("def f(a):\n    return _h(a)\n\ndef _h(a):\n    return a\n") == {"f": set(), "_h": set()}


@pytest.mark.parametrize("name, text, shapes", REGRESSIONS, ids=[r[0] for r in REGRESSIONS])
def test_regressions_run_and_verify(name, text, shapes):
    d = symbp.derive(symbp.module(name, text, shapes=shapes))
    f = symbp.load(d)
    rng = np.random.default_rng(0)
    sizes = {"n": 3, "m": 2}
    args = [rng.uniform(0.5, 1.5, tuple(sizes[s] for s in shapes[k])) for k in shapes]
    out, cache = f.forward(*args)
    grads = f.backward(np.ones_like(out), cache)
    assert all(np.all(np.isfinite(g)) for g in grads)
    assert symbp.verify(d).ok


@pytest.mark.parametrize("text", ["x / 0", "log(0 * x)", "x * (1/0)"])
def test_non_finite_expressions_are_refused_with_a_clear_error(text):
    with pytest.raises(symbp.ExpressionError, match="infinite or undefined"):
        symbp.module("bad", text, shapes={"x": ("n",)})


def test_non_finite_values_cannot_enter_the_program():
    t = sp.Symbol("_t0")
    for value in (sp.zoo, sp.nan, sp.oo * sp.Symbol("x")):
        with pytest.raises(ir.NonFiniteError):
            ir.Assign(t, value)
        with pytest.raises(ir.NonFiniteError):
            ir.Reduce(t, value)


def test_nodes_report_what_they_read():
    a, b, t = sp.symbols("a b _t1")
    assert ir.Assign(t, a * b + a).deps() == {a: 2, b: 1}
    assert set(ir.Contract(t, a, True, b, False).deps()) == {a, b}
    assert ir.View(t, a, perm=(1, 0)).substitute({a: b}).source == b


def test_masks_are_never_added_as_booleans():
    """numpy adds boolean arrays as a logical or; found by the hypothesis `long` profile."""
    d = symbp.derive(symbp.module("prop", "minimum(0.5, X) + where(x > 0, 0.5, X)",
                                  shapes={"X": ("B", "n"), "x": ("n",)}))
    assert symbp.verify(d, seed=0, sizes=(1, 3), large=False).ok
    steps = symbp.load(symbp.derive(symbp.elementwise("steps", "where(x > 0, 1, 0) + where(x > 1, 1, 0)")))
    out, _ = steps.forward(np.array([-1.0, 0.5, 2.0]))
    np.testing.assert_array_equal(out, [0, 1, 2])


def test_an_exp_of_a_sum_is_never_expanded_into_a_product():
    """softmax of a contraction with a softmax: the shift split exp(Σ) into Π exp (no array form)."""
    d = symbp.derive(symbp.module("nested", "softmax(A @ softmax(x))", shapes={"x": ("n",), "A": ("n", "n")}))
    assert symbp.verify(d, seed=0, sizes=(1, 3), large=False).ok
