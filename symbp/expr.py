"""expr: the safe expression language behind ``symbp.elementwise`` and ``symbp.module``.

User text is parsed with :mod:`ast` and walked against a whitelist; it is never given to
``eval``, ``exec``, ``sympify`` or ``parse_expr``. Each node becomes an index-form SymPy
expression with its free indices and their sizes, so a user module is derived exactly like a
catalog module.

Grammar: numbers, names (inputs, parameters and, in a module, sizes), ``+ - * / **``, unary
``-``/``+``, ``@`` (numpy's matmul, leading batch dimensions broadcast), ``.T`` (all axes reversed),
``where(a <op> b, x, y)``, the functions of :data:`FUNCTIONS`, the reductions ``sum``/``mean``
(``axis=`` an int or a tuple, ``keepdims=``), ``softmax``/``log_softmax``/``logsumexp`` (``axis=-1``
by default) and ``einsum("ij,j->i", A, x)``.

Numbers are checked as they are built: a complex, infinite or undefined constant and an exponent
too large to evaluate are refused before SymPy evaluates anything big. Float literals stay
``Float`` (printed as written: ``1.702``, not ``851/500``).
"""
from __future__ import annotations

import ast
import itertools
import keyword
import math
from dataclasses import dataclass

import sympy as sp

from .names import RESERVED as INTERNAL_NAMES
from .spec import Module, Param, Tensor, indices, size

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_DEPTH = 60
MAX_TREE_DEPTH = 80         # levels of the built SymPy expression: SymPy's recursive walks
                            # (free_symbols, diff) overflow Python's stack near 110 (sigmoid**27)
MAX_EXPONENT = 100          # |p| of a numeric exponent: (x + 1)**100000 is refused
MAX_CONSTANT = 1e300        # |c| of a numeric constant (float64 must hold it)
KEPT = "1"                  # the size of an axis kept by keepdims=True (broadcasts like numpy)

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
    "erf": (1, sp.erf),
    "sigmoid": (1, lambda a: 1 / (1 + sp.exp(-a))),
    "relu": (1, _relu),
    "softplus": (1, lambda a: sp.log(1 + sp.exp(a))),
    "maximum": (2, lambda a, b: sp.Piecewise((a, a > b), (b, True))),
    "minimum": (2, lambda a, b: sp.Piecewise((a, a < b), (b, True))),
}
REDUCTIONS = ("sum", "mean")
ALONG_AXIS = ("softmax", "log_softmax", "logsumexp")  # axis=-1 unless told
SPECIAL = ("where", "einsum")
_COMPARE = {ast.Gt: sp.StrictGreaterThan, ast.GtE: sp.GreaterThan,
            ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan}
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@"}

# numpy source of erf (numpy has none): a series of positive terms below 3, a continued fraction
# for erfc above; float32 in gives float32 out. Shipped next to the generated functions.
ERF_HELPER = '''def _erf(x):
    """The error function, numpy only (series of positive terms; continued fraction for erfc)."""
    a = np.abs(x)
    s = np.minimum(a, 3.0)
    term = s * 1.0
    total = s * 1.0
    for n in range(1, 70):
        term = term * (2.0 * s * s) / (2 * n + 1)
        total = total + term
    small = 1.1283791670955126 * np.exp(-s * s) * total
    b = np.maximum(a, 3.0)
    frac = b * 1.0
    for k in range(60, 0, -1):
        frac = b + (0.5 * k) / frac
    large = 1.0 - 0.5641895835477563 * np.exp(-b * b) / frac
    return np.sign(x) * np.where(a < 3.0, small, large)
'''


@dataclass(frozen=True)
class Term:
    """An index-form expression: ``expr`` with free ``idx`` ranging over sizes ``dims``.

    A ``dims`` entry :data:`KEPT` is an axis of size 1 (``keepdims=True``): ``expr`` does not use
    its index, and it broadcasts against any size.
    """

    expr: sp.Expr
    idx: tuple = ()
    dims: tuple = ()


def _axis_list(value, rank: int):
    """``axis=`` normalised to sorted non-negative axes; ``None`` for a bad value."""
    items = value if isinstance(value, tuple) else (value,)
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, int) or not -rank <= a < rank:
            return None
        out.append(a % rank)
    return tuple(sorted(out)) if len(set(out)) == len(out) else None


