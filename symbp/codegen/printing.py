"""printing: array programs -> numpy source lines.

A ``NumPyPrinter`` subclass prints the elementwise parts; special cases are ``_print_X`` methods,
as in SymPy's own printers:

=====================================  =================================================
SymPy                                  numpy
=====================================  =================================================
``Piecewise((a, c), (0, True))``       ``a*(c)`` — a mask multiplied, not ``np.where``
``Sum`` over an axis (``sum``)          ``(…).sum(axis=-1, keepdims=True)``
``Piecewise((0, c), (1, True))``       ``~(c)`` (``np.logical_not(c)`` for scalars)
``Piecewise((a, c), (b, True))``       ``np.where(c, a, b)``
``Sigmoid(u)``                         ``_sigmoid(u)``: ``1/(1 + exp(-u))``, accurate in both tails
``Softplus(u)``                        ``np.logaddexp(0, u)``
``Total(u)``                           ``np.sum(u)`` (a sum over every element)
``erf(u)``                             ``_erf(u)`` (numpy has none; the module ships it)
``Guard(c, u)``                        ``np.where(c, u, 1)`` (a denominator in a branch not taken)
``Undefined()``                        ``np.nan`` (a branch where the derivative is not finite)
``log(1 + u)``                         ``np.log1p(u)``
``exp(u) - 1``                         ``np.expm1(u)``
``a >= b``                             ``(a >= b)``
=====================================  =================================================
"""
from __future__ import annotations

from dataclasses import replace

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from ..lower import ir
from ..lower.stabilize import is_mask
from ..lower.tensorize import Program
from ..names import TEXT_NAMES


SIGMOID_HELPER = '''def _sigmoid(x):
    """1 / (1 + exp(-x)), accurate in both tails (exp(-x) = inf far left gives the exact 0)."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))
'''
HELPERS = {"_sigmoid": SIGMOID_HELPER}  # numpy helpers printed code may call, shipped beside it


