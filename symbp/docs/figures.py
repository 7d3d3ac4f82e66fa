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

# figures with no words (the activations' curves, softplus): one file for every language
LANGUAGE_FREE = ("activation_relu", "activation_sigmoid", "activation_tanh", "softplus")


def figure_path(stem: str, lang: str) -> str:
    """Where a figure's SVG is, relative to ``output/``: English (and the figures with no words) in
    ``figures/``, another language's in ``figures/LANG/``; the PDF twin likewise under
    ``tex/figures/``."""
    return f"figures/{stem}.svg" if lang == "en" or stem in LANGUAGE_FREE else f"figures/{lang}/{stem}.svg"


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


def drawing(g, shown: dict[str, str] | None = None) -> tuple[Graph, Graph]:
    """A symbp graph as a drawing: values and nodes placed by topological depth, and the gradient
    graph that back-propagation builds from it (every edge reversed, from the output back to the
    parameters and inputs that need a gradient). ``shown``: how a name is written, as matplotlib
    mathtext without the dollars (``{"ybar": r"\\bar{y}", "W": "w"}``), so that the drawing
    writes the values as the page does."""
    shown = shown or {}

    def name_text(n: str) -> str:
        return f"${shown[n]}$" if n in shown else n

    def grad_text(n: str) -> str:
        return rf"$\partial C/\partial {shown[n]}$" if n in shown else f"∂C/∂{n}"
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
        label = name_text(name) if module == name else f"{name_text(name)}: {module}"
        nodes.append((name, label, depth[name], float(row)))
    edges = tuple((v, n) for n in order for v in g.nodes[n].inputs)
    forward = Graph(tuple(nodes), edges)
    need = g.needs_grad() | set(g.outputs)
    grads = {n: ("1" if n in g.outputs else grad_text(n)) for n in need}
    return forward, forward.reversed(grads)


GRAPH_WIDTH = 6.4       # inches: the books include graphs at the text width (6.5 in), unscaled
GRAPH_FONT = 8.0        # points, so labels print at about 8 pt
BENDS = (0.0, 0.25, -0.25, 0.4, -0.4, 0.6, -0.6)  # arc3 curvatures tried, in order, for an edge
CLEARANCE = 8.0         # points kept between an edge and a box it does not join


def _label(text: str) -> str:
    """``h: linear`` on two lines, so a column stays narrow."""
    return text.replace(": ", "\n")


def _arc(a, b, rad: float, samples: int = 41) -> np.ndarray:
    """Points of matplotlib's ``arc3`` connection from ``a`` to ``b`` (display coordinates): the
    quadratic Bézier whose control point is the midpoint moved by ``rad`` times the chord, to
    its right."""
    (x1, y1), (x2, y2) = a, b
    control = ((x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1))
    t = np.linspace(0.0, 1.0, samples)[:, None]
    return (1 - t) ** 2 * np.array(a) + 2 * (1 - t) * t * np.array(control) + t ** 2 * np.array(b)


def _clear(path: np.ndarray, boxes, gap: float) -> bool:
    """Whether no point of ``path`` is within ``gap`` of a box ``(x0, y0, x1, y1)``."""
    return not any(((path[:, 0] > x0 - gap) & (path[:, 0] < x1 + gap) &
                    (path[:, 1] > y0 - gap) & (path[:, 1] < y1 + gap)).any()
                   for x0, y0, x1, y1 in boxes)


def _bend(a, b, boxes, margin: float) -> float:
    """The first curvature of :data:`BENDS` whose path from ``a`` to ``b`` passes ``margin`` clear
    of every box (display coordinates) of a node it does not join; else the first that at least
    misses every box; else straight."""
    for gap in (margin, 0.0):
        for rad in BENDS:
            if _clear(_arc(a, b, rad), boxes, gap):
                return rad
    return 0.0


