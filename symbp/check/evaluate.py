"""check.evaluate: an index-form SymPy expression evaluated directly on concrete arrays.

The checks of someone else's backward compare it with the *derivation* — the VJP exactly as SymPy
holds it — not with the generated code, and a student's answer is an index-form expression that
no lowering was ever written for (``(W.T @ g.T).T``, sums inside sums). So this is a small
interpreter: each node becomes an array whose axes are its free index symbols (``Sum`` reduces an
axis, ``Indexed`` is numpy fancy indexing, ``Piecewise`` is ``where``), in float64 (or float32)
numpy, or in mpmath at a chosen precision (object arrays). A value that is not a real number
(``log`` or ``sqrt`` of a negative number, a division by zero) is NaN in both, never an exception.

    >>> c = sp.Symbol("c", integer=True)
    >>> evaluate(sp.IndexedBase("x")[c] ** 2, (c,), (2,), Env({"x": np.array([1.0, -3.0])}, {}, {}))
    array([1., 9.])
"""
from __future__ import annotations

import contextlib
import functools
import math
import operator
from dataclasses import dataclass, field
from typing import NamedTuple

import mpmath
import numpy as np
import sympy as sp

from ..names import OUTPUT, UPSTREAM
from ..spec import Module


class EvaluationError(ValueError):
    """An expression the interpreter does not know (a node, a name)."""


# -- backends -------------------------------------------------------------------------------------
class _Float:
    """numpy in one float dtype."""

    def __init__(self, dtype=np.float64):
        self.dtype = np.dtype(dtype)
        erf = np.vectorize(math.erf, otypes=[self.dtype])
        self.functions = {sp.exp: np.exp, sp.log: np.log, sp.tanh: np.tanh, sp.Abs: np.abs,
                          sp.sign: np.sign, sp.erf: erf, sp.sinh: np.sinh, sp.cosh: np.cosh,
                          sp.atan: np.arctan, sp.sin: np.sin, sp.cos: np.cos}

    def array(self, a):
        a = np.asarray(a)
        return a if a.dtype.kind in "iub" else a.astype(self.dtype)

    def number(self, p, q=1):
        return self.dtype.type(p / q) if q != 1 else self.dtype.type(p)

    def power(self, a, b):
        return a ** b

    def to_float(self, a):
        return np.asarray(a, dtype=np.float64)

    def precision(self):
        return np.errstate(all="ignore")  # NaN and inf are values here, not warnings


class _Mp:
    """mpmath numbers in object arrays, at ``dps`` decimal digits."""

    def __init__(self, dps=30):
        self.dps = dps
        mp = mpmath.mp

        def sign(v):
            return mpmath.mpf(0) if v == 0 else mpmath.mpf(1 if v > 0 else -1)
        self.functions = {f: np.frompyfunc(_real_valued(g), 1, 1) for f, g in {
            sp.exp: mp.exp, sp.log: mp.log, sp.tanh: mp.tanh, sp.Abs: abs, sp.sign: sign,
            sp.erf: mp.erf, sp.sinh: mp.sinh, sp.cosh: mp.cosh, sp.atan: mp.atan,
            sp.sin: mp.sin, sp.cos: mp.cos}.items()}
        self._mpf = np.frompyfunc(mpmath.mpf, 1, 1)
        self._power = np.frompyfunc(_real_valued(_mp_power), 2, 1)

    def power(self, a, b):
        return self._power(a, b)

    def array(self, a):
        a = np.asarray(a)
        if a.dtype.kind in "iub" or a.dtype == object:
            return a
        return self._mpf(a.astype(np.float64))

    def number(self, p, q=1):
        return mpmath.mpf(p) / q

    def to_float(self, a):
        with np.errstate(invalid="ignore"):  # NaN: a value that is not a real number
            return np.asarray(np.frompyfunc(float, 1, 1)(a) if np.ndim(a) else float(a),
                              dtype=np.float64)

    def precision(self):
        return mpmath.workdps(self.dps)


def _mp_power(a, b):
    try:
        return a ** b
    except ZeroDivisionError:  # 0 ** -1: undefined
        return mpmath.mpf("nan")


def _real_valued(fn):
    """``fn`` with a complex result (``log(-1)``, ``(-1) ** 0.5``) replaced by NaN."""
    def real(*args):
        v = fn(*args)
        if isinstance(v, (mpmath.mpc, complex)):
            return v.real if v.imag == 0 else mpmath.mpf("nan")
        return v
    return real


FLOAT64 = _Float(np.float64)


# -- environment ----------------------------------------------------------------------------------
@dataclass
class Env:
    """Concrete values: ``arrays`` by IndexedBase label, ``scalars`` by symbol name (parameters,
    sizes, a scalar ``_g``/``_y``), ``sizes`` by size name."""

    arrays: dict
    scalars: dict
    sizes: dict
    backend: object = FLOAT64
    ranges: dict = field(default_factory=dict)  # index symbol -> (lo, hi), while evaluating


