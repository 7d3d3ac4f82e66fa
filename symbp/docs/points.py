"""points: a module (or update rule) at one concrete point, and the checks of its page's equations.

A :class:`ModulePoint` binds small sizes, inputs away from every kink, the parameters, the
statistics and output the forward gives there, and an upstream gradient ``g``. Its methods turn
the SymPy objects a page shows into checked :class:`~symbp.docs.equations.Equation` objects:

* ``forward``: the index-form forward against the generated numpy forward;
* ``derivative``: entries ``∂(of)/∂x`` against central differences of the forward (``of`` the
  whole forward, the forward with the statistics held fixed, or one statistic);
* ``vjp``: ``Σ_out g · J`` against the central-difference Jacobian contracted with ``g``.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

from ..check.verification import sample
from ..codegen import load
from ..names import OUTPUT, RULE_INDEX, UPSTREAM
from .equations import Equation, NoExample, central_jacobian, rel_error, values_of


def small_sizes(m, base: int = 2) -> dict[str, int]:
    """Distinct small sizes per dimension (a transposition cannot hide), respecting minimums."""
    fixed = dict(m.size_params)
    names = sorted({d for t in m.inputs for d in t.dims} | set(m.out_dims))
    floor = dict(m.min_sizes)
    sizes = {d: max(base + k, floor.get(d, 1)) for k, d in enumerate(n for n in names if n not in fixed)}
    return {**sizes, **fixed}


class ModulePoint:
    """A module at one point: ``inputs``, ``params``, ``sizes``, ``out``, ``stats``, ``g``."""

    def __init__(self, d, inputs: dict | None = None, params: dict | None = None,
                 g=None, seed: int = 0):
        m = self.module = d.module
        self.d = d
        self.params = {p.name: p.default for p in m.params} | dict(params or {})
        rng = np.random.default_rng(seed)
        if inputs is None:
            self.sizes = small_sizes(m)
            self.inputs, (self.out, self.stats) = self._finite_point(rng)
        else:
            self.inputs = {k: np.asarray(v) for k, v in inputs.items()}
            self.sizes = {**dict(m.size_params), **self._sizes_of(self.inputs)}
            self.out, self.stats = self.evaluate(self.inputs)
        self.g = np.asarray(g, dtype=float) if g is not None else \
            (rng.standard_normal(self.out.shape) if self.out.shape else 1.0)

    def _finite_point(self, rng, tries: int = 8):
        """Sampled inputs where the forward is finite: drawn again up to ``tries`` times, then
        :class:`NoExample` (``exp(exp(exp(exp(exp(x)))))`` overflows at most points)."""
        for _ in range(tries):
            inputs = sample(self.module, self.sizes, rng, self.d.kinks)
            try:
                values = self.evaluate(inputs)
            except NoExample:
                continue
            if np.all(np.isfinite(values[0])):
                return inputs, values
        raise NoExample(f"{self.module.name} has no finite value at {tries} points drawn for "
                        f"its worked example")

    def _sizes_of(self, inputs) -> dict[str, int]:
        sizes = {}
        for t in self.module.inputs:
            sizes.update(zip(t.dims, np.shape(inputs[t.name])))
        return sizes

    # -- index ranges ----------------------------------------------------------------------------
    def free(self, idx, dims) -> tuple:
        return tuple(zip(idx, (self.sizes[d] for d in dims)))

    @property
    def out_free(self) -> tuple:
        return self.free(self.module.index, self.module.out_dims)

    def in_free(self, name: str) -> tuple:
        step = self.d.steps[name]
        return self.free(step.index, step.input.dims)

    # -- values ----------------------------------------------------------------------------------
    def base_env(self, inputs) -> dict:
        return {**{k: v for k, v in inputs.items()}, **self.sizes, **self.params}

    def statistics(self, inputs) -> dict:
        env, stats = self.base_env(inputs), {}
        for st in self.module.statistics:
            stats[st.name] = env[st.name] = values_of(st.expr, env, self.free(st.index, st.dims))
        return stats

    def evaluate(self, inputs, stats: dict | None = None):
        """The forward by SymPy's expression; ``stats`` given: held fixed."""
        stats = self.statistics(inputs) if stats is None else stats
        out = values_of(self.module.forward, {**self.base_env(inputs), **stats}, self.out_free)
        return out, stats

    @property
    def env(self) -> dict:
        """Everything an equation of the page may read, by name."""
        scalar = UPSTREAM.symbol if not self.module.out_dims else None
        env = {**self.base_env(self.inputs), **self.stats, OUTPUT.symbol: self.out}
        env[UPSTREAM.symbol] = self.g if scalar is None else float(self.g)
        return env

    @cached_property
    def code(self):
        return load(self.d)

    def code_forward(self):
        ins = [self.inputs[t.name] for t in self.module.inputs]
        out, cache = self.code.forward(*ins, **self.params)
        return (np.stack(out) if isinstance(out, tuple) else np.asarray(out, dtype=float)), cache

    def code_backward(self) -> dict[str, np.ndarray]:
        out, cache = self.code_forward()
        g = tuple(self.g) if self.module.branches else self.g
        grads = self.code.backward(g, cache)
        return {t.name: np.asarray(v, dtype=float) for t, v in zip(self.module.inputs, grads)
                if v is not None}

    # -- Jacobians by central differences --------------------------------------------------------
    def jacobian(self, name: str, of: str = "forward") -> np.ndarray:
        """``∂(of)/∂name``: ``of`` is ``forward``, ``direct`` (statistics fixed) or a statistic."""
        key = (name, of)
        cache = self.__dict__.setdefault("_jacobians", {})
        if key not in cache:
            def f(x):
                inputs = {**self.inputs, name: x}
                if of == "forward":
                    return self.evaluate(inputs)[0]
                if of == "direct":
                    return self.evaluate(inputs, self.stats)[0]
                return self.statistics(inputs)[of]
            cache[key] = central_jacobian(f, self.inputs[name])
        return cache[key]

    # -- checked equations -----------------------------------------------------------------------
    def forward_equation(self, tex: str, shown=()) -> Equation:
        """The forward (with its statistics) against the generated numpy forward."""
        err = rel_error(self.out, self.code_forward()[0])
        return Equation(tex, (self.module.forward, *shown), "the generated numpy forward", err)

    def derivative(self, tex: str, expr, name: str, of: str = "forward", free_out=None,
                   shown=()) -> Equation:
        """Entries of ``∂(of)/∂name`` (free indices: ``of``'s, then the input's) vs differences."""
        if free_out is None:
            free_out = self.out_free
        got = values_of(expr, self.env, tuple(free_out) + self.in_free(name))
        err = rel_error(got, self.jacobian(name, of))
        return Equation(tex, (expr, *shown), "central differences of the forward", err)

    def vjp(self, tex: str, expr, name: str, of: str = "forward", shown=()) -> Equation:
        """``∂C/∂name`` entries against ``Σ_out g · ∂y/∂name`` from central differences."""
        got = values_of(expr, self.env, self.in_free(name))
        out_axes = len(np.shape(self.out))
        expected = np.tensordot(self.g, self.jacobian(name, of), axes=out_axes)
        err = rel_error(got, expected)
        return Equation(tex, (expr, *shown), "g contracted with the central-difference Jacobian", err)

    def vjp_value(self, expr, name: str) -> np.ndarray:
        return values_of(expr, self.env, self.in_free(name))