def graph_figure(forward: Graph, backward: Graph, edge_labels: dict | None = None,
                 titles: tuple[str, str] = ("forward", "gradient")) -> dict[str, bytes]:
    """The forward graph above, the gradient graph below (``edge_labels``: the Jacobian written on
    each reversed edge, keyed by the forward edge ``(a, b)``; ``titles``: the two panels' titles,
    in the page's language). An edge that would cross a node it does not join is bent around it."""
    fig, _ = draw_graphs(forward, backward, edge_labels, titles)
    return figure_bytes(fig)


def draw_graphs(forward: Graph, backward: Graph, edge_labels: dict | None = None,
                titles: tuple[str, str] = ("forward", "gradient")):
    """The figure of :func:`graph_figure`, and the edges whose drawn path still meets a box of a
    node they do not join (``(panel, a, b)``; none when every edge found a way round)."""
    plt = pyplot()
    layers = 1 + max(layer for _, _, layer, _ in forward.nodes)
    rows = [row for _, _, _, row in forward.nodes]
    step = 1.0
    height = 2 * (1.0 + 0.55 * (max(rows) - min(rows)))
    fig, axes = plt.subplots(2, 1, figsize=(GRAPH_WIDTH, height))
    labels = edge_labels or {}
    renderer = fig.canvas.get_renderer()
    margin = CLEARANCE * fig.dpi / 72
    crossing = []
    for panel, (ax, g, color, title) in enumerate(((axes[0], forward, "#1f5fa8", titles[0]),
                                                   (axes[1], backward, "#15803d", titles[1]))):
        ax.set_xlim(-0.55, step * (layers - 1) + 0.55)
        ax.set_ylim(min(rows) - 0.6, max(rows) + 0.6)
        ax.axis("off")
        pos = {n: (layer * step, row) for n, _, layer, row in g.nodes}
        texts = {n: ax.text(*pos[n], _label(label), ha="center", va="center", fontsize=GRAPH_FONT,
                            bbox=dict(boxstyle="round,pad=0.3", fc="white", ec=color, lw=1.2), zorder=3)
                 for n, label, _, _ in g.nodes}
        pad = 0.3 * GRAPH_FONT * fig.dpi / 72  # the box's padding around the text (boxstyle pad)
        boxes = {n: t.get_window_extent(renderer).padded(pad).extents for n, t in texts.items()}
        for a, b in g.edges:
            ends = [ax.transData.transform(pos[n]) for n in (a, b)]
            others = [box for n, box in boxes.items() if n not in (a, b)]
            rad = _bend(*ends, others, margin)
            if not _clear(_arc(*ends, rad), others, 0.0):
                crossing.append((panel, a, b))
            ax.annotate("", xy=pos[b], xytext=pos[a],
                        arrowprops=dict(arrowstyle="-|>", color=color, lw=1.2, shrinkA=2, shrinkB=2,
                                        patchA=texts[a].get_bbox_patch(), patchB=texts[b].get_bbox_patch(),
                                        connectionstyle=f"arc3,rad={rad}"))  # from box edge to box edge
            label = labels.get((a, b)) if g is backward else None
            if label:
                mid = ax.transData.inverted().transform(_arc(*ends, rad, samples=3)[1])
                ax.text(mid[0], mid[1] + 0.18, label, ha="center", va="bottom", fontsize=GRAPH_FONT,
                        color=color)
        ax.set_title(title, color=color, fontsize=GRAPH_FONT + 1)
    return fig, crossing


# -- the practical tricks, in numbers ---------------------------------------------------------
# Each plot is two steps: the numbers (from the generated code, computed once) and the drawing
# (once per language: ``words`` holds the page language's strings, :mod:`symbp.docs.lang`).
KAIMING_STDS = ((r"$\sqrt{2/n}$ (Kaiming)", lambda n: np.sqrt(2 / n), "#15803d"),
                (r"$1/\sqrt{n}$", lambda n: 1 / np.sqrt(n), "#1f5fa8"),
                ("0.01", lambda n: 0.01, "#c2410c"))


