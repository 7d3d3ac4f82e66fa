"""expr: the safe expression language behind ``symbp.elementwise`` and ``symbp.module``.

User text is parsed with :mod:`ast` and walked against a whitelist; it is never given to
``eval``, ``exec``, ``sympify`` or ``parse_expr``. Each node becomes an index-form SymPy
expression with its free indices and their sizes, so a user module is derived exactly like a
catalog module.

Grammar: numbers, names (inputs and parameters), ``+ - * / **``, unary ``-``/``+``, ``@``, ``.T``,
``where(a <op> b, x, y)`` and the functions of :data:`FUNCTIONS`.
"""
from __future__ import annotations

import ast
import itertools
import keyword
import math
from fractions import Fraction
from dataclasses import dataclass

import sympy as sp

from .spec import Module, Param, Tensor, indices, size

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_DEPTH = 60

_INDEX_POOL = "i j k l p q r s t u v".split()


class ExpressionError(ValueError):
    """A user expression that is not in the language, with its column (1-based) if known."""

    def __init__(self, message: str, column: int | None = None):
        self.column = column
        super().__init__(f"{message} (column {column})" if column else message)


def _relu(a):
    return sp.Piecewise((a, a >= 0), (0, True))


FUNCTIONS = {
    "exp": (1, sp.exp),
    "log": (1, sp.log),
    "sqrt": (1, sp.sqrt),
    "abs": (1, sp.Abs),
    "tanh": (1, sp.tanh),
    "sigmoid": (1, lambda a: 1 / (1 + sp.exp(-a))),
    "relu": (1, _relu),
    "softplus": (1, lambda a: sp.log(1 + sp.exp(a))),
    "maximum": (2, lambda a, b: sp.Piecewise((a, a > b), (b, True))),
    "minimum": (2, lambda a, b: sp.Piecewise((a, a < b), (b, True))),
}
REDUCTIONS = ("sum", "mean")
_COMPARE = {ast.Gt: sp.StrictGreaterThan, ast.GtE: sp.GreaterThan,
            ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan}
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@"}


@dataclass(frozen=True)
class Term:
    """An index-form expression: ``expr`` with free ``idx`` ranging over sizes ``dims``."""

    expr: sp.Expr
    idx: tuple = ()
    dims: tuple = ()


