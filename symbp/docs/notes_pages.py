"""notes_pages: the pages that are not one module — the notes' worked example G(w) → C with its
reversed gradient graph, back-propagation through a DAG, the digits network, Kaiming
initialisation and the learning-rate schedules.

Each formula is a SymPy object checked numerically (matrix products evaluated with numpy
against the generated code; Monte Carlo for the variances; the generated schedule functions).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from ..catalog.kaiming import derive_kaiming
from ..catalog.schedules import SCHEDULES, cosine_rises_after, decreasing, t
from ..codegen import load
from ..codegen.compiled import run_source
from ..codegen.extras import kaiming_source, schedule_source
from ..codegen.network import network_functions
from ..derive import derive
from ..expr import module
from ..graph import graph
from .blocks import Writer
from .equations import (Equation, aligned, derivative_samples, from_report, rel_error, scalar_samples,
                        shapes_conform)
from .examples import array_text, number
from .exercises import exercise_blocks
from .formulas import combined, matrix_latex, matrix_values
from .module_page import check_blocks, key_result


# -- the notes' example: ȳ = G(x, w), C(y, ȳ) -------------------------------------------------------
NOTES_SIZES = dict(m=2, n=3)
NOTES_VALUES = dict(x=[1.0, -0.5, 2.0], W=[[0.5, -1.0, 0.25], [1.5, 0.5, -0.5]], y=[1.0, 0.0])


def notes_graph_module():
    """The notes' G and C as symbp modules: ``G(x, W) = W x``, ``C(ȳ, y) = Σ (ȳ - y)²``."""
    G = module("G", "W @ x", shapes={"W": ("m", "n"), "x": ("n",)})
    C = module("C", "sum((ybar - y) ** 2)", shapes={"ybar": ("m",), "y": ("m",)})
    g = graph("notes_example")
    g.input("x", ("n",))
    g.param("W", ("m", "n"))
    g.input("y", ("m",))
    g.node("ybar", G, "W", "x")
    g.node("C", C, "ybar", "y")
    g.output("C")
    return G, C, g


def _jacobian_rows(f, args, position: int, n_out: int) -> np.ndarray:
    """The Jacobian of a generated module, one row per output element (backward of unit vectors)."""
    out, cache = f.forward(*args)
    rows = []
    for k in range(n_out):
        g = np.zeros(n_out)
        g[k] = 1.0
        grad = f.backward(g.reshape(np.shape(out)), cache)[position]
        rows.append(np.asarray(grad).ravel())
    return np.array(rows)


@lru_cache(maxsize=1)
def notes_example():
    """The chain ``∂C/∂w = 1 · ∂C/∂ȳ · ∂G/∂w`` as a product of SymPy matrices, evaluated with the
    generated code's row vector and Jacobian, against the generated network's gradient."""
    Gm, Cm, g = notes_graph_module()
    m, n = NOTES_SIZES["m"], NOTES_SIZES["n"]
    N, M = m * n, m
    x, W, y = (np.asarray(NOTES_VALUES[k]) for k in ("x", "W", "y"))
    fG, fC = load(derive(Gm)), load(derive(Cm))
    ybar, _ = fG.forward(W, x)
    c_value, cache = fC.forward(ybar, y)
    dC_dybar = np.asarray(fC.backward(1.0, cache)[0]).reshape(1, M)
    J = _jacobian_rows(fG, (W, x), 0, M)                      # M × N, w flattened row-major
    net = load(derive(g))
    _, net_cache = net.forward(x, y, W)
    dC_dw = np.asarray(net.backward(1.0, net_cache)["W"]).reshape(1, N)
    one = sp.Integer(1)
    lhs = sp.MatrixSymbol(r"\frac{\partial C}{\partial w}", 1, N)
    row = sp.MatrixSymbol(r"\frac{\partial C}{\partial \bar{y}}", 1, M)
    jac = sp.MatrixSymbol(r"\frac{\partial G}{\partial w}", M, N)
    product = sp.MatMul(one, row, jac)
    value = matrix_values(row * jac, {row: dC_dybar, jac: J})
    shapes = shapes_conform("", (lhs, product))
    tex = (rf"{matrix_latex(lhs)} = 1 \cdot {matrix_latex(row)} \cdot {matrix_latex(jac)} \qquad "
           rf"(1 \times {N}) = (1 \times {M})\,({M} \times {N})")
    eq = combined(tex, [shapes, Equation("", (product,), "the generated network's gradient",
                                         rel_error(value, dC_dw))])
    numbers = dict(ybar=ybar, C=float(c_value), row=dC_dybar, J=J, product=value, net=dC_dw)
    return eq, numbers, g


