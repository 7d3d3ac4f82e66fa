"""request: a user's module as typed — an expression with ``NAME=VALUE`` shapes and parameters.

The command line (``--expr``, ``--shape``, ``--param``) and the form of ``symbp serve`` both come
here, so a bad request gives the same one line everywhere. The expression goes through
:mod:`symbp.expr`'s whitelist; nothing typed is executed.
"""
from __future__ import annotations

import math

from .expr import elementwise, module
from .spec import Module


class UsageError(Exception):
    """Bad input from a user (exit 2 on the command line, an error line on the web page)."""


def pairs(items, what: str) -> dict[str, str]:
    """``["W=m,n", ...]`` -> ``{"W": "m,n"}``; ``what`` names the option in the error."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"bad {what} {item!r}: expected NAME=VALUE")
        if key.strip() in out:
            raise UsageError(f"{what} {key.strip()} is given twice")
        out[key.strip()] = value.strip()
    return out


def user_module(expr: str, name: str = "user", shapes=(), params=()) -> Module:
    """The module of an expression, its ``VAR=d1,d2`` shapes and ``P=VALUE`` parameters.

    Without shapes the expression is elementwise in ``x``."""
    values = {}
    for key, value in pairs(params, "--param").items():
        try:
            values[key] = float(value)
        except ValueError:
            raise UsageError(f"bad --param {key}={value}: the value must be a number") from None
        if not math.isfinite(values[key]):
            raise UsageError(f"parameter {key} must be a finite number, got '{value}'")
    dims = {k: tuple(d.strip() for d in v.split(",")) for k, v in pairs(shapes, "--shape").items()}
    if dims:
        return module(name, expr, dims, values)
    return elementwise(name, expr, values)
