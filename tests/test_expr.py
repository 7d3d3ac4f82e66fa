"""The safe expression language: user modules derive and verify; everything else is refused."""
import builtins
import re
import contextlib
import sys

import numpy as np
import pytest
import sympy as sp

import symbp
from symbp import ExpressionError

USER_MODULES = [
    lambda: symbp.elementwise("swish", "x * sigmoid(x)"),
    lambda: symbp.elementwise("elu", "where(x > 0, x, alpha * (exp(x) - 1))", params={"alpha": 1.0}),
    lambda: symbp.module("quad", "x.T @ A @ x", shapes={"x": ("n",), "A": ("n", "n")}),
    lambda: symbp.module("lsq", "sum((W @ x - y) ** 2)", shapes={"W": ("m", "n"), "x": ("n",), "y": ("m",)}),
    lambda: symbp.module("dense_relu", "relu(W @ x + b)", shapes={"W": ("m", "n"), "x": ("n",), "b": ("m",)}),
    lambda: symbp.module("bilinear", "mean(tanh(X @ W.T) * Y)", shapes={"X": ("B", "n"), "W": ("m", "n"), "Y": ("B", "m")}),
    lambda: symbp.elementwise("mix", "softplus(x) + log(x) + sqrt(x) + abs(x) - minimum(x, 1) + maximum(x, 0.5) / 2"),
]


@contextlib.contextmanager
def no_eval():
    """Parsing user text must never reach eval, exec, sympify or parse_expr."""
    import sympy.parsing.sympy_parser as parser
    sympify_module = sys.modules["sympy.core.sympify"]

    def forbidden(*a, **k):
        raise AssertionError("an eval-like function was called while parsing user text")
    saved = (builtins.eval, builtins.exec, parser.parse_expr, sympify_module.sympify, sp.sympify)
    real_sympify = saved[3]

    def sympify_no_text(a, *args, **kw):
        if isinstance(a, str):
            forbidden()
        return real_sympify(a, *args, **kw)
    builtins.eval = builtins.exec = parser.parse_expr = forbidden
    sympify_module.sympify = sp.sympify = sympify_no_text
    try:
        yield
    finally:
        builtins.eval, builtins.exec, parser.parse_expr, sympify_module.sympify, sp.sympify = saved


@pytest.mark.parametrize("make", USER_MODULES, ids=lambda f: f().name)
def test_user_module_derives_and_verifies(make):
    with no_eval():
        m = make()
    d = symbp.derive(m)
    r = symbp.verify(d)
    assert r.ok, [c for c in r.checks if not c.ok]


def test_lsq_gradient_is_outer_product_not_rank4():
    m = symbp.module("lsq", "sum((W @ x - y) ** 2)", shapes={"W": ("m", "n"), "x": ("n",), "y": ("m",)})
    d = symbp.derive(m)
    step = d.steps["W"]
    c, j = step.index
    W, x, y = (sp.IndexedBase(n, real=True) for n in "Wxy")
    l = [v for v, *_ in step.vjp.atoms(sp.Sum).pop().limits][0]
    n = sp.Symbol("n", integer=True, positive=True)
    g = sp.Symbol("_g", real=True)
    oracle = 2 * g * (sp.Sum(W[c, l] * x[l], (l, 0, n - 1)) - y[c]) * x[j]
    assert sp.simplify(step.vjp - oracle) == 0
    # and the generated code is an outer product of (Wx - y) with x
    f = symbp.load(d)
    rng = np.random.default_rng(0)
    Wv, xv, yv = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3)
    _, cache = f.forward(Wv, xv, yv)
    dW, dx, dy = f.backward(1.0, cache)
    np.testing.assert_allclose(dW, 2 * np.outer(Wv @ xv - yv, xv), rtol=1e-12)
    np.testing.assert_allclose(dx, 2 * Wv.T @ (Wv @ xv - yv), rtol=1e-12)