def _matrix_text(a) -> str:
    return array_text(np.asarray(a))


def _notes_page(lang: str, name: str, figure: str, eq: Equation) -> Writer:
    """A notes page's opening: what it is about, its key result, its figure."""
    w = Writer(lang)
    w.para(f"{name}.about")
    key_result(w, name, [eq])
    w.figure(figure, f"{name}.figure", width=1.0)
    return w


def chain_rule_blocks(lang: str, figure: str) -> list:
    eq, v, g = notes_example()
    w = _notes_page(lang, "chain_rule", figure, eq)
    w.para("chain_rule.graph")
    w.heading("h.chain_rule.dims")
    w.para("chain_rule.dims", N=NOTES_SIZES["m"] * NOTES_SIZES["n"], M=NOTES_SIZES["m"])
    w.math(eq)
    w.heading("h.example")
    w.para("chain_rule.numbers")
    rows = [[r"$x$", _matrix_text(NOTES_VALUES["x"])], [r"$w$", _matrix_text(NOTES_VALUES["W"])],
            [r"$y$", _matrix_text(NOTES_VALUES["y"])], [r"$\bar{y} = G(x, w)$", _matrix_text(v["ybar"])],
            [r"$C$", number(v["C"])],
            [r"$\partial C / \partial \bar{y}$ $(1 \times M)$", _matrix_text(v["row"])],
            [r"$\partial G / \partial w$ $(M \times N)$", _matrix_text(v["J"])],
            [r"$\partial C / \partial \bar{y} \cdot \partial G / \partial w$", _matrix_text(v["product"])],
            [r"$\partial C / \partial w$ (generated network)", _matrix_text(v["net"])]]
    w.table(["example.col.symbol", "example.col.value"], rows)
    w.para("chain_rule.data_dependent")
    exercise_blocks(w, "chain_rule")
    return w.blocks


# how the drawing writes the notes' values, as the page does (mathtext): x, y, ȳ, and the weights w
NOTES_SHOWN = {"x": "x", "y": "y", "ybar": r"\bar{y}", "W": "w"}


def chain_rule_edges() -> dict:
    """The Jacobian on each edge of the reversed graph (labels for the figure)."""
    return {("C", "ybar"): r"$\partial C/\partial \bar{y}$", ("ybar", "W"): r"$\partial G/\partial w$"}


# -- back-propagation through a DAG ------------------------------------------------------------------
DAG_VALUES = dict(x=[[1.0, -2.0]], W=[[0.5, 1.0], [2.0, 0.25]], b=[0.1, -0.3])


def dag_graph():
    """``h = Linear(x)``, ``a = ReLU(h)``, ``s = a + x`` (x read twice), ``C = ½‖s‖²``."""
    g = graph("dag")
    g.param("x", (1, 2))
    g.param("W", (2, 2))
    g.param("b", (2,))
    g.node("h", "linear", "x", "W", "b")
    g.node("a", "relu", "h")
    g.node("s", "add", "a", "x")
    g.node("C", "l2_penalty", "s", alpha=0.5)
    g.output("C")
    return g


