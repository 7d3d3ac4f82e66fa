"""docs.matrix: the documents' matrix forms, as SymPy matrix expressions.

The array program of a VJP (:mod:`symbp.lower.ir`) is translated node by node into ``MatMul``,
``HadamardProduct``, ``HadamardPower``, ``Transpose``, ``OneMatrix`` and :class:`Entrywise` (a
scalar function applied to every entry). numpy's broadcasting becomes explicit: a row ``v``
(``1×n``) broadcast over ``B`` rows is ``1_B v``, a column ``c`` (``B×1``) over ``n`` columns is
``c 1_nᵀ``. SymPy checks that every product conforms; :func:`checked_matrix_form` then evaluates
the expression numerically at random sizes and values and compares it with the generated
backward (itself verified against finite differences) before any page shows it.

numpy's 1-D arrays are rows (``1×n``); 2-D arrays are matrices; higher ranks have no matrix form.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import numpy as np
import sympy as sp

from ..check.verification import rel_error, sample
from ..codegen import load
from ..codegen.kernel import compile_expression, matrix_parts
from ..derive import Derivation
from ..lower import ir
from ..names import OUTPUT, UPSTREAM
from .latex import IndexLatex

TOLERANCE = 1e-9


class NoMatrixForm(ValueError):
    """The VJP has no matrix form here (rank above 2, or an operation with no matrix notation)."""


class MatrixFormError(AssertionError):
    """A matrix form that does not equal the derived VJP: never shown on a page."""


class Entrywise(sp.MatrixExpr):
    """``f`` applied entry by entry: ``Entrywise(Lambda((a, b), f), A, B)`` (rows and columns of
    size 1 repeated, as numpy broadcasts them)."""

    def __new__(cls, fn: sp.Lambda, *mats):
        return sp.Basic.__new__(cls, fn, *mats)

    @property
    def fn(self) -> sp.Lambda:
        return self.args[0]

    @property
    def mats(self) -> tuple:
        return self.args[1:]

    @property
    def shape(self):
        return _common_shape(self.mats)


class Select(sp.MatrixExpr):
    """Entry by entry: ``a`` where the 0/1 matrix ``cond`` is 1, else ``b``."""

    def __new__(cls, cond, a, b):
        return sp.Basic.__new__(cls, cond, a, b)

    @property
    def shape(self):
        return self.args[1].shape


class OneHotOf(sp.MatrixExpr):
    """Row ``r`` is the one-hot vector of class ``t_r`` among ``cols`` classes."""

    def __new__(cls, classes, cols):
        return sp.Basic.__new__(cls, classes, sp.sympify(cols))

    @property
    def shape(self):
        return self.args[0].shape[1], self.args[1]


class Pick(sp.MatrixExpr):
    """The row of entries ``x[r, t_r]`` (one per row of ``x``)."""

    def __new__(cls, source, classes):
        return sp.Basic.__new__(cls, source, classes)

    @property
    def shape(self):
        return 1, self.args[0].shape[0]


class Shown(sp.Symbol):
    """A placeholder printed as its name, verbatim (LaTeX of a translated operand)."""


@dataclass(frozen=True)
class Value:
    """A translated array: a scalar SymPy expression (``ndim == 0``) or a matrix expression."""

    expr: sp.Basic
    ndim: int

    @property
    def is_matrix(self) -> bool:
        return self.ndim > 0


# -- constructors that check shapes (SymPy's own check is deprecated) --------------------------
def _same(a, b) -> bool:
    return sp.sympify(a) == sp.sympify(b)


def mm(*args) -> sp.MatrixExpr:
    """The matrix product, nested products flattened, scalar coefficients in front."""
    flat = []
    for a in args:
        flat.extend(a.args if isinstance(a, sp.MatMul) else [a])
    mats = [a for a in flat if isinstance(a, sp.MatrixExpr)]
    for left, right in zip(mats, mats[1:]):
        if not _same(left.shape[1], right.shape[0]):
            raise MatrixFormError(f"{left.shape} times {right.shape} does not conform")
    coeff = sp.Mul(*[a for a in flat if not isinstance(a, sp.MatrixExpr)])
    if coeff == 1:
        return sp.MatMul(*mats) if len(mats) > 1 else mats[0]
    return sp.MatMul(coeff, *mats)


def _check_same_shape(mats, what: str) -> None:
    first = mats[0].shape
    for m in mats[1:]:
        if not (_same(m.shape[0], first[0]) and _same(m.shape[1], first[1])):
            raise MatrixFormError(f"{what} of {first} and {m.shape}")


def hadamard(*mats) -> sp.MatrixExpr:
    _check_same_shape(mats, "entrywise product")
    return sp.HadamardProduct(*mats) if len(mats) > 1 else mats[0]


def matadd(*mats) -> sp.MatrixExpr:
    _check_same_shape(mats, "sum")
    return sp.MatAdd(*mats) if len(mats) > 1 else mats[0]


def ones(rows, cols) -> sp.MatrixExpr:
    return sp.OneMatrix(rows, cols)


def _broadcast(mat: sp.MatrixExpr, shape) -> sp.MatrixExpr:
    rows, cols = mat.shape
    if (rows, cols) == tuple(shape):
        return mat
    if rows == 1 and shape[0] != 1:
        mat = mm(ones(shape[0], 1), mat)
    if cols == 1 and shape[1] != 1:
        mat = mm(mat, ones(1, shape[1]))
    if tuple(mat.shape) != tuple(shape):
        raise NoMatrixForm(f"cannot broadcast {rows}×{cols} to {shape[0]}×{shape[1]}")
    return mat


def _common_shape(mats) -> tuple:
    rows = next((m.shape[0] for m in mats if m.shape[0] != 1), 1)
    cols = next((m.shape[1] for m in mats if m.shape[1] != 1), 1)
    return rows, cols


class _Translator:
    """Array symbols -> values; IR nodes and elementwise expressions -> matrix expressions."""

    def __init__(self, env: dict[str, Value]):
        self.env = dict(env)

    # -- nodes --------------------------------------------------------------------------------
    def node(self, node: ir.Node) -> Value:
        method = getattr(self, f"_node_{type(node).__name__}", None)
        if method is None:
            raise NoMatrixForm(f"{type(node).__name__} has no matrix notation here")
        return method(node)

    def _node_Assign(self, node):
        return self.expr(node.expr)

    def _node_View(self, node):
        value = self.env[node.source.name]
        mat, ndim = value.expr, value.ndim
        if node.squeeze:
            kept = [k for k in node.squeeze if k == ":"]
            if ndim != 2 or len(kept) != 1:
                raise NoMatrixForm("squeeze")
            mat, ndim = (mat if node.squeeze[0] == 0 else sp.Transpose(mat)), 1
        if node.perm:
            if node.perm != (1, 0) or ndim != 2:
                raise NoMatrixForm("transpose of rank other than 2")
            mat = sp.Transpose(mat)
        if node.expand:
            if ndim != 1 or len(node.expand) != 2:
                raise NoMatrixForm("expand")
            mat, ndim = (sp.Transpose(mat) if node.expand[1] is None else mat), 2
        return Value(mat, ndim)

    def _node_Reduce(self, node):
        body = self.expr(node.expr)
        if node.op != "sum":
            raise NoMatrixForm(f"a {node.op} reduction")
        if body.ndim != 2 or node.axis is None:
            raise NoMatrixForm("a sum to a scalar")
        mat = body.expr
        rows, cols = mat.shape
        if node.axis in (1, -1):
            col = mm(mat, ones(cols, 1))
            return Value(col, 2) if node.keepdims else Value(sp.Transpose(col), 1)
        if node.axis in (0, -2):
            return Value(mm(ones(1, rows), mat), 2 if node.keepdims else 1)
        raise NoMatrixForm(f"sum over axis {node.axis}")

    def _node_Contract(self, node):
        left, right = self.env[node.left.name], self.env[node.right.name]
        if left.ndim != 2 and right.ndim != 2:
            raise NoMatrixForm("an inner product of two vectors")
        a = sp.Transpose(left.expr) if node.left_t else left.expr
        b = sp.Transpose(right.expr) if node.right_t else right.expr
        if right.ndim == 1:  # numpy: a 1-D right operand is a column, the result a 1-D row
            return Value(sp.Transpose(mm(a, sp.Transpose(b))), 1)
        return Value(mm(a, b), 2 if left.ndim == 2 else 1)

    def _ranked(self, what: str, *operands: tuple) -> list[Value]:
        """The values of ``(ref, ndim)`` pairs; ``NoMatrixForm(what)`` where a rank differs."""
        values = [self.env[ref.name] for ref, _ in operands]
        if any(v.ndim != ndim for v, (_, ndim) in zip(values, operands)):
            raise NoMatrixForm(what)
        return values

    def _node_OneHot(self, node):
        (classes,) = self._ranked("one-hot of a matrix", (node.classes, 1))
        return Value(OneHotOf(classes.expr, node.size), 2)

    def _node_Gather(self, node):
        source, classes = self._ranked("gather", (node.source, 2), (node.classes, 1))
        return Value(Pick(source.expr, classes.expr), 1)

    # -- elementwise expressions ----------------------------------------------------------------
    def expr(self, e: sp.Basic) -> Value:
        if isinstance(e, sp.Symbol) and e.name in self.env:
            return self.env[e.name]
        if not any(s.name in self.env and self.env[s.name].is_matrix for s in e.free_symbols):
            return Value(e.xreplace({s: self.env[s.name].expr for s in e.free_symbols
                                     if s.name in self.env}), 0)
        if isinstance(e, sp.Add):
            return self._add([self.expr(a) for a in e.args])
        if isinstance(e, sp.Mul):
            return self._mul([self.expr(a) for a in e.args])
        if isinstance(e, sp.Pow) and e.exp.is_Integer:
            base = self.expr(e.base)
            return Value(sp.HadamardPower(base.expr, e.exp), base.ndim)
        if isinstance(e, sp.Piecewise):
            return self._piecewise(e)
        if isinstance(e, (sp.Function, sp.Pow)):
            return self._apply(e.func, e.args)
        raise NoMatrixForm(f"no matrix notation for {type(e).__name__}")

    def _add(self, parts) -> Value:
        mats = [p for p in parts if p.is_matrix]
        shape = _common_shape([p.expr for p in mats])
        terms = [_broadcast(p.expr, shape) for p in mats]
        scalar = sp.Add(*[p.expr for p in parts if not p.is_matrix])
        if scalar != 0:
            terms.append(mm(scalar, ones(*shape)))
        return Value(matadd(*terms), max(p.ndim for p in mats))

    def _mul(self, parts) -> Value:
        mats = [p for p in parts if p.is_matrix]
        shape = _common_shape([p.expr for p in mats])
        product = hadamard(*[_broadcast(p.expr, shape) for p in mats])
        scalar = sp.Mul(*[p.expr for p in parts if not p.is_matrix])
        return Value(product if scalar == 1 else mm(scalar, product), max(p.ndim for p in mats))

    def _apply(self, func, args) -> Value:
        """``func`` of translated arguments, entry by entry (each matrix argument a variable)."""
        values = [self.expr(a) for a in args]
        mats = [v for v in values if v.is_matrix]
        dummies = iter([sp.Dummy(f"a{k}") for k in range(len(mats))])
        variables, call = [], []
        for v in values:
            if v.is_matrix:
                variables.append(next(dummies))
                call.append(variables[-1])
            else:
                call.append(v.expr)
        fn = sp.Lambda(tuple(variables), func(*call))
        return Value(Entrywise(fn, *[v.expr for v in mats]), max(v.ndim for v in mats))

    def _condition(self, cond) -> Value:
        if isinstance(cond, (sp.And, sp.Or, sp.Not)):
            parts = [self._condition(c) for c in cond.args]
            return Value(Entrywise(sp.Lambda(tuple(d for p in parts for d in p.expr.fn.variables),
                                          cond.func(*[p.expr.fn.expr for p in parts])),
                                *[m for p in parts for m in p.expr.mats]),
                      max(p.ndim for p in parts))
        if isinstance(cond, sp.core.relational.Relational):
            return self._apply(cond.func, cond.args)
        raise NoMatrixForm(f"condition {cond}")

    def _piecewise(self, e: sp.Piecewise) -> Value:
        (value, cond), rest = e.args[0], e.args[1:]
        mask = self._condition(cond)
        if len(rest) == 1 and rest[0].cond is sp.true and value == 1 and rest[0].expr == 0:
            return mask
        other = self._piecewise(sp.Piecewise(*rest)) if len(rest) > 1 or rest[0].cond is not sp.true \
            else self.expr(rest[0].expr)
        first = self.expr(value)
        mats = [v for v in (first, other, mask) if v.is_matrix]
        shape = _common_shape([v.expr for v in mats])
        a, b = (_broadcast(v.expr, shape) if v.is_matrix else mm(v.expr, ones(*shape))
                for v in (first, other))
        return Value(Select(mask.expr, a, b), max(v.ndim for v in mats))


def translate(stmts, result, env: dict[str, Value]) -> Value:
    """The matrix expression of ``result`` after the statements ``stmts``."""
    tr = _Translator(env)
    for st in stmts:
        tr.env[st.target.name] = tr.node(st)
    return tr.expr(result)


# -- the module's arrays as matrices ----------------------------------------------------------
def _shape(dims) -> tuple:
    sizes = tuple(sp.Symbol(x, integer=True, positive=True) for x in dims)
    if len(sizes) > 2:
        raise NoMatrixForm("rank above 2")
    return ((1,) + sizes if len(sizes) == 1 else sizes), len(sizes)


def array_values(d: Derivation, display: dict[str, str]) -> dict[str, Value]:
    """Every array the VJP may read (inputs, upstream gradient, output, statistics, shifts)."""
    m = d.module
    env = {}

    def add(name, dims, shown):
        shape, ndim = _shape(dims)
        env[name] = Value(sp.MatrixSymbol(shown, *shape), ndim) if ndim else \
            Value(sp.Symbol(shown, real=True), 0)

    for t in m.inputs:
        shown = display.get(t.name, t.name)
        add(t.name, t.dims, shown)
        add(f"{t.name}_shift", t.dims, rf"\tilde{{{shown}}}")
        if len(t.dims) == 2:  # the row maxima of a log-sum-exp shift, a column
            env[f"{t.name}_max"] = Value(sp.MatrixSymbol(rf"\hat{{{shown}}}", _shape(t.dims)[0][0], 1), 2)
    add(UPSTREAM.code, m.out_dims, display.get(UPSTREAM.code, "G"))
    add(OUTPUT.code, m.out_dims, display.get(OUTPUT.code, "Y"))
    for st in m.statistics:
        add(st.name, st.dims, display.get(st.name, st.name))
    return env


def matrix_form(d: Derivation, name: str, display: dict[str, str]) -> sp.MatrixExpr:
    """The VJP for input ``name`` as a SymPy matrix expression (shapes checked by SymPy)."""
    stmts, result = matrix_parts(d, name)
    value = translate(stmts, result, array_values(d, display))
    if not value.is_matrix:
        raise NoMatrixForm("a scalar gradient")
    expected, _ = _shape(d.module.input(name).dims)
    if tuple(value.expr.shape) != tuple(expected):
        raise MatrixFormError(f"{d.name}: the matrix form of d{name} is {value.expr.shape}, "
                              f"the input is {expected}")
    return value.expr


# -- numeric evaluation -----------------------------------------------------------------------
def evaluate(expr: sp.Basic, values: dict, sizes: dict) -> np.ndarray:
    """A matrix expression at concrete arrays (by MatrixSymbol name) and sizes (by Symbol)."""
    if isinstance(expr, sp.MatrixSymbol):
        return np.atleast_2d(values[expr.name])
    if isinstance(expr, sp.OneMatrix):
        return np.ones(_concrete(expr.shape, sizes))
    if isinstance(expr, sp.Transpose):
        return evaluate(expr.arg, values, sizes).T
    if isinstance(expr, sp.MatMul):
        scalars = [a for a in expr.args if not isinstance(a, sp.MatrixExpr)]
        mats = [evaluate(a, values, sizes) for a in expr.args if isinstance(a, sp.MatrixExpr)]
        return _scalar(sp.Mul(*scalars), values, sizes) * reduce(np.matmul, mats)
    if isinstance(expr, sp.MatAdd):
        return sum(evaluate(a, values, sizes) for a in expr.args)
    if isinstance(expr, sp.HadamardProduct):
        return reduce(np.multiply, [evaluate(a, values, sizes) for a in expr.args])
    if isinstance(expr, sp.HadamardPower):
        return evaluate(expr.base, values, sizes) ** int(expr.exp)
    if isinstance(expr, Entrywise):
        fn = sp.lambdify(expr.fn.variables, _scalar_env(expr.fn.expr, values, sizes), "numpy")
        out = np.asarray(fn(*[evaluate(a, values, sizes) for a in expr.mats]), dtype=float)
        return np.broadcast_to(out, _concrete(expr.shape, sizes))
    if isinstance(expr, Select):
        cond, a, b = (evaluate(x, values, sizes) for x in expr.args)
        return np.where(cond != 0, a, b)
    if isinstance(expr, OneHotOf):
        classes = evaluate(expr.args[0], values, sizes).ravel().astype(int)
        return (classes[:, None] == np.arange(_concrete(expr.shape, sizes)[1])).astype(float)
    if isinstance(expr, Pick):
        source = evaluate(expr.args[0], values, sizes)
        classes = evaluate(expr.args[1], values, sizes).ravel().astype(int)
        return np.take_along_axis(source, classes[:, None], axis=-1).T
    raise NoMatrixForm(f"cannot evaluate {type(expr).__name__}")


def _concrete(shape, sizes) -> tuple[int, int]:
    return tuple(int(sp.sympify(x).xreplace(sizes)) for x in shape)


def _scalar_env(e, values, sizes):
    return e.xreplace({**sizes, **{s: values[s.name] for s in e.free_symbols
                                   if s.name in values and np.ndim(values[s.name]) == 0}})


def _scalar(e, values, sizes) -> float:
    return float(_scalar_env(sp.sympify(e), values, sizes))


def checked_matrix_form(d: Derivation, name: str, display: dict[str, str], seed: int = 0) -> sp.MatrixExpr:
    """:func:`matrix_form`, checked by :func:`check_matrix_form` before anything shows it."""
    expr = matrix_form(d, name, display)
    check_matrix_form(d, name, expr, display, seed=seed)
    return expr


def check_matrix_form(d: Derivation, name: str, expr: sp.MatrixExpr, display: dict[str, str],
                      seed: int = 0, trials: int = 2) -> float:
    """Evaluate ``expr`` at random distinct sizes and values and compare it with the generated
    backward (verified against finite differences); the worst relative error, or
    :class:`MatrixFormError` if they differ."""
    m = d.module
    env = array_values(d, display)
    f = load(d)
    rng = np.random.default_rng(seed)
    position = [t.name for t in m.inputs].index(name)
    floor = dict(m.min_sizes)
    names = sorted({x for t in m.inputs for x in t.dims} | set(m.out_dims))
    worst = 0.0
    for trial in range(trials):
        dims = {dim: max(2 + trial + k, floor.get(dim, 1)) for k, dim in enumerate(names)}
        inputs = sample(m, dims, rng, d.kinks)
        params = {p.name: p.default for p in m.params}
        out, cache = f.forward(*[inputs[t.name] for t in m.inputs], **params)
        g = rng.standard_normal(np.shape(out)) if np.ndim(out) else float(rng.standard_normal())
        want = np.atleast_2d(f.backward(g, cache)[position])
        arrays = {**inputs, UPSTREAM.code: g, OUTPUT.code: out}
        for t in m.inputs:
            if len(t.dims) == 2:
                arrays[f"{t.name}_max"] = inputs[t.name].max(axis=-1, keepdims=True)
                arrays[f"{t.name}_shift"] = inputs[t.name] - arrays[f"{t.name}_max"]
        for st in m.statistics:
            arrays[st.name] = compile_expression(m, m.inline(st.expr), st.index)(**inputs, **params)
        values = {env[k].expr.name: v for k, v in arrays.items() if k in env}
        values.update(params)
        sizes = {sp.Symbol(k, integer=True, positive=True): v for k, v in dims.items()}
        try:
            got = evaluate(expr, values, sizes)
        except (ValueError, KeyError) as exc:
            raise MatrixFormError(f"{d.name}: the matrix form of d{name} cannot be evaluated: {exc}") from None
        error = rel_error(got, want) if got.shape == want.shape else float("inf")
        if error > TOLERANCE:
            raise MatrixFormError(f"{d.name}: the matrix form of d{name} differs from the derived "
                                  f"VJP at sizes {dims} (relative error {error:.1e})")
        worst = max(worst, error)
    return worst


# -- LaTeX ----------------------------------------------------------------------------------------
OPERATORS = {"DiagMatrix": "diag", "OneHotOf": "onehot", "Pick": "pick"}  # printed as operators


class MatrixLatex(IndexLatex):
    """Matrix expressions in the notes' notation: ``\\odot`` for the entrywise product, ``^\\top``,
    ``\\mathbf{1}_n`` for a column of ones, a function applied entry by entry written as the
    function of the matrix, positive terms first."""

    def _print_Shown(self, expr):
        return expr.name

    def _print_MatrixSymbol(self, expr):
        return expr.name

    def _print_OneMatrix(self, expr):
        rows, cols = expr.shape
        if cols == 1:
            return rf"\mathbf{{1}}_{{{self._print(rows)}}}"
        if rows == 1:
            return rf"\mathbf{{1}}_{{{self._print(cols)}}}^\top"
        return rf"\mathbf{{1}}_{{{self._print(rows)} \times {self._print(cols)}}}"

    def _print_Transpose(self, expr):
        return rf"{self._group(expr.arg)}^\top"

    def _print_HadamardProduct(self, expr):
        return r" \odot ".join(self._group(a) for a in expr.args)

    def _print_HadamardPower(self, expr):
        return rf"{self._group(expr.base)}^{{\circ {self._print(expr.exp)}}}"

    def _print_MatAdd(self, expr):
        terms = sorted(expr.args, key=_minus)
        out = self._print(terms[0])
        for t in terms[1:]:
            out += f" - {self._print(_negated(t))}" if _minus(t) else f" + {self._print(t)}"
        return out

    def _print_MatMul(self, expr):
        scalars = [a for a in expr.args if not isinstance(a, sp.MatrixExpr)]
        mats = [a for a in expr.args if isinstance(a, sp.MatrixExpr)]
        head = sp.Mul(*scalars)
        if head == 1 and len(mats) == 1:
            return self._print(mats[0])
        body = " ".join(self._group(m, in_product=True) for m in mats)
        if head == 1:
            return body
        if head == -1:
            return "-" + body
        return f"{self._print(head)} {body}"

    def _print_Entrywise(self, expr):
        shown = {v: Shown(self._group(m)) for v, m in zip(expr.fn.variables, expr.mats)}
        body = expr.fn.expr.xreplace(shown)
        if isinstance(body, (sp.core.relational.Relational, sp.And, sp.Or, sp.Not)):
            return rf"\mathbb{{1}}\left[{self._print(body)}\right]"
        return self._print(body)

    def _varies(self, expr) -> bool:
        return super()._varies(expr) or any(isinstance(s, Shown) for s in expr.atoms(sp.Symbol)) \
            or expr.has(sp.MatrixSymbol)

    def _print_Select(self, expr):
        """Cases, bracketed unless the selection is the whole expression (see ``_print_Piecewise``)."""
        cond, a, b = expr.args
        shown = {v: Shown(self._group(m)) for v, m in zip(cond.fn.variables, cond.mats)}
        cases = sp.Piecewise((Shown(self._print(a)), cond.fn.expr.xreplace(shown)),
                             (Shown(self._print(b)), True))
        if expr is self._whole:
            self._whole = cases
        return self._print(cases)

    def _operator(self, expr):
        """``\\operatorname{name}(args)`` for the matrices :data:`OPERATORS` names."""
        args = ", ".join(self._print(a) for a in expr.args if isinstance(a, sp.MatrixExpr))
        return rf"\operatorname{{{OPERATORS[type(expr).__name__]}}}\left({args}\right)"

    _print_DiagMatrix = _print_OneHotOf = _print_Pick = _operator

    def _group(self, mat, in_product: bool = False) -> str:
        """``mat`` as a factor: parenthesised unless it is atomic (in a matrix product, a product
        of matrices alone is atomic too: the product is associative)."""
        text = self._print(mat)
        atomic = isinstance(mat, (sp.MatrixSymbol, sp.Transpose, sp.OneMatrix, sp.HadamardPower,
                                  OneHotOf, Pick, Entrywise, Select))  # a Select brackets itself
        plain_product = isinstance(mat, sp.MatMul) and all(isinstance(a, sp.MatrixExpr) for a in mat.args)
        return text if atomic or (in_product and plain_product) else rf"\left({text}\right)"


def _minus(term) -> bool:
    return isinstance(term, sp.MatMul) and any(
        not isinstance(a, sp.MatrixExpr) and a.could_extract_minus_sign() for a in term.args)


def _negated(term):
    return mm(*[-a if not isinstance(a, sp.MatrixExpr) and a.could_extract_minus_sign() else a
                for a in term.args])


def matrix_latex(expr: sp.MatrixExpr, names: dict | None = None) -> str:
    return MatrixLatex(names).doprint(expr)


def bookkeeping(expr: sp.MatrixExpr) -> str:
    """``(B×n) = (B×m)(m×n)`` when ``expr`` is one product of two matrices."""
    if not isinstance(expr, sp.MatMul):
        return ""
    factors = [a for a in expr.args if isinstance(a, sp.MatrixExpr)]
    if len(factors) != 2 or any(isinstance(f, sp.OneMatrix) for f in factors):
        return ""

    def fmt(shape):
        return "(" + r" \times ".join(sp.latex(x) for x in shape) + ")"
    return rf"{fmt(expr.shape)} = {fmt(factors[0].shape)}\,{fmt(factors[1].shape)}"