class RulePoint:
    """An update rule at one point: ``w``, ``grad = ∂C/∂w``, its state, parameters and ``t``."""

    def __init__(self, rd, seed: int = 0, n: int = 3, params=None, values=None):
        self.rd, rule = rd, rd.rule
        rng = np.random.default_rng(seed)
        self.params = {p.name: p.default for p in rule.params}
        if "alpha" in self.params:
            self.params["alpha"] = 0.3  # the penalty visible next to grad
        if rule.counter:
            self.params[rule.counter] = 3
        self.params.update(params or {})
        w = rng.uniform(-2, 2, n)
        self.values = {"w": np.where(np.abs(w) < 0.1, w + 0.2, w), "grad": rng.uniform(-1, 1, n),
                       **{s: rng.uniform(0.1, 1, n) for s in rule.state}}
        self.values.update({k: np.asarray(v, dtype=float) for k, v in (values or {}).items()})
        self.n = len(self.values["w"])

    @property
    def env(self) -> dict:
        return {**self.values, **self.params, "N": self.n}

    def elementwise(self, expr) -> np.ndarray:
        return values_of(expr, self.env, ((RULE_INDEX, self.n),))

    def code_step(self) -> dict[str, np.ndarray]:
        rule = self.rd.rule
        arrays = [self.values["w"].copy(), self.values["grad"].copy()] + \
                 [self.values[s].copy() for s in rule.state]
        out = load(self.rd).step(*arrays, **self.params)
        out = out if isinstance(out, tuple) else (out,)
        return dict(zip(["w", *rule.state], out))

    def penalty_gradient(self, tex: str) -> Equation:
        """``∂R/∂w_i`` (and so ``∂L/∂w_i``) against central differences of the penalty."""
        rd = self.rd
        i = RULE_INDEX
        w0 = self.values["w"]

        def penalty(w):
            return values_of(rd.rule.penalty, {**self.env, "w": w}, ())
        fd = central_jacobian(penalty, w0).reshape(-1)
        got = values_of(rd.penalty_grad, self.env, ((i, self.n),)) if rd.penalty_grad != 0 \
            else np.zeros(self.n)
        err = rel_error(got + self.values["grad"], fd + self.values["grad"])
        return Equation(tex, (rd.rule.penalty, rd.penalty_grad, rd.loss_grad),
                        "central differences of the penalty", err)

    def steps(self, tex: str, shown) -> Equation:
        """The rule's steps, evaluated in order by SymPy, against the generated step."""
        env = dict(self.env)
        i = RULE_INDEX
        for name, expr in self.rd.updates:
            env[name] = values_of(expr, env, ((i, self.n),))
        got = self.code_step()
        err = max(rel_error(env[k], v) for k, v in got.items())
        return Equation(tex, tuple(shown), "the generated numpy step", err)

    def same_update(self, tex: str, expr, shown=()) -> Equation:
        """Another form of the ``w`` update, against the generated step."""
        i = RULE_INDEX
        got = values_of(expr, self.env, ((i, self.n),))
        return Equation(tex, (expr, *shown), "the generated numpy step",
                        rel_error(got, self.code_step()["w"]))