@lru_cache(maxsize=1)
def dag_example():
    """∂C/∂x as the sum over the two paths from C to x, each a product of the nodes' Jacobians
    (the generated code's rows), against the generated network's gradient."""
    g = dag_graph()
    d = derive(g)
    net = load(d)
    x, W, b = (np.asarray(DAG_VALUES[k], dtype=float) for k in ("x", "W", "b"))
    _, cache = net.forward(x, W, b)
    grads = net.backward(1.0, cache)
    lin, relu, add, l2 = (load(derive(g.nodes[n].module)) for n in ("h", "a", "s", "C"))
    h, _ = lin.forward(x, W, b)
    a, _ = relu.forward(h)
    s, _ = add.forward(a, x)
    c, l2_cache = l2.forward(s.ravel(), alpha=0.5)
    dC_ds = np.asarray(l2.backward(1.0, l2_cache)[0]).reshape(1, 2)
    J_sa = _jacobian_rows(add, (a.ravel(), x.ravel()), 0, 2)
    J_sx = _jacobian_rows(add, (a.ravel(), x.ravel()), 1, 2)
    J_ah = _jacobian_rows(relu, (h.ravel(),), 0, 2)
    J_hx = _jacobian_rows(lin, (x, W, b), 0, 2)
    S = {k: sp.MatrixSymbol(k, *shape) for k, shape in (
        (r"\frac{\partial C}{\partial s}", (1, 2)), (r"\frac{\partial s}{\partial x}", (2, 2)),
        (r"\frac{\partial s}{\partial a}", (2, 2)), (r"\frac{\partial a}{\partial h}", (2, 2)),
        (r"\frac{\partial h}{\partial x}", (2, 2)), (r"\frac{\partial C}{\partial x}", (1, 2)))}
    cs, sx, sa, ah, hx, cx = S.values()
    expr = cs * sx + cs * sa * ah * hx
    value = matrix_values(expr, {cs: dC_ds, sx: J_sx, sa: J_sa, ah: J_ah, hx: J_hx})
    check = Equation("", (expr,), "the generated network's gradient", rel_error(value, grads["x"].reshape(1, 2)))
    shapes = shapes_conform("", (cx, sp.MatMul(cs, sx)), (cx, sp.MatMul(cs, sa, ah, hx)))
    tex = rf"{matrix_latex(cx)} = {matrix_latex(cs * sx)} + {matrix_latex(cs * sa * ah * hx)}"
    eq = combined(tex, [check, shapes])
    numbers = dict(h=h, a=a, s=s, C=float(c), dC_ds=dC_ds, direct=dC_ds @ J_sx,
                   through=dC_ds @ J_sa @ J_ah @ J_hx, total=value, net=grads["x"])
    return eq, numbers, d


def dag_blocks(lang: str, figure: str, report) -> list:
    eq, v, d = dag_example()
    w = _notes_page(lang, "dag", figure, eq)
    w.para("dag.order", order=", ".join(f"`{n}`" for n in d.order))
    w.para("dag.fanout")
    w.math(eq)
    w.heading("h.example")
    rows = [[r"$x$", array_text(DAG_VALUES["x"])], [r"$W$", array_text(DAG_VALUES["W"])],
            [r"$b$", array_text(DAG_VALUES["b"])], [r"$h$", array_text(v["h"])],
            [r"$a$", array_text(v["a"])], [r"$s$", array_text(v["s"])], [r"$C$", number(v["C"])],
            [r"$\partial C/\partial s$", array_text(v["dC_ds"])],
            [w.s["dag.row.direct"], array_text(v["direct"])],
            [w.s["dag.row.through"], array_text(v["through"])],
            [w.s["dag.row.total"], array_text(v["total"])],
            [w.s["dag.row.net"], array_text(v["net"])]]
    w.table(["example.col.symbol", "example.col.value"], rows)
    check_blocks(w, report, intro="network.check")
    exercise_blocks(w, "dag")
    return w.blocks


# -- the digits network ----------------------------------------------------------------------------
def _count(dims) -> str:
    return r" \cdot ".join(str(x) for x in dims) if dims else "1"


def network_chain(d, report) -> Equation:
    """Each node's ``(1×N) = (1×M)(M×N)``: shapes conform in SymPy; the gradients they describe
    checked by the network's finite differences."""
    g = d.graph
    rows, pairs = [], []
    for n in reversed(d.order):
        for v in g.nodes[n].inputs:
            if v not in d.needs_grad:
                continue
            N, M = _count(d.shapes[v]), _count(d.shapes[n])
            lhs = sp.MatrixSymbol(rf"\frac{{\partial C}}{{\partial \mathrm{{{v}}}}}", 1, sp.Symbol(N))
            row = sp.MatrixSymbol(rf"\frac{{\partial C}}{{\partial \mathrm{{{n}}}}}", 1, sp.Symbol(M))
            jac = sp.MatrixSymbol(rf"\frac{{\partial \mathrm{{{n}}}}}{{\partial \mathrm{{{v}}}}}",
                                  sp.Symbol(M), sp.Symbol(N))
            pairs.append((lhs, sp.MatMul(row, jac)))
            rows.append(rf"{matrix_latex(lhs)} &\mathrel{{+}}= {matrix_latex(row)}\,{matrix_latex(jac)}"
                        rf"\quad (1\times {N}) = (1\times {M})({M}\times {N})")
    return combined(aligned(rows), [shapes_conform("", *pairs), from_report("", (), report)])