class _Builder:
    def __init__(self, shapes: dict[str, tuple[str, ...]], params: dict[str, float], elementwise: bool):
        self.shapes, self.params, self.elementwise = shapes, params, elementwise
        self.counter = itertools.count()
        self.sizes = set() if elementwise else {d for dims in shapes.values() for d in dims}
        self.reserved = set(shapes) | set(params) | {d for dims in shapes.values() for d in dims}
        self.uses_erf = False

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
        term = method(node)
        self.check_constants(node, term.expr)
        return term

    def check_constants(self, node, expr):
        """Refuse complex, infinite and undefined values and constants float64 cannot hold."""
        if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
            self.error(node, f"'{_source(node)}' is infinite or undefined (a division by zero?)")
        if expr.has(sp.I):
            self.error(node, f"'{_source(node)}' is complex (only real values are allowed)")
        if not expr.is_number:
            return
        if expr.is_Integer:
            if expr.p.bit_length() > 996:
                self.error(node, f"constant '{_source(node)}' is too large")
            return
        value = expr.evalf(20)
        if value.has(sp.I) or not value.is_extended_real:
            self.error(node, f"'{_source(node)}' is complex (only real values are allowed)")
        if not value.is_finite or abs(value) > MAX_CONSTANT:
            self.error(node, f"constant '{_source(node)}' is too large")

    def _Expression(self, node):
        term = self.build(node.body)
        if tree_depth(term.expr) > MAX_TREE_DEPTH:
            raise ExpressionError(f"expression nested too deeply to derive: more than "
                                  f"{MAX_TREE_DEPTH} levels once written out (sigmoid(a) = "
                                  f"1/(1 + exp(-a)) takes 4)")
        return term

    def _Constant(self, node):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            self.error(node, f"constant {v!r} is not allowed (numbers only)")
        if isinstance(v, int):
            return Term(sp.Integer(v))
        if v.is_integer() and abs(v) < 2 ** 53:
            return Term(sp.Integer(int(v)))
        return Term(sp.Float(repr(v)))  # as written: 1.702 stays 1.702

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
        if name in self.sizes:
            return Term(size(name))
        if name in FUNCTIONS or name in REDUCTIONS or name in ALONG_AXIS or name in SPECIAL:
            self.error(node, f"function '{name}' must be called")
        known = ", ".join(dict.fromkeys(sorted(self.shapes) + sorted(self.params)
                                        + sorted(self.sizes))) or "none"
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
        if op == "**":
            self.check_power(node, ea, eb)
        value = {"+": lambda: ea + eb, "-": lambda: ea - eb, "*": lambda: ea * eb,
                 "/": lambda: ea / eb, "**": lambda: ea ** eb}[op]()
        return Term(value, idx, dims)

    def check_power(self, node, base, exponent):
        """Before SymPy evaluates ``base ** exponent``: no huge exponent, no complex power."""
        if exponent.is_number and abs(exponent.evalf(20)) > MAX_EXPONENT:
            self.error(node, f"exponent of '{_source(node)}' is too large (at most {MAX_EXPONENT})")
        if base.is_number and base.is_zero and not exponent.is_number:
            self.error(node, f"'{_source(node)}': a power of 0 is 0, 1 or infinite by its exponent's "
                             "sign and has no derivative in it")
        if base.is_number and base.is_negative and not exponent.is_integer:
            self.error(node, f"'{_source(node)}': a negative number to a non-integer power is complex")
        if base.is_number and exponent.is_number and base != 0:
            magnitude = float(exponent.evalf(20)) * math.log10(abs(float(base.evalf(20))))
            if magnitude > math.log10(MAX_CONSTANT):
                self.error(node, f"constant '{_source(node)}' is too large")

    def _Attribute(self, node):
        if node.attr != "T":
            self.error(node, f"attribute '.{node.attr}' is not allowed (only .T)")
        if self.elementwise:
            self.error(node, ".T is not allowed in an elementwise expression")
        t = self.build(node.value)
        return Term(t.expr, t.idx[::-1], t.dims[::-1])  # numpy: every axis reversed

    def _Call(self, node):
        if not isinstance(node.func, ast.Name):
            self.error(node, f"calling {_describe(node.func)} is not allowed (only named functions)")
        name = node.func.id
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self.error(node, f"{name}() takes no *args or **kwargs")
        if name == "where":
            return self.where(node)
        if name == "einsum":
            return self.einsum(node)
        if name in REDUCTIONS:
            return self.reduce(node, name)
        if name in ALONG_AXIS:
            return self.along_axis(node, name)
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS) + list(REDUCTIONS) + list(ALONG_AXIS) + list(SPECIAL))
            self.error(node, f"function '{name}' is not allowed (allowed: {allowed})")
        if node.keywords:
            self.error(node, f"{name}() takes positional arguments only")
        arity, fn = FUNCTIONS[name]
        if len(node.args) != arity:
            self.error(node, f"{name}() takes {arity} argument{'s' * (arity > 1)}")
        terms = [self.build(a) for a in node.args]
        self.uses_erf |= name == "erf"
        if arity == 1:
            t = terms[0]
            if name == "exp" and t.expr.is_number and t.expr.evalf(20) > 700:
                self.error(node, f"'{_source(node)}' overflows")
            return Term(fn(t.expr), t.idx, t.dims)
        (ea, eb), idx, dims = self.broadcast(node, *terms)
        return Term(fn(ea, eb), idx, dims)

    def _Compare(self, node):
        self.error(node, "comparisons are only allowed as the first argument of where()")

    # -- keyword arguments ------------------------------------------------------------------------
    def options(self, node, name, allowed: dict) -> dict:
        """``axis=``/``keepdims=`` values: integer constants, tuples of them, True/False."""
        out = dict(allowed)
        for kw in node.keywords:
            if kw.arg not in allowed:
                self.error(node, f"{name}() has no keyword '{kw.arg}' (allowed: {', '.join(allowed)})")
            value = _literal(kw.value)
            if kw.arg == "keepdims" and not isinstance(value, bool):
                self.error(kw.value, f"{name}(): keepdims must be True or False")
            if kw.arg == "axis" and not (value is None or _is_axis(value)):
                self.error(kw.value, f"{name}(): axis must be an integer or a tuple of integers")
            out[kw.arg] = value
        return out

    def axes(self, node, name, t: Term, axis) -> tuple:
        if not t.idx:
            self.error(node, f"{name}() needs an array, not a scalar")
        if axis is None:
            return tuple(range(len(t.idx)))
        axes = _axis_list(axis, len(t.idx))
        if axes is None:
            self.error(node, f"{name}(): bad axis {axis!r} for an array of {len(t.idx)} axes")
        return axes

    # -- composite forms --------------------------------------------------------------------------
    def where(self, node):
        if node.keywords or len(node.args) != 3:
            self.error(node, "where() takes 3 arguments: where(a > b, x, y)")
        cond = node.args[0]
        if not isinstance(cond, ast.Compare) or len(cond.ops) != 1 or type(cond.ops[0]) not in _COMPARE:
            self.error(cond, "where()'s first argument must be one comparison a < b, a <= b, a > b or a >= b")
        lhs, rhs = self.build(cond.left), self.build(cond.comparators[0])
        a, b = self.build(node.args[1]), self.build(node.args[2])
        (el, er, ea, eb), idx, dims = self.broadcast(node, lhs, rhs, a, b)
        try:
            rel = _COMPARE[type(cond.ops[0])](el, er)
            if rel in (sp.true, sp.false):
                return Term(ea if rel else eb, idx, dims)
            return Term(sp.Piecewise((ea, rel), (eb, True)), idx, dims)
        except TypeError:  # SymPy: "Invalid comparison of non-real I*pi" in one branch
            self.error(cond, "where()'s comparison is not between real values everywhere "
                             "(the log or square root of a negative number somewhere?)")

    def _reduce_axes(self, t: Term, axes, keepdims: bool):
        """``(limits, idx, dims)``: sums over ``axes`` (kept axes of size 1 need none)."""
        limits = tuple((t.idx[a], 0, size(t.dims[a]) - 1) for a in axes if t.dims[a] != KEPT)
        if keepdims:
            idx = tuple(self.fresh() if a in axes else i for a, i in enumerate(t.idx))
            dims = tuple(KEPT if a in axes else d for a, d in enumerate(t.dims))
        else:
            idx = tuple(i for a, i in enumerate(t.idx) if a not in axes)
            dims = tuple(d for a, d in enumerate(t.dims) if a not in axes)
        return limits, idx, dims

    def _axis_call(self, node, name, allowed: dict) -> dict:
        """The checks every ``f(e, axis=…)`` shares; its options with their defaults."""
        if self.elementwise:
            self.error(node, f"{name}() is not allowed in an elementwise expression")
        if len(node.args) != 1:
            extra = "axis=, keepdims=" if "keepdims" in allowed else "axis="
            self.error(node, f"{name}() takes 1 argument (and {extra})")
        return self.options(node, name, allowed)

    def reduce(self, node, name):
        opts = self._axis_call(node, name, {"axis": None, "keepdims": False})
        t = self.build(node.args[0])
        if not t.idx:
            if opts["axis"] is not None:
                self.error(node, f"{name}(): a scalar has no axis {opts['axis']!r}")
            return t
        axes = self.axes(node, name, t, opts["axis"])
        limits, idx, dims = self._reduce_axes(t, axes, opts["keepdims"])
        total = sp.Sum(t.expr, *limits) if limits else t.expr
        if name == "mean" and limits:
            total = total / sp.Mul(*[hi + 1 for _, _, hi in limits])
        return Term(total, idx, dims)

    def along_axis(self, node, name):
        """softmax, log_softmax, logsumexp over ``axis`` (default the last)."""
        allowed = {"axis": -1, "keepdims": False} if name == "logsumexp" else {"axis": -1}
        opts = self._axis_call(node, name, allowed)
        t = self.build(node.args[0])
        axes = self.axes(node, name, t, opts["axis"])
        bound = {t.idx[a]: self.fresh() for a in axes if t.dims[a] != KEPT}
        moved = t.expr.xreplace(bound)
        limits = tuple((bound[t.idx[a]], 0, size(t.dims[a]) - 1) for a in axes if t.idx[a] in bound)
        total = sp.Sum(sp.exp(moved), *limits) if limits else sp.exp(moved)
        if name == "softmax":
            return Term(sp.exp(t.expr) / total, t.idx, t.dims)
        if name == "log_softmax":
            return Term(t.expr - sp.log(total), t.idx, t.dims)
        _, idx, dims = self._reduce_axes(t, axes, opts.get("keepdims", False))
        return Term(sp.log(total), idx, dims)

    def matmul(self, node, a: Term, b: Term):
        """numpy's matmul: a 1-D side gains and loses an axis; leading axes broadcast."""
        if self.elementwise:
            self.error(node, "@ is not allowed in an elementwise expression")
        if not a.idx or not b.idx:
            self.error(node, "@ needs arrays on both sides, not a scalar")
        kb = -1 if len(b.idx) == 1 else -2
        da, db = a.dims[-1], b.dims[kb]
        if da != db:
            self.error(node, f"shape mismatch in @: {shape_text(a.dims)} @ {shape_text(b.dims)}")
        batch_a, batch_b = a.idx[:-2], b.idx[:-2]
        reps_a, reps_b, batch, batch_dims = self.unify(node, [(batch_a, a.dims[:-2]), (batch_b, b.dims[:-2])],
                                                       a, b)
        k = self.fresh()
        ea = a.expr.xreplace({**reps_a, a.idx[-1]: k})
        eb = b.expr.xreplace({**reps_b, b.idx[kb]: k})
        total = sp.Sum(ea * eb, (k, 0, size(da) - 1)) if da != KEPT else ea * eb
        rows = ((a.idx[-2],), (a.dims[-2],)) if len(a.idx) > 1 else ((), ())
        cols = ((b.idx[-1],), (b.dims[-1],)) if len(b.idx) > 1 else ((), ())
        return Term(total, batch + rows[0] + cols[0], batch_dims + rows[1] + cols[1])

    def einsum(self, node):
        if self.elementwise:
            self.error(node, "einsum() is not allowed in an elementwise expression")
        if node.keywords or not node.args or not isinstance(node.args[0], ast.Constant) \
                or not isinstance(node.args[0].value, str):
            self.error(node, 'einsum() takes a subscript string first: einsum("ij,j->i", A, x)')
        spec = node.args[0].value.replace(" ", "")
        terms = [self.build(a) for a in node.args[1:]]
        ins, arrow, out = spec.partition("->")
        operands = ins.split(",")
        if len(operands) != len(terms) or not terms:
            self.error(node, f"einsum(): '{spec}' names {len(operands)} operands, got {len(terms)}")
        letters: dict = {}
        factors = []
        for letters_of, t in zip(operands, terms):
            if not (letters_of.isascii() and letters_of.isalpha() or letters_of == "") \
                    or len(letters_of) != len(t.idx):
                self.error(node, f"einsum(): '{letters_of}' does not fit an operand of shape {shape_text(t.dims)} "
                                 "(letters only, one per axis, no '...')")
            if len(set(letters_of)) != len(letters_of):
                self.error(node, f"einsum(): a letter repeated in '{letters_of}' (a diagonal) is not supported")
            reps = {}
            for ch, i, d in zip(letters_of, t.idx, t.dims):
                if ch not in letters:
                    letters[ch] = (self.fresh(), d)
                sym, dim = letters[ch]
                if dim != d:
                    self.error(node, f"einsum(): '{ch}' is {dim} in one operand and {d} in another")
                reps[i] = sym
            factors.append(t.expr.xreplace(reps))
        every = "".join(operands)
        if arrow:
            if not (out.isascii() and out.isalpha() or out == "") or len(set(out)) != len(out) \
                    or any(ch not in letters for ch in out):
                self.error(node, f"einsum(): bad output '{out}' in '{spec}'")
        else:
            out = "".join(sorted(ch for ch in letters if every.count(ch) == 1))
        summed = [ch for ch in letters if ch not in out and letters[ch][1] != KEPT]
        body = sp.Mul(*factors)
        limits = tuple((letters[ch][0], 0, size(letters[ch][1]) - 1) for ch in summed)
        total = sp.Sum(body, *limits) if limits else body
        return Term(total, tuple(letters[ch][0] for ch in out), tuple(letters[ch][1] for ch in out))

    # -- broadcasting -----------------------------------------------------------------------------
    def unify(self, node, parts, *whole):
        """Broadcast the axes of ``parts`` (``(idx, dims)`` pairs, right-aligned) like numpy:
        ``(reps_0, reps_1, …, idx, dims)``."""
        rank = max((len(i) for i, _ in parts), default=0)
        idx, dims = [None] * rank, [KEPT] * rank
        for p_idx, p_dims in parts:
            offset = rank - len(p_idx)
            for p, (i, d) in enumerate(zip(p_idx, p_dims)):
                q = offset + p
                if d == KEPT:
                    idx[q] = idx[q] if idx[q] is not None else i
                elif dims[q] in (KEPT, d):
                    if dims[q] == KEPT:
                        idx[q] = i
                    dims[q] = d
                else:
                    shapes = " and ".join(shape_text(t.dims) for t in whole) or \
                        " and ".join(shape_text(d) for _, d in parts)
                    self.error(node, f"shape mismatch: {shapes}")
        reps = []
        for p_idx, _ in parts:
            offset = rank - len(p_idx)
            reps.append({i: idx[offset + p] for p, i in enumerate(p_idx) if i != idx[offset + p]})
        return (*reps, tuple(idx), tuple(dims))

    def broadcast(self, node, *terms: Term):
        """Numpy broadcasting over named sizes: trailing axes align and must be the same size
        (or kept, of size 1)."""
        *reps, idx, dims = self.unify(node, [(t.idx, t.dims) for t in terms], *terms)
        return [t.expr.xreplace(r) for t, r in zip(terms, reps)], idx, dims


