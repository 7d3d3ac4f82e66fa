"""Matrix forms in the documents are SymPy matrix expressions: shapes conform by construction and
each form is evaluated against the derived VJP before a page shows it."""
import pytest
import sympy as sp

import symbp
from symbp.docs.latex import display_names
from symbp.docs.matrix import (MatrixFormError, Value, check_matrix_form, checked_matrix_form,
                               matrix_latex, translate)
from symbp.lower import ir

WITH_MATRIX_FORM = ["linear", "softmax", "log_softmax", "cross_entropy", "mse", "normalize"]


def display(d):
    scalar = not d.module.out_dims
    names = {"dout": "g" if scalar else "G", "out": "y" if scalar else "Y"}
    names.update({t.name: display_names(d.module).get(t.name, t.name) for t in d.module.inputs})
    return names


def conforms(expr) -> bool:
    """Every product, sum and entrywise product in ``expr`` has conforming shapes."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.MatMul):
            mats = [a for a in node.args if isinstance(a, sp.MatrixExpr)]
            if any(a.shape[1] != b.shape[0] for a, b in zip(mats, mats[1:])):
                return False
        if isinstance(node, (sp.MatAdd, sp.HadamardProduct)):
            if len({a.shape for a in node.args}) != 1:
                return False
    return True


@pytest.mark.parametrize("name", WITH_MATRIX_FORM)
def test_catalog_matrix_forms_conform_and_equal_the_vjp(derivations, name):
    d = derivations[name]
    for x in d.steps:
        expr = checked_matrix_form(d, x, display(d))
        assert conforms(expr)
        assert tuple(expr.shape)[-1] == sp.Symbol(d.module.input(x).dims[-1], integer=True, positive=True)


def test_mse_matrix_form_reads_correctly(derivations):
    d = derivations["mse"]
    text = matrix_latex(checked_matrix_form(d, "pred", display(d)))
    assert r"\left(p - t\right)" in text


def test_the_old_wrong_mse_form_is_rejected(derivations):
    """The page once showed 2/(Bn) p - t ⊙ G for (2/Bn)(p - t) ⊙ G."""
    d = derivations["mse"]
    B, n = sp.symbols("B n", integer=True, positive=True)
    p, t = sp.MatrixSymbol("p", B, n), sp.MatrixSymbol("t", B, n)
    g = sp.Symbol("g", real=True)
    wrong = sp.MatAdd(sp.MatMul(2 / (B * n), p), sp.MatMul(-1, sp.HadamardProduct(t, g * sp.OneMatrix(B, n))))
    with pytest.raises(MatrixFormError):
        check_matrix_form(d, "pred", wrong, display(d))
    right = sp.MatMul(2 * g / (B * n), sp.MatAdd(p, sp.MatMul(-1, t)))
    check_matrix_form(d, "pred", right, display(d))


def test_a_product_that_does_not_conform_is_an_error():
    """normalize's page once multiplied a C×1 column by a B×C matrix."""
    B, C = sp.symbols("B C", integer=True, positive=True)
    env = {"col": Value(sp.MatrixSymbol("s", C, 1), 2), "G": Value(sp.MatrixSymbol("G", B, C), 2)}
    t = sp.Symbol("_t0")
    with pytest.raises(MatrixFormError):
        translate([ir.Contract(t, sp.Symbol("col"), False, sp.Symbol("G"), False)], t, env)
    ok = translate([ir.Contract(t, sp.Symbol("G"), False, sp.Symbol("col"), False)], t, env)
    assert ok.expr.shape == (B, 1)


def test_broadcasting_is_explicit():
    """A row broadcast over B rows becomes 1_B v; numpy's implicit broadcast never reaches a page."""
    B, C = sp.symbols("B C", integer=True, positive=True)
    env = {"s": Value(sp.MatrixSymbol("s", 1, C), 1), "G": Value(sp.MatrixSymbol("G", B, C), 2)}
    value = translate([], sp.Symbol("s") * sp.Symbol("G"), env)
    assert value.expr.shape == (B, C)
    text = matrix_latex(value.expr)
    assert r"\left(\mathbf{1}_{B} s\right)" in text and r"\odot" in text


def test_user_module_matrix_form_is_checked():
    d = symbp.derive(symbp.module("layer", "tanh(x @ W.T)", shapes={"x": ("B", "n"), "W": ("m", "n")}))
    for x in d.steps:
        expr = checked_matrix_form(d, x, display(d))
        assert conforms(expr)