def network_blocks(d, report, lang: str, figure: str) -> list:
    g = d.graph
    w = Writer(lang)
    w.para("network.about")
    w.para("network.nodes")

    def fmt(dims):
        return "$" + (r" \times ".join(str(x) for x in dims) if dims else "1") + "$"
    rows = [[f"`{n}`", f"`{g.nodes[n].module.name}`", ", ".join(f"`{v}`" for v in g.nodes[n].inputs),
             fmt(d.shapes[n])] for n in d.order]
    w.table(["network.col.node", "network.col.module", "network.col.inputs", "network.col.shape"], rows)
    w.figure(figure, "network.figure", width=1.0)
    w.para("network.chain")
    w.math(network_chain(d, report))
    check_blocks(w, report, intro="network.check")
    w.heading("h.code")
    forward, backward = network_functions(d)
    w.code(forward.rstrip() + "\n\n\n" + backward.rstrip())
    exercise_blocks(w, d.name)
    return w.blocks


# -- Kaiming initialisation ------------------------------------------------------------------------
def _symbols(expr) -> dict[str, sp.Symbol]:
    return {s.name: s for s in expr.free_symbols}


@lru_cache(maxsize=1)
def kaiming_formulas() -> dict[str, Equation]:
    """Each step of the derivation, checked by Monte Carlo with a seeded generator."""
    k = derive_kaiming()
    rng = np.random.default_rng(0)
    samples = 400_000
    out = {}
    s = _symbols(k.var_sum)
    sw, sx, mu = 0.5, 0.8, 0.3
    w = rng.normal(0.0, sw, (samples, 3))
    x = rng.normal(mu, sx, (samples, 3))
    formula = float(k.var_sum.subs({s["sigma_w"]: sw, s["sigma_x"]: sx, s["mu"]: mu}))
    out["sum"] = Equation(
        rf"\mathrm{{Var}}(w_1 x_1 + w_2 x_2 + w_3 x_3) = {sp.latex(k.var_sum)}, \qquad "
        rf"w_j \sim \mathcal{{N}}(0, \sigma_w^2),\ x_j \sim \mathcal{{N}}(\mu, \sigma_x^2)",
        (k.var_sum,), "Monte Carlo, 400 000 seeded samples (σ_w = 0.5, σ_x = 0.8, μ = 0.3)",
        rel_error(np.var((w * x).sum(axis=1)), formula), tolerance=2e-2)
    g = _symbols(k.var_general)
    n, ex2 = 5, 0.5 ** 2 + 1.0
    wn = rng.normal(0.0, 0.3, (samples, n))
    xn = rng.normal(0.5, 1.0, (samples, n))
    general = float(k.var_general.subs({g["n"]: n, g["sigma_w"]: 0.3, g["E[x^2]"]: ex2}))
    var_w = sp.Symbol("Var(w)", positive=True)
    # in the conventional order n · Var(w) · E[x²], the same product as the derivation's
    shown = sp.Mul(g["n"], var_w, g["E[x^2]"], evaluate=False)
    if sp.simplify(shown.doit().subs(var_w, g["sigma_w"] ** 2) - k.var_general) != 0:
        raise AssertionError(f"Var(y): {shown} is not the derivation's {k.var_general}")
    out["general"] = Equation(
        r"\mathrm{Var}(y) = " + sp.latex(shown, order="none", mul_symbol=r"\,",
                                         symbol_names={g["E[x^2]"]: r"\mathbb{E}[x^2]",
                                                       var_w: r"\mathrm{Var}(w)"}),
        (k.var_general,), "Monte Carlo, n = 5, x of mean 0.5",
        rel_error(np.var((wn * xn).sum(axis=1)), general), tolerance=2e-2)
    z = rng.normal(0.0, 1.5, samples)
    r = _symbols(k.relu_second_moment)
    out["relu"] = Equation(
        rf"\mathbb{{E}}\left[\operatorname{{relu}}(z)^2\right] = {sp.latex(k.relu_second_moment)}",
        (k.relu_second_moment,), "Monte Carlo, z ~ N(0, 1.5²)",
        rel_error(np.mean(np.maximum(z, 0) ** 2), float(k.relu_second_moment.subs(r["sigma"], 1.5))),
        tolerance=2e-2)
    out["solve"] = _kaiming_layer(k)
    return out