def _literal(node):
    """An ``axis``/``keepdims`` value: an int (signed), a tuple of them, True/False, None."""
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (bool, int))):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
            and isinstance(node.operand, ast.Constant) and type(node.operand.value) is int:
        return -node.operand.value
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e) for e in node.elts)
    return _Unparsed


class _Unparsed:
    """A keyword value that is not a literal."""


def _is_axis(value) -> bool:
    items = value if isinstance(value, tuple) else (value,)
    return bool(items) and all(type(a) is int for a in items)


def shape_text(dims) -> str:
    """A shape as numpy prints it: ``(B, n)``, ``(n,)``."""
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _source(node) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every node the builder accepts
        text = type(node).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(node) -> str:
    kinds = {"Lambda": "a lambda", "Subscript": "a subscript", "Attribute": "an attribute",
             "Call": "this call", "Starred": "*args", "BoolOp": "and/or", "IfExp": "if-else",
             "List": "a list", "Tuple": "a tuple", "Dict": "a dict", "Set": "a set",
             "JoinedStr": "an f-string", "NamedExpr": ":=", "Compare": "a comparison"}
    return kinds.get(type(node).__name__, f"'{type(node).__name__}'")


def _check_text(text) -> str:
    if not isinstance(text, str):
        raise ExpressionError("the expression must be a string")
    bad = next((k for k, ch in enumerate(text) if 0xD800 <= ord(ch) <= 0xDFFF or ch == "\x00"), None)
    if bad is not None:
        raise ExpressionError(f"the expression is not valid text (character {bad + 1} is "
                              f"{text[bad].encode('utf-8', 'surrogatepass')!r})")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression too long ({len(text)} characters, at most {MAX_LENGTH})")
    if not text.strip():
        raise ExpressionError("empty expression")
    return text.strip()


