"""check.fd: the one finite-difference core of every check (modules, update rules, networks).

Central differences in float64 with a step scaled to the point, ``h = STEP·max(1, |x|)``, and
Richardson's extrapolation ``(4 D(h/2) − D(h)) / 3`` where the h² term must go.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

STEP = 1e-4

Function = Callable[[np.ndarray], np.ndarray]  # an array -> a flat float64 array (or a float)


def steps(x: np.ndarray) -> np.ndarray:
    """The step per coordinate: ``STEP·max(1, |x|)``."""
    return STEP * np.maximum(1.0, np.abs(x))


def jacobian(f: Function, x: np.ndarray, h: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """The Jacobian of ``f`` at ``x`` (rows: outputs, columns: the flat coordinates of ``x``), one
    pair of evaluations per coordinate; and the largest ``|f|`` met (its rounding noise)."""
    h = steps(x).ravel() if h is None else np.ravel(h)
    columns, big = [], 0.0
    for k in range(x.size):
        plus, minus = x.astype(float).ravel(), x.astype(float).ravel()
        plus[k] += h[k]
        minus[k] -= h[k]
        f_plus = np.atleast_1d(np.asarray(f(plus.reshape(x.shape)), dtype=float)).ravel()
        f_minus = np.atleast_1d(np.asarray(f(minus.reshape(x.shape)), dtype=float)).ravel()
        columns.append((f_plus - f_minus) / (2 * h[k]))
        big = max(big, np.max(np.abs(f_plus), initial=0.0), np.max(np.abs(f_minus), initial=0.0))
    return (np.stack(columns, axis=1) if columns else np.empty((0, 0))), big


def gradient(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """The gradient of a scalar ``f`` at ``x``, shaped like ``x``."""
    jac, _ = jacobian(f, x)
    return jac.reshape(x.shape)


def directional(f: Function, x: np.ndarray, v: np.ndarray, h: float | None = None) -> np.ndarray:
    """``J(x) v``: the derivative of ``f`` along ``v``, Richardson-extrapolated (two pairs of
    evaluations at any size)."""
    h = STEP * max(1.0, float(np.max(np.abs(x), initial=0.0))) if h is None else h

    def central(step):
        return (np.asarray(f(x + step * v), dtype=float) - np.asarray(f(x - step * v), dtype=float)) \
            / (2 * step)
    return (4 * central(h / 2) - central(h)) / 3


def unit_direction(rng: np.random.Generator, shape) -> np.ndarray:
    """A random direction with entries in [-1, 1] (the largest of size 1)."""
    v = rng.standard_normal(shape)
    return v / max(float(np.max(np.abs(v), initial=0.0)), 1e-300)
