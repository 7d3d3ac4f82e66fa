"""Property-based tests (hypothesis): expressions drawn from the grammar derive (within the work
bounds: no hang), pass the structural check, load, and match finite differences; any text at all
is either a module or an ExpressionError; the command line never prints a traceback.

Profiles (tests/conftest.py): ``ci`` (default, derandomized, fast) and ``long`` for local runs:
``HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py``.
"""
import contextlib
import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

import symbp
from symbp.cli import main

INPUTS = {"x": ("n",), "y": ("n",), "z": ("m",), "W": ("m", "n"), "A": ("n", "n"), "X": ("B", "n")}
SHAPES = [(), ("n",), ("m",), ("B", "n")]

# bounded (no overflow at any depth) and defined everywhere: log, sqrt and / see 1 + u²
UNARY = ["tanh({})", "sigmoid({})", "relu({})", "softplus({})", "abs({})", "erf({})", "exp(-({})**2)",
         "exp(tanh({}))", "sqrt(1 + ({})**2)", "log(1 + ({})**2)", "-({})", "({})**2", "({})**3"]
BINARY = ["({}) + ({})", "({}) - ({})", "({}) * ({})", "({}) / (1 + ({})**2)", "maximum({}, {})",
          "minimum({}, {})", "where({} > 0, {}, {})".replace("{}, {}", "{}, {}", 1)]
CONSTANTS = ["0.5", "2", "1.702", "alpha"]


def _leaves(shape):
    """Inputs of ``shape``, or that broadcast to it (``x`` against ``X``)."""
    return [k for k, v in INPUTS.items() if v == shape or (len(v) < len(shape) and shape[-len(v):] == v)]


@st.composite
def terms(draw, shape, depth):
    leaves = _leaves(shape)
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        if leaves and draw(st.integers(0, 5)):
            return draw(st.sampled_from(leaves))
        return draw(st.sampled_from(CONSTANTS))
    kind = draw(st.sampled_from(["unary", "binary", "where", "reduce", "softmax", "matmul"]))
    sub = depth - 1
    if kind == "unary":
        return draw(st.sampled_from(UNARY)).format(draw(terms(shape, sub)))
    if kind == "binary":
        form = draw(st.sampled_from(BINARY[:-1]))
        return form.format(draw(terms(shape, sub)), draw(terms(shape, sub)))
    if kind == "where":
        return "where({} > {}, {}, {})".format(draw(terms(shape, sub)), draw(st.sampled_from(["0", "0.5"])),
                                               draw(terms(shape, sub)), draw(terms(shape, sub)))
    if kind == "reduce" and len(shape) < 2:
        inner = shape + (draw(st.sampled_from(["n", "m"])),)
        f = draw(st.sampled_from(["sum", "mean", "logsumexp"]))
        return f"{f}({draw(terms(inner, sub))}, axis=-1)"
    if kind == "softmax" and shape:
        f = draw(st.sampled_from(["softmax", "log_softmax"]))
        return f"{f}({draw(terms(shape, sub))})"
    if kind == "matmul" and shape == ("m",):
        return f"W @ ({draw(terms(('n',), sub))})"
    if kind == "matmul" and shape == ("n",):
        return f"A @ ({draw(terms(('n',), sub))})"
    if kind == "matmul" and shape == ():
        return f"({draw(terms(('n',), sub))}) @ ({draw(terms(('n',), sub))})"
    return draw(terms(shape, sub))


@st.composite
def user_modules(draw):
    shape = draw(st.sampled_from(SHAPES))
    text = draw(terms(shape, draw(st.integers(1, 3))))
    if not any(k in re.findall(r"[A-Za-z_]\w*", text) for k in INPUTS):  # constants only
        text = f"({text}) + " + (draw(st.sampled_from(_leaves(shape))) if shape else "sum(x)")
    names = set(re.findall(r"[A-Za-z_]\w*", text))
    shapes = {k: v for k, v in INPUTS.items() if k in names}
    params = {"alpha": 0.7} if "alpha" in names else {}
    return text, shapes, params


@given(user_modules())
def test_grammar_expressions_derive_load_and_match_finite_differences(case):
    text, shapes, params = case
    try:
        m = symbp.module("prop", text, shapes=shapes, params=params)
    except symbp.ExpressionError as exc:  # a valid refusal (an input simplified away, x - x)
        assert "not used" in str(exc) or "scalar" in str(exc), exc
        return
    d = symbp.derive(m)  # the structural check runs inside; a DerivationError fails the test
    report = symbp.verify(d, seed=0, sizes=(1, 3), large=False)
    assert report.ok, (text, report.failures)
    symbp.load(d)


TOKENS = ["x", "W", "A", "y", "alpha", "1", "0.5", "1e308", "9", "+", "-", "*", "/", "**", "@", "(", ")",
          ",", ".T", ".x", "[0]", "exp(", "log(", "sqrt(", "relu(", "sum(", "mean(", "softmax(",
          "where(", "einsum(", '"ij,j->i"', "axis=", "-1", "keepdims=True", ">", "<", "lambda", "__",
          "'s'", "\x00", "\udcff", "é", " "]


def _run(argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=8 * settings().max_examples)
@given(st.lists(st.sampled_from(TOKENS), max_size=12).map("".join),
       st.sampled_from([[], ["--shape", "x=n"], ["--shape", "x=n", "--shape", "W=m,n"],
                        ["--shape", "W=dout,n"], ["--shape", "x=n", "--param", "n=2"],
                        ["--param", "alpha=1e999"]]))
def test_cli_never_prints_a_traceback(text, options):
    code, _, err = _run(["derive", "--expr", text, *options])
    assert "Traceback" not in err
    assert code in (0, 2), (text, options, err)
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("symbp: error:"), err


@settings(max_examples=8 * settings().max_examples)
@given(st.text(max_size=40))
def test_any_text_is_a_module_or_an_expression_error(text):
    try:
        symbp.module("anything", text, shapes={"x": ("n",), "W": ("m", "n")})
    except symbp.ExpressionError:
        pass