class _Builder:
    def __init__(self, shapes: dict[str, tuple[str, ...]], params: dict[str, float], elementwise: bool):
        self.shapes, self.params, self.elementwise = shapes, params, elementwise
        self.counter = itertools.count()
        self.reserved = set(shapes) | set(params) | {d for dims in shapes.values() for d in dims}

    def fresh(self) -> sp.Symbol:
        while True:
            n = next(self.counter)
            name = _INDEX_POOL[n] if n < len(_INDEX_POOL) else f"i{n}"
            if name not in self.reserved:
                return sp.Symbol(name, integer=True)

    def error(self, node, message):
        raise ExpressionError(message, getattr(node, "col_offset", -1) + 1)

    # -- nodes ----------------------------------------------------------------------------------
    def build(self, node) -> Term:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            self.error(node, f"{_describe(node)} is not allowed")
        return method(node)

    def _Expression(self, node):
        return self.build(node.body)

    def _Constant(self, node):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            self.error(node, f"constant {v!r} is not allowed (numbers only)")
        if isinstance(v, int):
            return Term(sp.Integer(v))
        exact = Fraction(repr(v))  # the decimal the user wrote: 0.1 -> 1/10
        return Term(sp.Rational(exact.numerator, exact.denominator))

    def _Name(self, node):
        name = node.id
        if name.startswith("_"):
            self.error(node, f"name '{name}' is not allowed")
        if name in self.params:
            return Term(sp.Symbol(name, real=True))
        if name in self.shapes:
            dims = self.shapes[name]
            idx = tuple(self.fresh() for _ in dims)
            base = sp.IndexedBase(name, real=True)
            return Term(base[idx] if idx else sp.Symbol(name, real=True), idx, dims)
        if name in FUNCTIONS or name in REDUCTIONS or name == "where":
            self.error(node, f"function '{name}' must be called")
        known = ", ".join(sorted(self.shapes) + sorted(self.params)) or "none"
        self.error(node, f"unknown name '{name}' (known: {known})")

    def _UnaryOp(self, node):
        t = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return Term(-t.expr, t.idx, t.dims)
        if isinstance(node.op, ast.UAdd):
            return t
        self.error(node, f"operator {type(node.op).__name__} is not allowed")

    def _BinOp(self, node):
        op = _BINOPS.get(type(node.op))
        if op is None:
            self.error(node, f"operator {type(node.op).__name__} is not allowed")
        a, b = self.build(node.left), self.build(node.right)
        if op == "@":
            return self.matmul(node, a, b)
        (ea, eb), idx, dims = self.broadcast(node, a, b)
        value = {"+": lambda: ea + eb, "-": lambda: ea - eb, "*": lambda: ea * eb,
                 "/": lambda: ea / eb, "**": lambda: ea ** eb}[op]()
        return Term(value, idx, dims)

    def _Attribute(self, node):
        if node.attr != "T":
            self.error(node, f"attribute '.{node.attr}' is not allowed (only .T)")
        if self.elementwise:
            self.error(node, ".T is not allowed in an elementwise expression")
        t = self.build(node.value)
        if len(t.idx) > 2:
            self.error(node, ".T needs a vector or a matrix")
        return Term(t.expr, t.idx[::-1], t.dims[::-1])

    def _Call(self, node):
        if not isinstance(node.func, ast.Name):
            self.error(node, f"calling {_describe(node.func)} is not allowed (only named functions)")
        name = node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self.error(node, f"{name}() takes positional arguments only")
        if name == "where":
            return self.where(node)
        if name in REDUCTIONS:
            return self.reduce(node, name)
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS) + list(REDUCTIONS) + ["where"])
            self.error(node, f"function '{name}' is not allowed (allowed: {allowed})")
        arity, fn = FUNCTIONS[name]
        if len(node.args) != arity:
            self.error(node, f"{name}() takes {arity} argument{'s' * (arity > 1)}")
        terms = [self.build(a) for a in node.args]
        if arity == 1:
            t = terms[0]
            return Term(fn(t.expr), t.idx, t.dims)
        (ea, eb), idx, dims = self.broadcast(node, *terms)
        return Term(fn(ea, eb), idx, dims)

    def _Compare(self, node):
        self.error(node, "comparisons are only allowed as the first argument of where()")

    # -- composite forms --------------------------------------------------------------------------
    def where(self, node):
        if len(node.args) != 3:
            self.error(node, "where() takes 3 arguments: where(a > b, x, y)")
        cond = node.args[0]
        if not isinstance(cond, ast.Compare) or len(cond.ops) != 1 or type(cond.ops[0]) not in _COMPARE:
            self.error(cond, "where()'s first argument must be one comparison a < b, a <= b, a > b or a >= b")
        lhs, rhs = self.build(cond.left), self.build(cond.comparators[0])
        a, b = self.build(node.args[1]), self.build(node.args[2])
        (el, er, ea, eb), idx, dims = self.broadcast(node, lhs, rhs, a, b)
        rel = _COMPARE[type(cond.ops[0])](el, er)
        return Term(sp.Piecewise((ea, rel), (eb, True)), idx, dims)

    def reduce(self, node, name):
        if len(node.args) != 1:
            self.error(node, f"{name}() takes 1 argument")
        if self.elementwise:
            self.error(node, f"{name}() is not allowed in an elementwise expression")
        t = self.build(node.args[0])
        if not t.idx:
            return t
        total = sp.Sum(t.expr, *[(i, 0, size(d) - 1) for i, d in zip(t.idx, t.dims)])
        if name == "mean":
            total = total / sp.Mul(*[size(d) for d in t.dims])
        return Term(total)

    def matmul(self, node, a: Term, b: Term):
        if self.elementwise:
            self.error(node, "@ is not allowed in an elementwise expression")
        if not a.idx or not b.idx or len(a.idx) > 2 or len(b.idx) > 2:
            self.error(node, "@ needs vectors or matrices on both sides")
        if a.dims[-1] != b.dims[0]:
            self.error(node, f"shape mismatch in @: {_shape(a.dims)} @ {_shape(b.dims)}")
        k = self.fresh()
        ea = a.expr.xreplace({a.idx[-1]: k})
        eb = b.expr.xreplace({b.idx[0]: k})
        total = sp.Sum(ea * eb, (k, 0, size(a.dims[-1]) - 1))
        return Term(total, a.idx[:-1] + b.idx[1:], a.dims[:-1] + b.dims[1:])

    def broadcast(self, node, *terms: Term):
        """Numpy broadcasting over named sizes: trailing axes align and must be the same size."""
        rank = max(len(t.idx) for t in terms)
        ref = max(terms, key=lambda t: len(t.idx))
        idx, dims = list(ref.idx), list(ref.dims)
        exprs = []
        for t in terms:
            offset = rank - len(t.idx)
            reps = {}
            for p, (i, d) in enumerate(zip(t.idx, t.dims)):
                if dims[offset + p] != d:
                    self.error(node, f"shape mismatch: {_shape(ref.dims)} and {_shape(t.dims)}")
                reps[i] = idx[offset + p]
            exprs.append(t.expr.xreplace(reps))
        return exprs, tuple(idx), tuple(dims)


def _shape(dims) -> str:
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _describe(node) -> str:
    kinds = {"Lambda": "a lambda", "Subscript": "a subscript", "Attribute": "an attribute",
             "Call": "this call", "Starred": "*args", "BoolOp": "and/or", "IfExp": "if-else",
             "List": "a list", "Tuple": "a tuple", "Dict": "a dict", "Set": "a set",
             "JoinedStr": "an f-string", "NamedExpr": ":=", "Compare": "a comparison"}
    return kinds.get(type(node).__name__, f"'{type(node).__name__}'")