def test_elementwise_param_is_a_keyword():
    f = symbp.load(symbp.derive(symbp.elementwise(
        "elu", "where(x > 0, x, alpha * (exp(x) - 1))", params={"alpha": 1.0})))
    x = np.array([-1.0, 2.0])
    out1, _ = f.forward(x)
    out2, cache = f.forward(x, alpha=2.0)
    assert out2[0] == pytest.approx(2 * out1[0]) and out2[1] == 2.0
    (dx,) = f.backward(np.ones(2), cache)
    assert dx[0] == pytest.approx(2 * np.exp(-1.0))


BAD = [
    ("__import__('os').system('echo hacked')", "not allowed"),
    ("x.__class__", "attribute"),
    ("(lambda: 1)()", "lambda"),
    ("x[0]", "subscript"),
    ("open('f')", "not allowed"),
    ("x +", "syntax error"),
    ("foo(x)", "not allowed"),
    ("y * 2", "unknown name"),
    ("x if x else x", "if-else"),
    ("'text'", "numbers only"),
    ("x and x", "and/or"),
    ("x > 0", "comparison"),
    ("exp(x, x)", "takes 1 argument"),
    ("exp(x=1)", "positional"),
    ("x.T", ".T is not allowed"),
    ("sum(x)", "not allowed in an elementwise"),
    ("+".join(["x"] * 2000), "too long"),
    ("exp(" * 100 + "x" + ")" * 100, "nested"),
    ("", "empty"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[b[0][:20] for b in BAD])
def test_bad_elementwise_expressions(text, message):
    with no_eval(), pytest.raises(ExpressionError) as info:
        symbp.elementwise("bad", text)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_syntax_error_has_column():
    with pytest.raises(ExpressionError) as info:
        symbp.elementwise("bad", "x * * 2")
    assert info.value.column == 5 and "column 5" in str(info.value)


@pytest.mark.parametrize("text, shapes, message", [
    ("W @ x", {"W": ("m", "n"), "x": ("m",)}, "shape mismatch in @"),
    ("x + y", {"x": ("n",), "y": ("m",)}, "shape mismatch"),
    ("x @ x @ x", {"x": ("n",)}, "@ needs"),
    ("x", {"x": ()}, "no axes"),
    ("x + 1", {"x": ("n",), "z": ("n",)}, "not used"),
    ("x", {"x": ("n-1",)}, "bad size name"),
    ("x", {"__x": ("n",)}, "invalid input name"),
    ("x", {"\u00e9": ("n",)}, "invalid input name '\u00e9'"),
    ("x", {"x\x00": ("n",)}, "invalid input name 'x\\x00'"),
    ("sum(x)", {"x": ("n\u00e9",)}, "bad size name 'n\u00e9'"),
])
def test_bad_modules(text, shapes, message):
    with no_eval(), pytest.raises(ExpressionError) as info:
        symbp.module("bad", text, shapes=shapes)
    assert message in str(info.value)


def test_bad_params():
    with pytest.raises(ExpressionError):
        symbp.elementwise("e", "alpha * x", params={"alpha": "1; rm -rf"})
    with pytest.raises(ExpressionError):
        symbp.elementwise("e", "x", params={"x": 1.0})
    with pytest.raises(ExpressionError):
        symbp.elementwise("import", "x")


def _nested(fn: str, n: int, core: str = "x") -> str:
    return f"{fn}(" * n + core + ")" * n


@pytest.mark.parametrize("build", [
    lambda: symbp.elementwise("deep", _nested("sigmoid", 28)),
    lambda: symbp.module("deep", f"sum({_nested('sigmoid', 28)})", shapes={"x": ("n",)}),
    lambda: symbp.module("deep", _nested("sigmoid", 26, "W @ x"), shapes={"W": ("m", "n"), "x": ("n",)}),
])
def test_too_deep_to_derive_is_an_expression_error_not_a_recursion_error(build):
    """SymPy's recursive walks overflowed the stack (RecursionError) at sigmoid nested 27 deep."""
    with pytest.raises(ExpressionError, match="nested too deeply to derive"):
        symbp.derive(build())


def test_deepest_accepted_nesting_derives_and_loads():
    d = symbp.derive(symbp.elementwise("deep", _nested("sigmoid", 19)))
    assert symbp.load(d).backward is not None


@pytest.mark.parametrize("build", [
    lambda: symbp.elementwise("e", "alpha * x", params={"alpha": 1.0, "beta": 2.0}),
    lambda: symbp.module("m", "sum(x) * alpha", shapes={"x": ("n",)}, params={"alpha": 1.0, "beta": 2.0}),
])
def test_unused_parameter_is_refused_like_an_unused_input(build):
    with pytest.raises(ExpressionError, match="parameter beta is not used"):
        build()


# -- the language of issue 9 ---------------------------------------------------------------------
LANGUAGE = [
    ("sum(X, axis=-1)", {"X": ("B", "n")}, lambda X: X.sum(-1)),
    ("mean(X, axis=0)", {"X": ("B", "n")}, lambda X: X.mean(0)),
    ("sum(T, axis=(0, 2))", {"T": ("a", "b", "c")}, lambda T: T.sum((0, 2))),
    ("X - mean(X, axis=-1, keepdims=True)", {"X": ("B", "n")}, lambda X: X - X.mean(-1, keepdims=True)),
    ("X / sum(X**2, axis=(0, 1), keepdims=True)", {"X": ("B", "n")}, lambda X: X / (X ** 2).sum(keepdims=True)),
    ("softmax(X)", {"X": ("B", "n")}, lambda X: np.exp(X) / np.exp(X).sum(-1, keepdims=True)),
    ("softmax(X, axis=0)", {"X": ("B", "n")}, lambda X: np.exp(X) / np.exp(X).sum(0, keepdims=True)),
    ("log_softmax(X)", {"X": ("B", "n")}, lambda X: X - np.log(np.exp(X).sum(-1, keepdims=True))),
    ("logsumexp(X, axis=-1)", {"X": ("B", "n")}, lambda X: np.log(np.exp(X).sum(-1))),
    ("logsumexp(X, keepdims=True) + X", {"X": ("B", "n")},
     lambda X: np.log(np.exp(X).sum(-1, keepdims=True)) + X),
    ("T @ M", {"T": ("a", "b", "c"), "M": ("c", "d")}, lambda T, M: T @ M),
    ("T @ S", {"T": ("a", "b", "c"), "S": ("a", "c", "d")}, lambda T, S: T @ S),
    ("v @ T", {"v": ("b",), "T": ("a", "b", "c")}, lambda v, T: v @ T),
    ("T.T", {"T": ("a", "b", "c")}, lambda T: T.T),
    ('einsum("ij,j->i", A, x)', {"A": ("m", "n"), "x": ("n",)}, lambda A, x: A @ x),
    ('einsum("ij,kj", A, B)', {"A": ("m", "n"), "B": ("k", "n")}, lambda A, B: np.einsum("ij,kj", A, B)),
    ('einsum("i,i->", x, y)', {"x": ("n",), "y": ("n",)}, lambda x, y: x @ y),
    ("erf(x) * n", {"x": ("n",)}, None),
]


@pytest.mark.parametrize("text, shapes, numpy_value", LANGUAGE, ids=[t for t, *_ in LANGUAGE])
def test_language_forms_derive_verify_and_compute_numpy_values(text, shapes, numpy_value):
    with no_eval():
        m = symbp.module("form", text, shapes=shapes)
    d = symbp.derive(m)
    assert symbp.verify(d, large=False).ok
    if numpy_value is None:
        return
    rng = np.random.default_rng(0)
    sizes = {}
    values = [rng.standard_normal([sizes.setdefault(s, 2 + len(sizes)) for s in dims])
              for dims in shapes.values()]
    out, _ = symbp.load(d).forward(*values)
    np.testing.assert_allclose(out, numpy_value(*values), rtol=1e-12)


def test_float_literals_print_as_written():
    d = symbp.derive(symbp.elementwise("quick_gelu", "x * sigmoid(1.702 * x)"))
    src = symbp.codegen(d)
    assert "1.702" in src and "851" not in src
    from symbp.docs.render import render_one
    page = render_one(d, "md", "en")
    assert "1.702" in page and "851" not in page


BAD_LANGUAGE = [
    ("x**10**10", {}, "exponent"),
    ("9**9**9**9 * x", {}, "exponent"),
    ("(x + 1)**100000", {}, "exponent"),
    ("x * 10**400", {}, "too large"),
    ("x * exp(1000)", {}, "overflows"),
    ("x * sqrt(-1)", {}, "complex"),
    ("x * log(-2)", {}, "complex"),
    ("x * (-8)**0.5", {}, "complex"),
    ("(-2)**x", {}, "complex"),
    ("x / 0", {}, "infinite"),
    ("x * log(0)", {}, "infinite"),
    ("sum(x, axis=2)", {}, "bad axis"),
    ("sum(x, axis=(0, 0))", {}, "bad axis"),
    ("sum(x, axis=1.5)", {}, "axis must be"),
    ("sum(x, keepdims=1)", {}, "keepdims"),
    ("sum(x, axis=-1, keepdims=True)", {}, "keeps an axis"),
    ("sum(x, depth=1)", {}, "no keyword"),
    ("softmax(sum(x))", {}, "not a scalar"),
    ('einsum("ii->i", W)', {"W": ("n", "n")}, "diagonal"),
    ('einsum("ij,j->k", W, x)', {"W": ("m", "n")}, "bad output"),
    ('einsum("ij,i->j", W, x)', {"W": ("m", "n")}, "is m in one operand"),
    ('einsum("...i->i", x)', {}, "letters only"),
    ("einsum(x)", {}, "subscript string"),
    ("W @ y", {"W": ("m", "n"), "y": ("m",)}, "shape mismatch in @"),
    ("T @ S", {"T": ("a", "b", "c"), "S": ("d", "c", "e")}, "shape mismatch"),
    ("x\udcff", {}, "not valid text"),
    ("x\x00", {}, "not valid text"),
]


@pytest.mark.parametrize("text, extra, message", BAD_LANGUAGE, ids=[t.encode("ascii", "replace").decode()
                                                                     for t, *_ in BAD_LANGUAGE])
def test_bad_language_is_an_expression_error(text, extra, message):
    shapes = {"x": ("n",), **extra}
    names = set(re.findall(r"[A-Za-z]\w*", text))
    shapes = {k: v for k, v in shapes.items() if k in names or k == "x"}
    with no_eval(), pytest.raises(ExpressionError) as info:
        symbp.module("bad", text, shapes=shapes)
    assert message in str(info.value)


@pytest.mark.parametrize("shapes, params, message", [
    ({"x": ("n",)}, {"n": 2.0}, "'n' is both a size and a parameter"),
    ({"x": ("dout",)}, {}, "reserved"),
    ({"x": ("n",), "n": ("n",)}, {}, "both an input and a size"),
    ({"x": ("n",), "dx": ("n",)}, {}, "clashes with the generated code's name"),
    ({"x": ("n",), "x_max": ("n",)}, {}, "clashes"),
    ({"out": ("n",)}, {}, "reserved"),
    ({"x": ("n",)}, {"np": 1.0}, "reserved"),
    ({"x\udcff": ("n",)}, {}, "ASCII identifier"),
])
def test_names_may_not_clash(shapes, params, message):
    text = " + ".join(f"sum({v})" for v in shapes) + (" * " + " * ".join(params) if params else "")
    with pytest.raises(ExpressionError) as info:
        symbp.module("clash", text, shapes=shapes, params=params)
    assert message in str(info.value)


def test_a_size_is_a_value_in_an_expression():
    f = symbp.load(symbp.derive(symbp.module("scaled", "x / sqrt(n)", shapes={"x": ("n",)})))
    out, _ = f.forward(np.ones(4))
    np.testing.assert_allclose(out, np.ones(4) / 2)
