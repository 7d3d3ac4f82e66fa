"""networks: the graphs symbp ships — the digits MLP that ``symbp train digits`` trains and the
chains the graph benchmark grows."""
from __future__ import annotations

from .graph import Graph, graph


def mlp_graph(n_in: int, hidden: int, n_out: int, loss: bool = True):
    """x -> linear -> relu -> dropout -> linear (-> cross-entropy), as a symbp graph.

    With ``loss=False`` the output is the logits ``z`` (for evaluation, same parameters).
    """
    g = graph("digits_mlp" if loss else "digits_mlp_logits")
    g.input("x", ("B", n_in))
    if loss:
        g.input("target", ("B",), kind="class")
    g.input("mask", ("B", hidden), kind="mask")
    g.param("W1", (hidden, n_in))
    g.param("b1", (hidden,))
    g.param("W2", (n_out, hidden))
    g.param("b2", (n_out,))
    g.node("h", "linear", "x", "W1", "b1")
    g.node("a", "relu", "h")
    g.node("d", "dropout", "a", "mask")
    g.node("z", "linear", "d", "W2", "b2")
    if loss:
        g.node("loss", "cross_entropy", "z", "target")
    g.output("loss" if loss else "z")
    return g


def chain(n_nodes: int, width: int = 16) -> Graph:
    """A chain of ``n_nodes`` nodes alternating Linear and ReLU, ending in a cross-entropy."""
    g = graph(f"chain{n_nodes}")
    g.input("x", ("B", width))
    g.input("target", ("B",), kind="class")
    prev = "x"
    for k in range(n_nodes - 1):
        if k % 2 == 0:
            g.param(f"W{k}", (width, width))
            g.param(f"b{k}", (width,))
            prev = g.node(f"h{k}", "linear", prev, f"W{k}", f"b{k}")
        else:
            prev = g.node(f"a{k}", "relu", prev)
    g.node("loss", "cross_entropy", prev, "target")
    g.output("loss")
    return g
