"""Graphs: composition by name, topological order, errors that name the problem, the whole
network's chain rule against finite differences, fan-out, generated code, linear scaling."""
import numpy as np
import pytest

import symbp
from symbp import GraphError
from symbp.codegen.network import network_source
from symbp.derive.network import derive_network
from symbp.networks import chain
from symbp.cli import main


def small_mlp(fanout=False):
    g = symbp.graph("net")
    g.param("W2", (3, 5))          # declared before use, nodes in any order
    g.node("loss", "cross_entropy", "s" if fanout else "z", "target")
    g.node("z", "linear", "d", "W2", "b2")
    g.node("d", "dropout", "a", "mask", p=0.3)
    g.node("a", "relu", "h")
    g.node("h", "linear", "x", "W1", "b1")
    g.input("x", ("B", 6))
    g.input("target", ("B",), kind="class")
    g.input("mask", ("B", 5), kind="mask")
    g.param("W1", (5, 6))
    g.param("b1", (5,))
    g.param("b2", (3,))
    if fanout:
        g.node("s", "add", "z", "z")
    g.output("loss")
    return g


def test_topological_order_and_shapes():
    g = small_mlp()
    assert g.order() == ["h", "a", "d", "z", "loss"]
    shapes = g.shapes()
    assert shapes["h"] == ("B", 5) and shapes["z"] == ("B", 3) and shapes["loss"] == ()


@pytest.mark.parametrize("fanout", [False, True])
def test_network_gradients_match_finite_differences(fanout):
    d = symbp.derive(small_mlp(fanout))
    r = symbp.verify(d)
    assert r.ok, r.checks
    assert {c.input for c in r.checks} == {"W1", "b1", "W2", "b2"}


def test_fan_out_sums_gradients():
    g = symbp.graph("fan")
    g.input("x", ("N",))
    g.param("w", ("N",))
    g.node("a", "add", "x", "w")
    g.node("b", "add", "a", "a")
    g.node("c", "add", "b", "a")     # a feeds three consumers
    g.node("loss", "l2_penalty", "c", alpha=1.0)
    g.output("loss")
    f = symbp.load(symbp.derive(g))
    x, w = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    loss, cache = f.forward(x, w)
    grads = f.backward(1.0, cache)
    # loss = sum((3(x + w))^2): d/dw = 18 (x + w)   (hand oracle, tests only)
    np.testing.assert_allclose(grads["w"], 18 * (x + w))
    assert "_g_a = _g_a + " in f.source


def test_cycle_is_named():
    g = symbp.graph("loop")
    g.input("x", ("N",))
    g.node("a", "add", "x", "c")
    g.node("b", "relu", "a")
    g.node("c", "relu", "b")
    g.output("c")
    with pytest.raises(GraphError, match=r"cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)"):
        g.order()


@pytest.mark.parametrize("build, message", [
    (lambda g: g.node("h", "linear", "x", "nope", "b"), "unknown value 'nope'"),
    (lambda g: g.node("h", "frobnicate", "x"), "unknown module 'frobnicate'"),
    (lambda g: g.node("h", "linear", "x"), "takes 3 inputs"),
    (lambda g: g.node("x", "relu", "x"), "declared twice"),
    (lambda g: g.node("h", "duplicate", "x"), "several outputs"),
    (lambda g: g.node("h", "relu", "x", alpha=2), "no parameter 'alpha'"),
])
def test_graph_errors(build, message):
    g = linear_leaves(n_in=4, n_w=5)
    with pytest.raises(GraphError, match=message):
        build(g)
        g.output("h")
        g.order()


def linear_leaves(n_in: int, n_w: int):
    """x (B, n_in), W (3, n_w), b (3,): a Linear node's leaves, matching when n_in == n_w."""
    g = symbp.graph("g")
    g.input("x", ("B", n_in))
    g.param("W", (3, n_w))
    g.param("b", (3,))
    return g


def test_a_graph_without_parameters_is_refused_and_an_input_can_be_one():
    g = symbp.graph("plain")
    g.input("x", ("B", 5))
    g.node("a", "relu", "x")
    g.node("y", "softmax", "a")
    g.output("y")
    with pytest.raises(GraphError, match="no parameter"):
        symbp.derive(g)
    g = symbp.graph("plain")
    g.param("x", ("B", 5))  # the gradient of the input, as the error message suggests
    g.node("a", "relu", "x")
    g.node("y", "softmax", "a")
    g.output("y")
    d = symbp.derive(g)
    assert symbp.verify(d, seed=0).ok
    x = np.random.default_rng(0).normal(size=(3, 5))
    y, cache = symbp.load(d).forward(x)
    up = np.random.default_rng(1).normal(size=y.shape)
    s = np.exp(x * (x > 0)) / np.exp(x * (x > 0)).sum(-1, keepdims=True)  # oracle by hand
    expected = s * (up - (up * s).sum(-1, keepdims=True)) * (x > 0)
    np.testing.assert_allclose(symbp.load(d).backward(up, cache)["x"], expected, rtol=1e-12)


def test_shape_mismatch_is_named():
    g = linear_leaves(n_in=4, n_w=5)
    g.node("h", "linear", "x", "W", "b")
    g.output("h")
    with pytest.raises(GraphError, match="shape mismatch at node h"):
        g.shapes()


def test_user_modules_in_a_graph():
    g = linear_leaves(n_in=4, n_w=4)
    g.node("h", "linear", "x", "W", "b")
    g.node("s", symbp.elementwise("swish", "x * sigmoid(x)"), "h")
    g.node("loss", "l2_penalty", "s")
    g.output("loss")
    assert symbp.verify(symbp.derive(g)).ok


def test_generated_network_is_standalone_numpy(tmp_path):
    src = network_source(derive_network(small_mlp()))
    ns = {}
    exec(compile(src, "net.py", "exec"), ns)
    assert "net_forward" in ns and "net_backward" in ns and "sympy" not in src


def test_each_module_is_derived_once_however_long_the_chain():
    """Why derivation scales linearly (timings: benchmarks/bench_graph.py)."""
    d = derive_network(chain(100))
    assert len(d.order) == 100
    assert set(d.modules) == {"linear", "relu", "cross_entropy"}
    src = network_source(d)
    assert src.count("def linear_backward") == 1 and src.count("linear_forward(") == 1 + 50


def test_graph_errors_reach_the_cli_as_exit_2(capsys, monkeypatch):
    import symbp.cli as cli

    def broken(args):
        raise GraphError("the graph has a cycle: a -> b -> a")
    monkeypatch.setitem(cli.COMMANDS, "list", broken)
    assert main(["list"]) == 2
    assert capsys.readouterr().err.strip() == "symbp: error: the graph has a cycle: a -> b -> a"
