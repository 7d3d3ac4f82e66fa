"""codegen.extras: numpy helpers printed from SymPy expressions that are not modules — the Kaiming
initialiser (its std derived by ``sympy.stats``) and the learning-rate schedules."""
from __future__ import annotations

import sympy as sp

from ..catalog.kaiming import derive_kaiming
from ..catalog.schedules import SCHEDULES
from .printing import ArrayPrinter


KAIMING_SOURCE = '''def kaiming_normal(n_out, n_in, *, rng=None, dtype=np.float32):
    """Weights (n_out, n_in) with std sqrt(2 / n_in): Var(y) stays Var(x) through a ReLU layer."""
    rng = np.random.default_rng(rng)
    return (rng.standard_normal((n_out, n_in)) * {std}).astype(dtype)
'''


def kaiming_source() -> str:
    """The generated ``kaiming_normal``; its std is the derived expression, printed."""
    std = derive_kaiming().std.xreplace({sp.Symbol("n", positive=True, integer=True): sp.Symbol("n_in")})
    return KAIMING_SOURCE.format(std=ArrayPrinter(scalars={"n_in"})._print(std))


def schedule_source(name: str) -> str:
    """``lr_NAME(t, **params)``, printed from the schedule's expression (works on arrays of t)."""
    expr, defaults = SCHEDULES[name]
    params = ", ".join(f"{p}={v!r}" for p, v in defaults.items())
    printer = ArrayPrinter(scalars=set(defaults))
    return (f"def lr_{name}(t, *, {params}):\n"
            f'    """Learning rate at step (or epoch) t: {sp.sstr(expr)}."""\n'
            f"    return {printer._print(expr)}\n")


def extras() -> list[tuple[str, str]]:
    """``(name, source)`` of every helper shipped in ``symbp_nn.py`` after the modules."""
    return [("kaiming_normal", kaiming_source())] + [(f"lr_{n}", schedule_source(n)) for n in SCHEDULES]