class ArrayPrinter(NumPyPrinter):
    """Prints elementwise SymPy expressions over array symbols as numpy (``np.`` prefix)."""

    def __init__(self, rename: dict | None = None, scalars=(), python_scalars=None):
        super().__init__({"fully_qualified_modules": True, "allow_unknown_functions": False})
        self.rename = rename or {}
        self.scalars = set(scalars)
        # names that are Python numbers at run time (parameters, sizes): a numpy function of
        # them only is a float64 numpy scalar, which widens float32 arrays (NEP 50), so it is
        # printed as float(...); None: no such wrapping
        self.python_scalars = None if python_scalars is None else set(python_scalars)
        self.inplace = True
        self.helpers_used: set[str] = set()
        self.booleans: set[str] = set()  # temporaries that hold a mask (numpy booleans)

    def _boolean(self, e) -> bool:
        """A numpy boolean array: a 0/1 mask, or a temporary holding one."""
        return is_mask(e) or (isinstance(e, sp.Symbol) and e.name in self.booleans)

    def helper_sources(self) -> tuple[tuple[str, str], ...]:
        """``(name, source)`` of each helper of :data:`HELPERS` the printed code calls."""
        return tuple((name, HELPERS[name]) for name in sorted(self.helpers_used))

    def _is_scalar(self, expr) -> bool:
        return all(s.name in self.scalars for s in expr.free_symbols)

    def _print(self, expr, **kwargs):
        if isinstance(expr, sp.Function) and expr.args and expr.is_number and expr.is_finite:
            return repr(float(expr))  # log(2): a Python float (np.log(2) is float64: it widens float32)
        text = super()._print(expr, **kwargs)
        if (self.python_scalars is not None and isinstance(expr, sp.Function) and expr.free_symbols
                and all(s.name in self.python_scalars for s in expr.free_symbols)):
            return f"float({text})"  # np.tanh(alpha): a float64 numpy scalar; float32 stays float32
        return text

    def _print_Mul(self, expr):
        """Scalar factors first and together: ``(dout/B)*a`` costs one pass over ``a``, not two.
        A negated product holding a mask is ``-1*…`` (numpy has no boolean negative)."""
        if _negative(expr) and any(self._boolean(f) for f in expr.args):
            if any(not self._boolean(f) and not f.is_Number for f in (-expr).args):
                # -(mask*x), not -1*mask*x: -1*mask is int64, which widens float32 x
                return "-(" + self._print(-expr) + ")"
            return "-1*" + self._print(-expr)
        scalars = [f for f in expr.args if self._is_scalar(f)]
        arrays = [f for f in expr.args if not self._is_scalar(f)]
        if len(scalars) < 2 and not (scalars and arrays and not scalars[0].is_Number) or not arrays:
            return super()._print_Mul(expr)
        head = sp.Mul(*scalars)
        num, den = sp.fraction(head)
        rest = self.parenthesize(sp.Mul(*arrays), sp.printing.precedence.PRECEDENCE["Mul"])
        if den != 1 and num in (1, -1) and not rest.startswith("1/"):
            # x/B: one correctly rounded division, not x*(1/B)
            prec = sp.printing.precedence.PRECEDENCE["Mul"]
            return f"{'-' if num == -1 else ''}{rest}/{self.parenthesize(den, prec + 1)}"
        text = self._print(head)
        if not (head.is_Symbol or head.is_Number and head >= 0):
            text = f"({text})"
        if rest.startswith("1/"):  # a/b, not a*1/b
            return text + rest[1:]
        return text + "*" + rest

    def _module_format(self, fqn, register=True):
        return super()._module_format(fqn, register).replace("numpy.", "np.")

    def _print_Symbol(self, expr):
        return self.rename.get(expr.name, expr.name)

    def _print_Relational(self, expr):
        op = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[expr.rel_op]
        return f"({self._print(expr.lhs)} {op} {self._print(expr.rhs)})"

    def _print_And(self, expr):
        return " & ".join(f"({self._print(a)})" for a in expr.args)

    def _print_Or(self, expr):
        return " | ".join(f"({self._print(a)})" for a in expr.args)

    def _print_Not(self, expr):
        return self._negation(expr.args[0], f"({self._print(expr.args[0])})")

    def _negation(self, cond, text: str) -> str:
        """``~c`` on arrays; a condition of Python scalars is a Python bool (``~True == -2``)."""
        return f"np.logical_not{text}" if self._is_scalar(cond) else f"~{text}"

    def _print_Piecewise(self, expr):
        pairs = expr.args
        if len(pairs) == 2 and pairs[1].cond is sp.true:
            (a, c), (b, _) = pairs
            cond = self._print(c) if isinstance(c, sp.core.relational.Relational) else f"({self._print(c)})"
            extreme = _extreme(a, b, c)
            if extreme:
                return f"np.{extreme}({self._print(a)}, {self._print(b)})"
            if b == 0:
                return cond if a == 1 else \
                    f"{self.parenthesize(a, sp.printing.precedence.PRECEDENCE['Mul'])}*{cond}"
            if a == 0 and b == 1:
                return self._negation(c, cond if cond.startswith("(") else f"({cond})")
        out = self._print(pairs[-1].expr) if pairs[-1].cond is sp.true else "np.nan"
        for pair in reversed(pairs[:-1] if pairs[-1].cond is sp.true else pairs):
            out = f"np.where({self._print(pair.cond)}, {self._print(pair.expr)}, {out})"
        return out

    def _print_Undefined(self, expr):
        return "np.nan"

    def _print_Sigmoid(self, expr):
        self.helpers_used.add("_sigmoid")
        return f"_sigmoid({self._print(expr.args[0])})"

    def _print_log(self, expr):
        arg = expr.args[0]
        if isinstance(arg, sp.Add) and 1 in arg.args:
            return f"np.log1p({self._print(arg - 1)})"
        return f"np.log({self._print(arg)})"

    def _print_Add(self, expr, order=None):
        """Positive terms first, negative ones subtracted: ``g - s``, not ``-s + g``. Two 0/1
        masks (numpy booleans) are added as integers: ``True + True`` is ``True`` in numpy."""
        signs = {t: 1 if self._boolean(t) else -1 for t in expr.args
                 if self._boolean(t) or (_negative(t) and self._boolean(-t))}
        if len(signs) >= 2:  # each mask counted as an integer (numpy: no boolean + or -)
            rest = [t for t in expr.args if t not in signs]
            text = self._print(sp.Add(*rest)) if rest else ""
            for t, sign in sorted(signs.items(), key=lambda ts: -ts[1]):  # added, then subtracted
                mask = f"1*{self._print(t if sign == 1 else -t)}"
                text = f"{text} {'+' if sign == 1 else '-'} {mask}" if text else \
                    (mask if sign == 1 else f"-{mask}")
            return text
        terms = list(expr.args)
        if -1 not in terms or not any(isinstance(t, sp.exp) for t in terms):
            pos = [t for t in terms if not _negative(t)]
            neg = [-t for t in terms if _negative(t)]
            if pos and neg:
                prec = sp.printing.precedence.PRECEDENCE["Add"]
                text = " + ".join(self.parenthesize(t, prec) for t in pos)
                return text + "".join(f" - {self.parenthesize(t, prec + 1)}" for t in neg)
        if -1 in terms:
            exps = [t for t in terms if isinstance(t, sp.exp)]
            if exps:
                rest = [t for t in terms if t not in (-1, exps[0])]
                em1 = f"np.expm1({self._print(exps[0].args[0])})"
                return " + ".join([em1] + [self._print(t) for t in rest]) if rest else em1
        return super()._print_Add(expr, order)

    def _print_Pow(self, expr, rational=False):
        base, exp = expr.args
        prec = sp.printing.precedence.PRECEDENCE["Pow"]
        if exp == -1:
            return f"1/{self.parenthesize(base, prec)}"
        if exp == sp.S.Half:
            if self._is_scalar(base):  # a Python float stays weakly typed: float32 stays float32
                return f"{self.parenthesize(base, prec)}**0.5"
            return f"np.sqrt({self._print(base)})"
        if exp.is_Integer:
            return f"{self.parenthesize(base, prec)}**{exp.p}"
        return super()._print_Pow(expr, rational)

    def _print_Rational(self, expr):
        return f"{expr.p}/{expr.q}"

    def _print_Integer(self, expr):
        return str(expr.p)

    def _print_Float(self, expr):
        return repr(float(expr))