class _V(NamedTuple):
    """A value over named axes: ``a`` has one axis per symbol of ``idx`` (a tuple: made often)."""

    a: object
    idx: tuple = ()


def _align(values: list[_V]) -> tuple[list, tuple]:
    """Arrays of ``values`` broadcastable against each other over the union of their axes."""
    union = []
    for v in values:
        union += [s for s in v.idx if s not in union]
    out = []
    for v in values:
        a = v.a
        if v.idx:
            a = np.transpose(a, [v.idx.index(s) for s in union if s in v.idx])
            a = np.reshape(a, [np.shape(v.a)[v.idx.index(s)] if s in v.idx else 1 for s in union])
        out.append(a)
    return out, tuple(union)


def _broadcast(fn, values: list[_V]) -> _V:
    arrays, idx = _align(values)
    return _V(fn(*arrays), idx)


# -- the interpreter ------------------------------------------------------------------------------
_RELATIONS = {sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
              sp.StrictLessThan: np.less, sp.LessThan: np.less_equal,
              sp.Equality: np.equal, sp.Unequality: np.not_equal}


def _ev(e, env: Env) -> _V:
    be = env.backend
    if e.is_Integer:
        return _V(int(e))
    if e.is_Rational:
        return _V(be.number(int(e.p), int(e.q)))
    if e.is_Float and isinstance(be, _Mp):  # a literal as written: 0.3 is 3/10, not its binary neighbour
        return _V(mpmath.mpf(str(e)))
    if e.is_Float or e in (sp.pi, sp.E):
        return _V(be.number(float(e)) if not isinstance(be, _Mp) else mpmath.mpf(str(sp.N(e, be.dps + 5))))
    if isinstance(e, sp.Symbol):
        if e in env.ranges:
            lo, hi = env.ranges[e]
            return _V(np.arange(lo, hi + 1), (e,))
        for table in (env.scalars, env.sizes):
            if e.name in table:
                value = table[e.name]
                return _V(be.array(value) if not isinstance(value, int) else value)
        raise EvaluationError(f"no value for {e}")
    if isinstance(e, sp.Indexed):
        label = str(e.base.label)
        if label not in env.arrays:
            raise EvaluationError(f"no array {label}")
        idx = [_ev(i, env) for i in e.indices]
        arrays, axes = _align(idx)
        arrays = np.broadcast_arrays(*[np.asarray(a, dtype=np.int64) for a in arrays]) if axes else [
            int(a) for a in arrays]
        return _V(be.array(env.arrays[label])[tuple(arrays)], axes)
    if isinstance(e, sp.Add):
        return _broadcast(lambda *a: _sum(a), [_ev(t, env) for t in e.args])
    if isinstance(e, sp.Mul):
        return _broadcast(lambda *a: _prod(a), [_ev(t, env) for t in e.args])
    if isinstance(e, sp.Pow):
        base, exp = _ev(e.base, env), _ev(e.exp, env)
        if e.exp.is_Integer and int(e.exp) < 0:
            base = _V(_as_real(base.a, be), base.idx)
        return _broadcast(be.power, [base, exp])
    if isinstance(e, sp.Sum):
        return _sum_node(e, env)
    if isinstance(e, sp.Piecewise):
        pieces = [(_ev(p.expr, env), _cond(p.cond, env)) for p in e.args]
        value, _ = pieces[-1]
        for expr, cond in reversed(pieces[:-1]):
            value = _broadcast(lambda c, a, b: np.where(np.asarray(c, dtype=bool), a, b),
                               [cond, expr, value])
        return value
    if isinstance(e, sp.KroneckerDelta):
        a, b = _ev(e.args[0], env), _ev(e.args[1], env)
        return _broadcast(lambda x, y: np.where(np.equal(x, y), 1, 0), [a, b])
    if isinstance(e, (sp.Max, sp.Min)):
        keep = np.greater_equal if isinstance(e, sp.Max) else np.less_equal
        vals = [_ev(a, env) for a in e.args]
        out = vals[0]
        for v in vals[1:]:
            out = _broadcast(lambda x, y: np.where(np.asarray(keep(x, y), dtype=bool), x, y), [out, v])
        return out
    if isinstance(e, sp.Heaviside):
        x = _ev(e.args[0], env)
        return _V(np.where(np.asarray(x.a > 0), 1, np.where(np.asarray(x.a == 0), be.number(1, 2), 0)),
                  x.idx)
    if isinstance(e, sp.Function) and type(e) in be.functions:
        (arg,) = e.args
        x = _ev(arg, env)
        return _V(be.functions[type(e)](_as_real(x.a, be)), x.idx)
    raise EvaluationError(f"cannot evaluate {type(e).__name__}: {e}")