def parse(text: str, shapes: dict[str, tuple[str, ...]], params: dict[str, float],
          elementwise: bool) -> Term:
    """Parse ``text`` into a :class:`Term`; raise :class:`ExpressionError` for anything else."""
    return _parse(text, shapes, params, elementwise)[0]


def syntax_tree(text) -> ast.Expression:
    """``text`` parsed by :mod:`ast` under the language's limits (valid text, length, nodes,
    depth); never evaluated."""
    text = _check_text(text)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error: {exc.msg}", exc.offset) from None
    except (ValueError, MemoryError, RecursionError) as exc:
        raise ExpressionError(f"syntax error: {exc}") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"expression too large ({len(nodes)} nodes, at most {MAX_NODES})")
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"expression nested too deeply (at most {MAX_DEPTH} levels)")
    return tree


def _parse(text, shapes, params, elementwise) -> tuple[Term, _Builder]:
    tree = syntax_tree(text)
    builder = _Builder(shapes, params, elementwise)
    return builder.build(tree), builder


def tree_depth(expr: sp.Basic, stop: int = MAX_TREE_DEPTH + 1) -> int:
    """The number of levels of a SymPy expression (a leaf is 1; at most ``stop`` counted), one
    level at a time without recursion: a shared subexpression is walked once per level."""
    depth, level = 0, {expr}
    while level and depth < stop:
        depth += 1
        level = {a for e in level for a in e.args}
    return depth


