"""figures: plots and graphs for the documents, drawn by matplotlib (Agg) and TikZ.

Every curve comes from the generated numpy code (forward and backward), not from a formula typed
here. SVG (for Markdown) and PDF (for LaTeX) are written with fixed metadata and a fixed hash
salt, so a rebuild gives byte-identical files.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np


FIG_SIZE = (5.0, 3.0)


def pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"svg.hashsalt": "symbp", "svg.fonttype": "path", "font.size": 9,
                         "axes.spines.top": False, "axes.spines.right": False,
                         "pdf.compression": 6})
    return plt


def figure_bytes(fig) -> dict[str, bytes]:
    out = {}
    for fmt, meta in (("svg", {"Date": None}), ("pdf", {"CreationDate": None, "ModDate": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata=meta, bbox_inches="tight")
        out[fmt] = buf.getvalue()
    import matplotlib.pyplot as plt
    plt.close(fig)
    return out


def function_and_derivative(load, label: str, lo=-6.0, hi=6.0) -> dict[str, bytes]:
    """``f`` and ``f'`` from a compiled module (``symbp.load``): forward, then backward of ones."""
    plt = pyplot()
    x = np.linspace(lo, hi, 601)
    y, cache = load.forward(x)
    (dy,) = load.backward(np.ones_like(x), cache)
    fig, ax = plt.subplots(figsize=FIG_SIZE)
    ax.plot(x, y, label=f"{label}(x)", color="#1f5fa8", lw=1.8)
    ax.plot(x, dy, label=f"{label}'(x)", color="#c2410c", lw=1.8, ls="--")
    ax.axhline(0, color="#999", lw=0.6)
    ax.set_xlabel("x")
    ax.legend(frameon=False, loc="upper left")
    return figure_bytes(fig)


def softplus_curve(load) -> dict[str, bytes]:
    """The notes' second plot: log(1 + e^s), next to 0 and s."""
    plt = pyplot()
    s = np.linspace(-6, 6, 601)
    y, _ = load.forward(s)
    fig, ax = plt.subplots(figsize=FIG_SIZE)
    ax.plot(s, y, label="log(1 + exp(s))", color="#1f5fa8", lw=1.8)
    ax.plot(s, np.maximum(s, 0), color="#999", lw=0.8, ls=":", label="max(0, s)")
    ax.set_xlabel("s")
    ax.legend(frameon=False, loc="upper left")
    return figure_bytes(fig)


# -- the notes' first figure: a forward graph and its reversed gradient graph ------------------
@dataclass(frozen=True)
class Graph:
    """Nodes (name, label, layer, row) and directed edges; drawn left to right."""

    nodes: tuple[tuple[str, str, int, float], ...]
    edges: tuple[tuple[str, str], ...]

    def reversed(self, relabel: dict[str, str]) -> "Graph":
        last = max(layer for _, _, layer, _ in self.nodes)
        nodes = tuple((n, relabel.get(n, lab), last - layer, row) for n, lab, layer, row in self.nodes
                      if n in relabel)
        edges = tuple((b, a) for a, b in self.edges if a in relabel and b in relabel)
        return Graph(nodes, edges)


def drawing(g) -> tuple[Graph, Graph]:
    """A symbp graph as a drawing: values and nodes placed by topological depth, and the gradient
    graph that back-propagation builds from it (every edge reversed, from the output back to the
    parameters and inputs that need a gradient)."""
    order = g.order()
    depth: dict = {}
    for n in order:  # nodes by longest path; each leaf just before its first reader
        depth[n] = 1 + max([depth[v] for v in g.nodes[n].inputs if v in g.nodes] + [0])
    for v in g.values:
        readers = [depth[n] for n in order if v in g.nodes[n].inputs]
        depth[v] = min(readers) - 1 if readers else 0
    names = list(g.values) + order
    per_layer: dict[int, list[str]] = {}
    for name in names:
        per_layer.setdefault(depth[name], []).append(name)
    nodes = []
    for name in names:
        column = per_layer[depth[name]]
        row = column.index(name) - (len(column) - 1) / 2
        module = g.nodes[name].module.name if name in g.nodes else name
        label = name if module == name else f"{name}: {module}"
        nodes.append((name, label, depth[name], float(row)))
    edges = tuple((v, n) for n in order for v in g.nodes[n].inputs)
    forward = Graph(tuple(nodes), edges)
    need = g.needs_grad() | set(g.outputs)
    grads = {n: ("1" if n in g.outputs else f"∂C/∂{n}") for n in need}
    return forward, forward.reversed(grads)


GRAPH_WIDTH = 6.4       # inches: the books include graphs at the text width (6.5 in), unscaled
GRAPH_FONT = 8.0        # points, so labels print at about 8 pt


def _label(text: str) -> str:
    """``h: linear`` on two lines, so a column stays narrow."""
    return text.replace(": ", "\n")