def layer_variances(lin, relu, width: int = 256, depth: int = 20, seed: int = 0) -> dict[str, list]:
    """Var of the pre-activations through ``depth`` Linear+ReLU layers (the generated code) for
    weight std sqrt(2/n) (Kaiming), 1/sqrt(n) and 0.01, by legend."""
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal((1000, width))
    out = {}
    for label, std_of, _ in KAIMING_STDS:
        a, variances = x0, []
        for _ in range(depth):
            W = rng.standard_normal((width, width)) * std_of(width)
            h, _ = lin.forward(a, W, np.zeros(width))
            a, _ = relu.forward(h)
            variances.append(float(h.var()))
        out[label] = variances
    return out


def per_layer_plot(series: dict[str, tuple[list, str]], xlabel: str, ylabel: str,
                   legend: str) -> dict[str, bytes]:
    """One log-scale line per series (values by layer, colour), layers counted from 1."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=FIG_SIZE)
    for label, (v, color) in series.items():
        ax.semilogy(np.arange(1, len(v) + 1), v, marker="o", ms=3, lw=1.4, label=label, color=color)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, loc=legend)
    return figure_bytes(fig)


def variance_plot(variances: dict[str, list], words: dict) -> dict[str, bytes]:
    return per_layer_plot({label: (variances[label], color) for label, _, color in KAIMING_STDS},
                          words["fig.axis.layer"], words["fig.axis.preactivation_variance"],
                          "lower left")


VANISHING_COLORS = {"sigmoid": "#c2410c", "relu": "#15803d"}


def gradient_norms(net_of, depth: int = 20, width: int = 64, seed: int = 0) -> dict[str, list]:
    """|dC/dW_k| per layer of a deep sigmoid stack and a deep ReLU stack (generated backward)."""
    out = {}
    for act in VANISHING_COLORS:
        net, layers = net_of(act, depth, width)
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((32, width))
        params = {}
        for k in range(layers):
            params[f"W{k}"] = rng.standard_normal((width, width)) * np.sqrt((2 if act == "relu" else 1) / width)
            params[f"b{k}"] = np.zeros(width)
        loss, cache = net.forward(x, **params)
        grads = net.backward(1.0, cache)
        out[act] = [float(np.linalg.norm(grads[f"W{k}"])) for k in range(layers)]
    return out


def vanishing_plot(norms: dict[str, list], words: dict) -> dict[str, bytes]:
    return per_layer_plot({act: (norms[act], color) for act, color in VANISHING_COLORS.items()},
                          words["fig.axis.layer_from_input"], words["fig.axis.gradient_norm"],
                          "lower right")


def schedules_plot(functions: dict, words: dict, epochs: int = 50):
    plt = pyplot()
    t = np.arange(epochs + 1)
    fig, ax = plt.subplots(figsize=FIG_SIZE)
    for name, fn in functions.items():
        ax.plot(t, fn(t), lw=1.6, label=name)
    ax.set_xlabel(words["fig.axis.epoch_t"])
    ax.set_ylabel(words["fig.axis.learning_rate"])
    ax.legend(frameon=False, loc="upper right")
    return figure_bytes(fig)


def tricks_plot(curves: dict[str, list], words: dict) -> dict[str, bytes]:
    """Held-out accuracy per epoch of each variant of the practical tricks (seeded runs); each
    variant's legend is ``words[KEY.replace(".row.", ".legend.")]``."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    styles = ["-", "--", ":", "-."]
    for k, (key, acc) in enumerate(curves.items()):
        ax.plot(np.arange(1, len(acc) + 1), acc, lw=1.6 if k == 0 else 1.1, ls=styles[k % 4],
                label=words[key.replace(".row.", ".legend.")], color="black" if k == 0 else None)
    ax.set_xlabel(words["fig.axis.epoch"])
    ax.set_ylabel(words["fig.axis.test_accuracy"])
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, loc="center right", fontsize=7, ncol=2)
    return figure_bytes(fig)