def parse(text: str, shapes: dict[str, tuple[str, ...]], params: dict[str, float],
          elementwise: bool) -> Term:
    """Parse ``text`` into a :class:`Term`; raise :class:`ExpressionError` for anything else."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be a string")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression too long ({len(text)} characters, at most {MAX_LENGTH})")
    if not text.strip():
        raise ExpressionError("empty expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error: {exc.msg}", exc.offset) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"expression too large ({len(nodes)} nodes, at most {MAX_NODES})")
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"expression nested too deeply (at most {MAX_DEPTH} levels)")
    term = _Builder(shapes, params, elementwise).build(tree)
    if any(term.expr.has(v) for v in (sp.zoo, sp.oo, -sp.oo, sp.nan)):
        raise ExpressionError(f"the expression is not finite: it evaluates to {sp.sstr(term.expr)} "
                              "(a division by zero, or the log of zero?)")
    return term


def _depth(node, level=0) -> int:
    children = list(ast.iter_child_nodes(node))
    return level if not children else max(_depth(c, level + 1) for c in children)


RESERVED = frozenset({"where", "out", "dout", "cache", "np", "tuple", "range", "float", "sum", "mean"}
                     | set(FUNCTIONS) | set(keyword.kwlist))


def _check_name(kind: str, name: str):
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise ExpressionError(f"invalid {kind} name {name!r}: use a Python identifier without a leading _")
    if name in RESERVED:
        raise ExpressionError(f"invalid {kind} name {name!r}: it is reserved")


def _positive_inputs(expr: sp.Expr) -> set[str]:
    """Inputs used directly inside ``log``/``sqrt``: sampled from a positive interval."""
    found = set()
    for f in expr.atoms(sp.log) | {p for p in expr.atoms(sp.Pow) if p.exp == sp.Rational(1, 2)}:
        arg = f.args[0] if isinstance(f, sp.log) else f.base
        if isinstance(arg, sp.Indexed):
            found.add(str(arg.base.label))
        elif isinstance(arg, sp.Symbol):
            found.add(arg.name)
    return found


def _tensors(shapes, expr, domains) -> tuple[Tensor, ...]:
    positive = _positive_inputs(expr)
    out = []
    for name, dims in shapes.items():
        low, high = domains.get(name, (0.5, 2.0) if name in positive else (-2.0, 2.0))
        out.append(Tensor(name, tuple(dims), low=float(low), high=float(high)))
    return tuple(out)


def _params(params: dict) -> tuple[Param, ...]:
    out = []
    for name, value in (params or {}).items():
        _check_name("parameter", name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ExpressionError(f"parameter {name} must be a finite number, got {value!r}")
        out.append(Param(name, float(value)))
    return tuple(out)


def elementwise(name: str, text: str, params: dict | None = None, domain=None) -> Module:
    """A module applying a scalar function of ``x`` to arrays of any shape."""
    _check_name("module", name)
    params = dict(params or {})
    if "x" in params:
        raise ExpressionError("'x' is the input; a parameter cannot be called x")
    term = parse(text, {"x": ("N",)}, params, elementwise=True)
    i = indices("i")[0]
    forward = term.expr.xreplace({term.idx[0]: i}) if term.idx else term.expr
    if not term.idx:
        raise ExpressionError("the expression does not use x")
    domains = {"x": domain} if domain else {}
    return Module(name, name, _tensors({"x": ("N",)}, forward, domains), ("N",), (i,), forward,
                  params=_params(params), elementwise=True, source=text)


def module(name: str, text: str, shapes: dict, params: dict | None = None, domains=None) -> Module:
    """A module over named inputs with symbolic shapes, e.g. ``{"W": ("m", "n"), "x": ("n",)}``."""
    _check_name("module", name)
    if not isinstance(shapes, dict) or not shapes:
        raise ExpressionError("shapes must name at least one input")
    clean = {}
    for var, dims in shapes.items():
        _check_name("input", var)
        dims = (dims,) if isinstance(dims, str) else tuple(dims)
        for d in dims:
            if not isinstance(d, str) or not d.isidentifier() or d.startswith("_"):
                raise ExpressionError(f"bad size name {d!r} for {var}: sizes are names like n, m")
        if not dims:
            raise ExpressionError(f"input {var} has no axes: pass a scalar as a parameter instead")
        clean[var] = dims
    params = dict(params or {})
    for p in params:
        if p in clean:
            raise ExpressionError(f"{p} is both an input and a parameter")
    term = parse(text, clean, params, elementwise=False)
    used = {str(b.label) for b in term.expr.atoms(sp.IndexedBase)}
    unused = [v for v in clean if v not in used]
    if unused:
        raise ExpressionError(f"input {unused[0]} is not used in the expression")
    taken = {s.name for s in term.expr.atoms(sp.Symbol)} - {i.name for i in term.idx}
    names = [n for n in "i j a b".split() + [f"o{k}" for k in range(8)] if n not in taken]
    out_idx = indices(" ".join(names[:len(term.idx)])) if term.idx else ()
    forward = term.expr.xreplace(dict(zip(term.idx, out_idx)))
    return Module(name, name, _tensors(clean, forward, domains or {}), term.dims, tuple(out_idx),
                  forward, params=_params(params), source=text)