def _depth(node, level=0) -> int:
    children = list(ast.iter_child_nodes(node))
    return level if not children else max(_depth(c, level + 1) for c in children)


# names the generated code, the index printer or the language itself use
RESERVED = frozenset({"where", "einsum", "out", "dout", "cache", "np", "needs", "tuple", "range",
                      "float", "sum", "mean"}
                     | set(FUNCTIONS) | set(ALONG_AXIS) | set(keyword.kwlist)
                     | {r.code for r in INTERNAL_NAMES} | {r.text for r in INTERNAL_NAMES})


def _shown(name: str) -> str:
    """``name`` as typed, only characters that do not print escaped (``é`` stays, ``\\x00`` does not)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def _check_name(kind: str, name: str):
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii() or name.startswith("_"):
        shown = _shown(name) if isinstance(name, str) else repr(name)
        raise ExpressionError(f"invalid {kind} name '{shown}': use an ASCII identifier without a leading _")
    if name in (keyword.kwlist if kind == "module" else RESERVED):  # a module names functions only
        raise ExpressionError(f"invalid {kind} name {name!r}: it is reserved")


def _check_clashes(inputs, sizes, params):
    """Inputs, sizes and parameters share one namespace in the generated code: no name twice,
    and none that the generated code derives from an input (``dx``, ``x_max``, ``x_shift``)."""
    owner: dict = {}
    for kind, names in (("input", inputs), ("size", sizes), ("parameter", params)):
        for name in names:
            if name in owner:
                raise ExpressionError(f"'{name}' is both {_a(owner[name])} and {_a(kind)}")
            owner[name] = kind
    for x in inputs:
        for derived in (f"d{x}", f"{x}_max", f"{x}_shift"):
            if derived in owner:
                raise ExpressionError(f"{owner[derived]} name '{derived}' clashes with the generated "
                                      f"code's name for input {x}")


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _positive_inputs(expr: sp.Expr) -> set[str]:
    """Inputs used directly inside ``log``/``sqrt``/a fractional power: sampled from a positive
    interval."""
    found = set()
    args = [f.args[0] for f in expr.atoms(sp.log)]
    args += [p.base for p in expr.atoms(sp.Pow) if p.exp.is_number and not p.exp.is_integer]
    for arg in args:
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


def _check_params_used(expr: sp.Expr, params: dict):
    """Every parameter appears in the expression, as every input must."""
    used = {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    unused = [p for p in params if p not in used]
    if unused:
        raise ExpressionError(f"parameter {unused[0]} is not used in the expression")


def share_sums(expr: sp.Expr) -> sp.Expr:
    """Sums equal up to the names of their indices made identical (the first one met is kept):
    ``X @ w`` written twice is one ``Σ_p X[i, p] w[p]``, so SymPy sees equal terms as equal
    (``a - a`` cancels, ``σ`` forms match both)."""
    seen: dict = {}

    def key(s):
        names = {v: sp.Symbol(f"_bound{k}", integer=True) for k, (v, *_) in enumerate(s.limits)}
        return s.xreplace(names)
    return expr.replace(lambda e: isinstance(e, sp.Sum), lambda e: seen.setdefault(key(e), e))


def _helpers(builder: _Builder) -> str:
    return ERF_HELPER if builder.uses_erf else ""


def elementwise(name: str, text: str, params: dict | None = None, domain=None) -> Module:
    """A module applying a scalar function of ``x`` to arrays of any shape."""
    _check_name("module", name)
    params = dict(params or {})
    if "x" in params:
        raise ExpressionError("'x' is the input; a parameter cannot be called x")
    checked = _params(params)
    _check_clashes(["x"], [], list(params))
    term, builder = _parse(text, {"x": ("N",)}, params, elementwise=True)
    i = indices("i")[0]
    forward = term.expr.xreplace({term.idx[0]: i}) if term.idx else term.expr
    if not term.idx:
        raise ExpressionError("the expression does not use x")
    _check_params_used(forward, params)
    domains = {"x": domain} if domain else {}
    return Module(name, name, _tensors({"x": ("N",)}, forward, domains), ("N",), (i,), forward,
                  params=checked, elementwise=True, source=text, helpers=_helpers(builder))


def _clean_shapes(shapes) -> dict:
    if not isinstance(shapes, dict) or not shapes:
        raise ExpressionError("shapes must name at least one input")
    clean = {}
    for var, dims in shapes.items():
        _check_name("input", var)
        dims = (dims,) if isinstance(dims, str) else tuple(dims)
        for d in dims:
            if not isinstance(d, str) or not d.isidentifier() or not d.isascii() or d.startswith("_"):
                shown = _shown(d) if isinstance(d, str) else d
                raise ExpressionError(f"bad size name '{shown}' for {var}: sizes are names like n, m")
            if d in RESERVED:
                raise ExpressionError(f"invalid size name {d!r} for {var}: it is reserved")
        if not dims:
            raise ExpressionError(f"input {var} has no axes: pass a scalar as a parameter instead")
        clean[var] = dims
    return clean


def module(name: str, text: str, shapes: dict, params: dict | None = None, domains=None) -> Module:
    """A module over named inputs with symbolic shapes, e.g. ``{"W": ("m", "n"), "x": ("n",)}``."""
    _check_name("module", name)
    clean = _clean_shapes(shapes)
    params = dict(params or {})
    checked = _params(params)
    sizes = list(dict.fromkeys(d for dims in clean.values() for d in dims))
    _check_clashes(list(clean), sizes, list(params))
    term, builder = _parse(text, clean, params, elementwise=False)
    if KEPT in term.dims:
        raise ExpressionError("the result keeps an axis of size 1 (keepdims=True): "
                              "use keepdims inside the expression only")
    used = {str(b.label) for b in term.expr.atoms(sp.IndexedBase)}
    unused = [v for v in clean if v not in used]
    if unused:
        raise ExpressionError(f"input {unused[0]} is not used in the expression")
    _check_params_used(term.expr, params)
    term = Term(share_sums(term.expr), term.idx, term.dims)
    taken = {s.name for s in term.expr.atoms(sp.Symbol)} - {i.name for i in term.idx}
    taken |= set(clean) | set(sizes) | set(params)
    names = [n for n in "i j a b".split() + [f"o{k}" for k in range(8)] if n not in taken]
    out_idx = indices(" ".join(names[:len(term.idx)])) if term.idx else ()
    forward = term.expr.xreplace(dict(zip(term.idx, out_idx)))
    return Module(name, name, _tensors(clean, forward, domains or {}), term.dims, tuple(out_idx),
                  forward, params=checked, source=text, helpers=_helpers(builder))