def _as_real(a, be):
    if isinstance(a, (int, np.integer)) or (isinstance(a, np.ndarray) and a.dtype.kind in "iub"):
        return be.array(np.asarray(a, dtype=np.float64))
    return a


def _sum(arrays):
    return functools.reduce(operator.add, arrays)


def _prod(arrays):
    return functools.reduce(operator.mul, arrays)


def _cond(c, env: Env) -> _V:
    if c is sp.true:
        return _V(True)
    if c is sp.false:
        return _V(False)
    if type(c) in _RELATIONS:
        return _broadcast(_RELATIONS[type(c)], [_ev(c.lhs, env), _ev(c.rhs, env)])
    if isinstance(c, sp.And):
        return _broadcast(lambda *a: np.logical_and.reduce(np.broadcast_arrays(*a)), [_cond(a, env) for a in c.args])
    if isinstance(c, sp.Or):
        return _broadcast(lambda *a: np.logical_or.reduce(np.broadcast_arrays(*a)), [_cond(a, env) for a in c.args])
    if isinstance(c, sp.Not):
        v = _cond(c.args[0], env)
        return _V(np.logical_not(v.a), v.idx)
    raise EvaluationError(f"cannot evaluate the condition {c}")


def _int_value(e, env: Env) -> int:
    v = _ev(sp.sympify(e), env)
    if v.idx:
        raise EvaluationError(f"a summation bound depends on an index: {e}")
    return int(v.a)


def _sum_node(e: sp.Sum, env: Env) -> _V:
    saved = dict(env.ranges)
    limits = []
    for var, lo, hi in e.limits:
        limits.append((var, _int_value(lo, env), _int_value(hi, env)))
    try:
        for var, lo, hi in limits:
            env.ranges[var] = (lo, hi)
        body = _ev(e.function, env)
    finally:
        env.ranges.clear()
        env.ranges.update(saved)
    a, idx = body.a, body.idx
    for var, lo, hi in limits:
        count = max(hi - lo + 1, 0)
        if var in idx:
            axis = idx.index(var)
            a = np.sum(a, axis=axis) if np.shape(a)[axis] else 0
            idx = idx[:axis] + idx[axis + 1:]
        else:
            a = a * count
    return _V(a, idx)


def evaluate(expr: sp.Expr, idx: tuple, shape: tuple, env: Env):
    """``expr`` over the free indices ``idx`` (extents ``shape``): an array of that shape."""
    saved = dict(env.ranges)
    env.ranges.update({i: (0, n - 1) for i, n in zip(idx, shape)})
    try:
        with env.backend.precision():
            v = _ev(sp.sympify(expr), env)
    finally:
        env.ranges.clear()
        env.ranges.update(saved)
    extra = [s for s in v.idx if s not in idx]
    if extra:
        raise EvaluationError(f"free indices {extra} left in {expr}")
    arrays, axes = _align([v, _V(np.zeros(shape, dtype=np.int8), tuple(idx))])
    a = arrays[0]
    if not isinstance(a, np.ndarray) or (a.dtype != object and a.dtype.kind in "iub"):
        a = np.asarray(a)
        a = env.backend.array(a.astype(np.float64)) if a.dtype.kind in "iub" else env.backend.array(a)
    a = np.broadcast_to(a, arrays[1].shape)
    order = [axes.index(i) for i in idx]
    return np.transpose(a, order) if order else a


# -- a module's values: its output and statistics -------------------------------------------------
def module_env(m: Module, values: dict, dims: dict, params: dict, g=None, backend=FLOAT64) -> Env:
    """An environment with ``values`` (by input name), sizes, parameters, the statistics, the
    output ``_y`` and, if given, the upstream gradient ``_g`` (an array of the output's shape)."""
    sizes = {**dict(m.size_params), **dims}
    arrays = {k: (v if np.asarray(v).dtype.kind in "iu" else backend.array(v)) for k, v in values.items()}
    with backend.precision():
        scalars = {k: backend.number(float(v)) for k, v in params.items()}
    env = Env(arrays, scalars, sizes, backend)
    for stat in m.statistics:
        env.arrays[stat.name] = evaluate(stat.expr, stat.index, [sizes[d] for d in stat.dims], env)
    y = evaluate(m.forward, m.index, [sizes[d] for d in m.out_dims], env)
    _bind(env, OUTPUT.symbol, y)
    if g is not None:
        _bind(env, UPSTREAM.symbol, backend.array(g))
    return env


def _bind(env: Env, name: str, value) -> None:
    if np.ndim(value):
        env.arrays[name] = value
    else:
        env.scalars[name] = value[()] if isinstance(value, np.ndarray) else value


def output_of(env: Env):
    return env.arrays.get(OUTPUT.symbol, env.scalars.get(OUTPUT.symbol))