def _kaiming_layer(k) -> Equation:
    """One ReLU layer with the generated ``kaiming_normal`` keeps E[y²] at σ² (n = 256)."""
    init = run_source(kaiming_source(), "kaiming")["kaiming_normal"]
    rng = np.random.default_rng(1)
    n, sigma = 256, 1.5
    z = rng.normal(0.0, sigma, (4000, n))
    W = init(n, n, rng=rng, dtype=np.float64)
    y = np.maximum(z, 0) @ W.T
    root = sp.Pow(k.weight_variance, sp.Rational(1, 2), evaluate=False)  # sqrt(2/n), as one root
    if sp.simplify(root.doit() - k.std) != 0:
        raise AssertionError(f"std(w): {root} is not the derivation's {k.std}")
    tex = (rf"\mathrm{{Var}}(w) = {sp.latex(k.weight_variance)}, \qquad "
           rf"\mathrm{{std}}(w) = {sp.latex(k.std)} = {sp.latex(root)}")
    return Equation(tex, (k.weight_variance, k.std, root),
                    "one ReLU layer of width 256 with the generated kaiming_normal: Var(y) = σ²",
                    rel_error(np.mean(y ** 2), sigma ** 2), tolerance=5e-2)


def kaiming_blocks(lang: str, figure: str) -> list:
    f = kaiming_formulas()
    w = Writer(lang)
    w.para("about.kaiming")
    key_result(w, "kaiming", [f["solve"]])
    for step in ("sum", "general", "relu", "solve"):  # the derivation, one checked step each
        w.step(f"kaiming.{step}", f[step])
    w.figure(figure, "kaiming.figure")
    w.para("kaiming.code")
    w.code(kaiming_source().rstrip())
    exercise_blocks(w, "kaiming")
    return w.blocks


# -- learning-rate schedules -----------------------------------------------------------------------
def _schedule_function(name: str):
    return run_source(schedule_source(name), f"lr_{name}")[f"lr_{name}"]


@lru_cache(maxsize=8)
def schedule_equation(name: str) -> Equation:
    """``η(t)`` against the generated ``lr_NAME`` on 0..T, and ``dη/dt`` against differences."""
    expr, defaults = SCHEDULES[name]
    params = {s: defaults[s.name] for s in expr.free_symbols if s.name in defaults}
    concrete = expr.subs(params)
    ts = np.arange(0.0, 51.0)
    code = _schedule_function(name)(ts)
    parts = [Equation("", (expr,), "the generated numpy schedule",
                      rel_error(scalar_samples(concrete, t, ts), code))]
    tex = rf"\eta(t) = {sp.latex(expr)}"
    if name != "step":
        slope = sp.simplify(sp.diff(expr, t))
        inner = np.linspace(0.5, 49.5, 25)
        numeric = derivative_samples(lambda p: scalar_samples(concrete, t, p), inner)
        parts.append(Equation("", (slope,), "central differences",
                              rel_error(scalar_samples(slope.subs(params), t, inner), numeric)))
        tex += rf", \qquad \frac{{d\eta}}{{dt}} = {sp.latex(slope)}"
        if name == "cosine":
            tex += r" \leq 0 \quad (0 \leq t \leq T)"
    return combined(tex, parts)


def schedules_blocks(lang: str, figure: str) -> list:
    w = Writer(lang)
    w.para("about.schedules")
    for name in SCHEDULES:
        verdict = "schedules.yes" if decreasing(name) else "schedules.no"
        w.text(w.s["schedules.item"].format(name=name, verdict=w.s[verdict]),
               w.en["schedules.item"].format(name=name, verdict=w.en[verdict]))
        w.math(schedule_equation(name))
        if name == "cosine":
            lr = _schedule_function("cosine")
            rises = "schedules.rises" if cosine_rises_after() else "schedules.no"
            w.para(rises, at=number(lr(50.0)), after=number(lr(60.0)))
        w.code(schedule_source(name).rstrip())
    w.figure(figure, "schedules.figure")
    exercise_blocks(w, "schedules")
    return w.blocks