# functions printed as one numpy call: class name -> template over the printed arguments
NUMPY_CALLS = {
    "Abs": "np.abs({0})",
    "Guard": "np.where({0}, {1}, 1)",   # a denominator in a branch not taken
    "Total": "np.sum({0})",             # a sum over every element
    "Softplus": "np.logaddexp(0, {0})",
    "erf": "_erf({0})",                 # numpy has no erf: the module ships ``_erf`` (expr.ERF_HELPER)
}
for _name, _template in NUMPY_CALLS.items():
    setattr(ArrayPrinter, f"_print_{_name}",
            lambda self, expr, t=_template: t.format(*[self._print(a) for a in expr.args]))

def _negative(term) -> bool:
    return term.could_extract_minus_sign() if not term.is_Number else term < 0


def _extreme(a, b, cond) -> str | None:
    """``Piecewise((a, a > b), (b, True))`` is ``maximum(a, b)`` (``<``: ``minimum``)."""
    if not isinstance(cond, sp.core.relational.Relational):
        return None
    lhs, rhs = cond.lhs, cond.rhs
    if (lhs, rhs) == (a, b) and cond.rel_op in (">", ">="):
        return "maximum"
    if (lhs, rhs) == (a, b) and cond.rel_op in ("<", "<="):
        return "minimum"
    return None


def _index(idx) -> str:
    return "[" + ", ".join(":" if x == ":" else "None" if x is None else str(x) for x in idx) + "]"


class ProgramPrinter(ArrayPrinter):
    """Also prints the nodes of an array program (:mod:`symbp.lower.ir`): the right-hand side of
    ``target = ...``, one ``_print_<Node>`` method per node class."""

    def _print_View(self, node: ir.View) -> str:
        code = self._print(node.source)
        if node.squeeze:
            code += _index(node.squeeze)
        if node.perm:
            code += ".T" if node.perm == (1, 0) else f".transpose({node.perm})"
        if node.expand:
            code += _index(node.expand)
        return code

    def _print_Assign(self, node: ir.Assign) -> str:
        return self._print(node.expr)

    def _print_Reduce(self, node: ir.Reduce) -> str:
        body = node.expr
        arr = self._print(body) if isinstance(body, sp.Symbol) else f"({self._print(body)})"
        if node.axis is None:  # the method: np.sum's Python dispatch costs a microsecond per call
            return f"{arr}.{node.op}()"
        return f"{arr}.{node.op}(axis={node.axis}" + (", keepdims=True)" if node.keepdims else ")")

    def _print_Contract(self, node: ir.Contract) -> str:
        left = self._print(node.left) + (".T" if node.left_t else "")
        right = self._print(node.right) + (".T" if node.right_t else "")
        return f"{left} @ {right}"

    def _print_OneHot(self, node: ir.OneHot) -> str:
        return f"({self._print(node.classes)}[..., None] == np.arange({self._print(node.size)}))"

    def _print_Gather(self, node: ir.Gather) -> str:
        return (f"np.take_along_axis({self._print(node.source)}, {self._print(node.classes)}"
                "[..., None], axis=-1)[..., 0]")

    def _print_Item(self, node: ir.Item) -> str:
        return f"{self._print(node.source)}[{node.position}]"

    def _print_TupleSum(self, node: ir.TupleSum) -> str:
        g = self._print(node.source)
        return f"sum({g}[1:], {g}[0])"

    def _print_ComplexInfinity(self, expr):
        raise ir.NonFiniteError(f"a value is not finite: {expr}")

    _print_NaN = _print_Infinity = _print_NegativeInfinity = _print_ComplexInfinity


