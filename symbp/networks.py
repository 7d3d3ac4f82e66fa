"""networks: the graphs symbp ships — the digits MLP that ``symbp train digits`` trains and the
chains the graph benchmark grows."""
from __future__ import annotations

from .expr import module
from .graph import Graph, graph


def _mlp_body(g: Graph, n_in: int, hidden: int, n_out: int, target=None) -> str:
    """x -> linear -> relu -> dropout -> linear into ``g``; returns the logits' name. The
    forward's arguments: ``x``, the ``target`` input ``(name, dims, kind)`` if any, ``mask``."""
    g.input("x", ("B", n_in))
    if target is not None:
        g.input(*target[:2], kind=target[2])
    g.input("mask", ("B", hidden), kind="mask")
    for name, dims in (("W1", (hidden, n_in)), ("b1", (hidden,)), ("W2", (n_out, hidden)),
                       ("b2", (n_out,))):
        g.param(name, dims)
    g.node("h", "linear", "x", "W1", "b1")
    g.node("a", "relu", "h")
    g.node("d", "dropout", "a", "mask")
    return g.node("z", "linear", "d", "W2", "b2")


def mlp_graph(n_in: int, hidden: int, n_out: int, loss: bool = True) -> Graph:
    """x -> linear -> relu -> dropout -> linear (-> cross-entropy), as a symbp graph.

    With ``loss=False`` the output is the logits ``z`` (for evaluation, same parameters).
    """
    g = graph("digits_mlp" if loss else "digits_mlp_logits")
    z = _mlp_body(g, n_in, hidden, n_out, ("target", ("B",), "class") if loss else None)
    if loss:
        g.node("loss", "cross_entropy", z, "target")
    g.output("loss" if loss else z)
    return g


def softmax_log_graph(n_in: int, hidden: int, n_out: int) -> Graph:
    """The MLP with its loss computed as ``-mean(log(softmax(z))[target])``: the log taken of the
    probabilities rather than LogSoftMax of the logits (targets one-hot)."""
    g = graph("digits_mlp_softmax_log")
    z = _mlp_body(g, n_in, hidden, n_out, ("onehot", ("B", n_out), "real"))
    g.node("p", "softmax", z)
    # -sum(t log q) / B, written with the language's mean over all B·n elements
    nll = module("nll_of_probabilities", f"-{n_out} * mean(t * log(q))",
                 shapes={"q": ("B", "n"), "t": ("B", "n")})
    g.node("loss", nll, "p", "onehot")
    g.output("loss")
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
