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


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"svg.hashsalt": "symbp", "svg.fonttype": "path", "font.size": 9,
                         "axes.spines.top": False, "axes.spines.right": False,
                         "pdf.compression": 6})
    return plt


def _save(fig) -> dict[str, bytes]:
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
    plt = _pyplot()
    x = np.linspace(lo, hi, 601)
    y, cache = load.forward(x)
    (dy,) = load.backward(np.ones_like(x), cache)
    fig, ax = plt.subplots(figsize=FIG_SIZE)
    ax.plot(x, y, label=f"{label}(x)", color="#1f5fa8", lw=1.8)
    ax.plot(x, dy, label=f"{label}'(x)", color="#c2410c", lw=1.8, ls="--")
    ax.axhline(0, color="#999", lw=0.6)
    ax.set_xlabel("x")
    ax.legend(frameon=False, loc="upper left")
    return _save(fig)


def softplus_curve(load) -> dict[str, bytes]:
    """The notes' second plot: log(1 + e^s), next to 0 and s."""
    plt = _pyplot()
    s = np.linspace(-6, 6, 601)
    y, _ = load.forward(s)
    fig, ax = plt.subplots(figsize=FIG_SIZE)
    ax.plot(s, y, label="log(1 + exp(s))", color="#1f5fa8", lw=1.8)
    ax.plot(s, np.maximum(s, 0), color="#999", lw=0.8, ls=":", label="max(0, s)")
    ax.set_xlabel("s")
    ax.legend(frameon=False, loc="upper left")
    return _save(fig)


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


def notes_graph() -> tuple[Graph, Graph]:
    """``C(y, ȳ)`` with ``ȳ = G(x, w)``, and the gradient graph that back-propagation builds."""
    forward = Graph(
        nodes=(("x", "x", 0, 0.0), ("w", "w", 0, 1.0), ("G", "G(x, w)", 1, 0.5),
               ("y", "y", 1, -0.5), ("C", "C(y, ȳ)", 2, 0.0)),
        edges=(("x", "G"), ("w", "G"), ("G", "C"), ("y", "C")))
    backward = forward.reversed({"C": "1", "G": "∂C/∂ȳ", "w": "∂C/∂w = ∂C/∂ȳ · ∂G/∂w"})
    return forward, backward


def graph_figure(forward: Graph, backward: Graph) -> dict[str, bytes]:
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 2.8))
    for ax, g, color, title in ((axes[0], forward, "#1f5fa8", "forward"),
                                (axes[1], backward, "#15803d", "gradient")):
        pos = {n: (layer * 2.2, row) for n, _, layer, row in g.nodes}
        for a, b in g.edges:
            ax.annotate("", xy=pos[b], xytext=pos[a],
                        arrowprops=dict(arrowstyle="-|>", color=color, lw=1.2,
                                        shrinkA=16, shrinkB=16))
        for n, label, _, _ in g.nodes:
            ax.text(*pos[n], label, ha="center", va="center", fontsize=8,
                    bbox=dict(boxstyle="round,pad=0.35", fc="white", ec=color, lw=1.2))
        ax.set_title(title, color=color, fontsize=9)
        ax.set_xlim(-1.0, 5.4)
        ax.set_ylim(-1.2, 1.6)
        ax.axis("off")
    return _save(fig)


def graph_tikz(forward: Graph, backward: Graph) -> str:
    """The same two graphs as TikZ, for the LaTeX books."""
    def one(g: Graph, color: str, shift: float) -> list[str]:
        lines = []
        for n, label, layer, row in g.nodes:
            text = label.replace("ȳ", r"\bar{y}").replace("∂", r"\partial ").replace("·", r"\cdot ")
            lines.append(rf"  \node[draw={color}, rounded corners, thick] ({color}{n}) at "
                         rf"({shift + layer * 2.4:.1f}, {row:.1f}) {{${text}$}};")
        for a, b in g.edges:
            lines.append(rf"  \draw[-latex, {color}, thick] ({color}{a}) -- ({color}{b});")
        return lines
    body = one(forward, "blue", 0.0) + one(backward, "teal", 7.0)
    return "\\begin{tikzpicture}[font=\\small]\n" + "\n".join(body) + "\n\\end{tikzpicture}\n"