def prepare_program(program: Program, scalars=()) -> tuple[list[ir.Node], list]:
    """Statements in order and result expressions, common subexpressions shared (except purely
    scalar ones: ``x/B`` stays a division, correctly rounded, not ``x*(1/B)``)."""
    return _cse(list(program.stmts), list(program.results), set(scalars))


def _cse(stmts: list[ir.Node], results: list, scalars=frozenset()) -> tuple[list[ir.Node], list]:
    """Share elementwise subexpressions across statements and results (``sympy.cse``)."""
    slots = [(k, s) for k, s in enumerate(stmts) if isinstance(s, ir.ELEMENTWISE)]
    exprs = [s.expr for _, s in slots] + results
    temps = sp.numbered_symbols("_c")
    repl, reduced = sp.cse(exprs, symbols=temps, order="none", ignore=())
    repl = [(t, e) for t, e in repl if not isinstance(e, (sp.Indexed,))]
    inline = {}
    for t, e in repl:  # scalar temporaries go back where they were used (in order)
        e = e.xreplace(inline)
        if all(s.name in scalars for s in e.free_symbols):
            inline[t] = e
    if inline:
        repl = [(t, e.xreplace(inline)) for t, e in repl if t not in inline]
        reduced = [r.xreplace(inline) for r in reduced]
    new_stmts = list(stmts)
    alias = {}
    for (k, s), e in zip(slots, reduced[:len(slots)]):
        if isinstance(s, ir.Assign) and isinstance(e, sp.Symbol):
            alias[s.target] = e  # the whole statement was a shared subexpression
        new_stmts[k] = replace(s, expr=e)
    if alias:
        new_stmts = [s.substitute(alias) for s in new_stmts if s.target not in alias]
        reduced = [r.xreplace(alias) for r in reduced]
    extra = {t: ir.Assign(t, e) for t, e in repl}
    ordered, done = [], set()
    defined = {s.target for s in new_stmts} | set(extra)

    def emit(stmt):
        if stmt.target in done:
            return
        done.add(stmt.target)
        for dep in sorted(set(stmt.deps()) & defined, key=str):
            emit(extra.get(dep) or next(s for s in new_stmts if s.target == dep))
        ordered.append(stmt)

    for s in new_stmts:
        emit(s)
    for r in reduced[len(slots):]:
        for dep in sorted(r.free_symbols & set(extra), key=str):
            emit(extra[dep])
    return ordered, list(reduced[len(slots):])


class IndexTextPrinter(sp.printing.str.StrPrinter):
    """Index-form expressions as plain text: ``sum_k W[i, k]*x[b, k]``, ``dout`` for ``_g``."""

    names = TEXT_NAMES

    def _print_Symbol(self, expr):
        return self.names.get(expr.name, expr.name)

    def _print_IndexedBase(self, expr):
        return self.names.get(str(expr.label), str(expr.label))

    def _print_Indexed(self, expr):
        base = self._print(expr.base)
        return f"{base}[{', '.join(self._print(i) for i in expr.indices)}]"

    def _print_Sum(self, expr):
        over = ",".join(self._print(v) for v, *_ in expr.limits)
        return f"sum_{over}({self._print(expr.function)})"

    def _print_KroneckerDelta(self, expr):
        a, b = expr.args
        return f"[{self._print(a)} == {self._print(b)}]"

    def _print_Piecewise(self, expr):
        out = self._print(expr.args[-1].expr)
        for pair in reversed(expr.args[:-1]):
            out = f"where({self._print(pair.cond)}, {self._print(pair.expr)}, {out})"
        return out


def text(expr) -> str:
    """Plain-text index form of ``expr`` (docstrings, ``symbp derive``)."""
    return IndexTextPrinter().doprint(expr)