def graph_figure(forward: Graph, backward: Graph, edge_labels: dict | None = None) -> dict[str, bytes]:
    """The forward graph above, the gradient graph below (``edge_labels``: the Jacobian written on
    each reversed edge, keyed by the forward edge ``(a, b)``)."""
    plt = pyplot()
    layers = 1 + max(layer for _, _, layer, _ in forward.nodes)
    rows = [row for _, _, _, row in forward.nodes]
    step = 1.0
    height = 2 * (1.0 + 0.55 * (max(rows) - min(rows)))
    fig, axes = plt.subplots(2, 1, figsize=(GRAPH_WIDTH, height))
    labels = edge_labels or {}
    for ax, g, color, title in ((axes[0], forward, "#1f5fa8", "forward"),
                                (axes[1], backward, "#15803d", "gradient")):
        pos = {n: (layer * step, row) for n, _, layer, row in g.nodes}
        for a, b in g.edges:
            ax.annotate("", xy=pos[b], xytext=pos[a],
                        arrowprops=dict(arrowstyle="-|>", color=color, lw=1.2, shrinkA=17, shrinkB=17))
            label = labels.get((a, b)) if g is backward else None
            if label:
                mid = ((pos[a][0] + pos[b][0]) / 2, (pos[a][1] + pos[b][1]) / 2 + 0.18)
                ax.text(*mid, label, ha="center", va="bottom", fontsize=GRAPH_FONT, color=color)
        for n, label, _, _ in g.nodes:
            ax.text(*pos[n], _label(label), ha="center", va="center", fontsize=GRAPH_FONT,
                    bbox=dict(boxstyle="round,pad=0.3", fc="white", ec=color, lw=1.2))
        ax.set_title(title, color=color, fontsize=GRAPH_FONT + 1)
        ax.set_xlim(-0.55, step * (layers - 1) + 0.55)
        ax.set_ylim(min(rows) - 0.6, max(rows) + 0.6)
        ax.axis("off")
    return figure_bytes(fig)


# -- the practical tricks, in numbers ---------------------------------------------------------
def variance_through_layers(lin, relu, width: int = 256, depth: int = 20, seed: int = 0):
    """Var of the pre-activations through ``depth`` Linear+ReLU layers (the generated code) for
    weight std sqrt(2/n) (Kaiming), 1/sqrt(n) and 0.01."""
    plt = pyplot()
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal((1000, width))
    fig, ax = plt.subplots(figsize=FIG_SIZE)
    for label, std, color in ((r"$\sqrt{2/n}$ (Kaiming)", np.sqrt(2 / width), "#15803d"),
                              (r"$1/\sqrt{n}$", 1 / np.sqrt(width), "#1f5fa8"),
                              ("0.01", 0.01, "#c2410c")):
        a, variances = x0, []
        for _ in range(depth):
            W = rng.standard_normal((width, width)) * std
            h, _ = lin.forward(a, W, np.zeros(width))
            a, _ = relu.forward(h)
            variances.append(float(h.var()))
        ax.semilogy(np.arange(1, depth + 1), variances, marker="o", ms=3, lw=1.4, label=label, color=color)
    ax.set_xlabel("layer")
    ax.set_ylabel("Var(pre-activation)")
    ax.legend(frameon=False, loc="lower left")
    return figure_bytes(fig)


def vanishing_gradients(net_of, depth: int = 20, width: int = 64, seed: int = 0):
    """|dC/dW_k| per layer of a deep sigmoid stack and a deep ReLU stack (generated backward)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=FIG_SIZE)
    for act, color in (("sigmoid", "#c2410c"), ("relu", "#15803d")):
        net, layers = net_of(act, depth, width)
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((32, width))
        params = {}
        for k in range(layers):
            params[f"W{k}"] = rng.standard_normal((width, width)) * np.sqrt((2 if act == "relu" else 1) / width)
            params[f"b{k}"] = np.zeros(width)
        loss, cache = net.forward(x, **params)
        grads = net.backward(1.0, cache)
        norms = [float(np.linalg.norm(grads[f"W{k}"])) for k in range(layers)]
        ax.semilogy(np.arange(1, layers + 1), norms, marker="o", ms=3, lw=1.4, label=act, color=color)
    ax.set_xlabel("layer (1 = nearest the input)")
    ax.set_ylabel("|dC/dW| (Frobenius)")
    ax.legend(frameon=False, loc="lower right")
    return figure_bytes(fig)


def schedules_plot(functions: dict, epochs: int = 50):
    plt = pyplot()
    t = np.arange(epochs + 1)
    fig, ax = plt.subplots(figsize=FIG_SIZE)
    for name, fn in functions.items():
        ax.plot(t, fn(t), lw=1.6, label=name)
    ax.set_xlabel("epoch t")
    ax.set_ylabel("learning rate")
    ax.legend(frameon=False, loc="upper right")
    return figure_bytes(fig)


def tricks_plot(curves: dict[str, list], labels: dict[str, str]) -> dict[str, bytes]:
    """Held-out accuracy per epoch of each variant of the practical tricks (seeded runs)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    styles = ["-", "--", ":", "-."]
    for k, (key, acc) in enumerate(curves.items()):
        ax.plot(np.arange(1, len(acc) + 1), acc, lw=1.6 if k == 0 else 1.1, ls=styles[k % 4],
                label=labels[key], color="black" if k == 0 else None)
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, loc="center right", fontsize=7, ncol=2)
    return figure_bytes(fig)
