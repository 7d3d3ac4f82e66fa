"""Derive, verify and load times of the modules users write (issue 9's families: GELU, SiLU, Mish,
ELU/SELU, softsign, logistic regression, BCE with logits, KL between softmaxes, focal loss, Huber,
cosine similarity, layer norm, RMSNorm, attention, GLU, RNN cell, residual block, bilinear,
aᵀXb, ‖Ax − b‖², x/‖x‖). The modules are the table of ``tests/user_modules.py``.

    python benchmarks/bench_user_modules.py
"""
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's symbp, and the table of modules

import symbp  # noqa: E402
from user_modules import MODULES  # noqa: E402


def _timed(fn, *args, **kw):
    start = time.perf_counter()
    value = fn(*args, **kw)
    return value, time.perf_counter() - start


def main():
    print(f"{'module':<22} {'derive':>8} {'verify':>8} {'load':>8}  result")  # load: lower, print, compile
    totals = [0.0, 0.0, 0.0]
    for um in MODULES:
        m = um.build(symbp)
        d, t_derive = _timed(symbp.derive, m)
        status = "ok"
        try:  # lowering and printing happen here (verify then reuses the kernel)
            _, t_load = _timed(symbp.load, d)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            t_load, status = float("nan"), f"error: {type(exc).__name__}"
        try:
            report, t_verify = _timed(symbp.verify, d, seed=0)
            status = status if report.ok else f"FAILED ({report.max_rel_error:.1e})"
        except Exception as exc:  # noqa: BLE001
            t_verify, status = float("nan"), f"error: {type(exc).__name__}"
        for k, t in enumerate((t_derive, t_verify, t_load)):
            totals[k] += t if t == t else 0.0
        print(f"{um.name:<22} {t_derive:>7.2f}s {t_verify:>7.2f}s {t_load:>7.2f}s  {status}")
    print(f"{'total':<22} {totals[0]:>7.2f}s {totals[1]:>7.2f}s {totals[2]:>7.2f}s")


if __name__ == "__main__":
    main()
