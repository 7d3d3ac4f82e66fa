"""tricks_page: the notes' practical tricks, *measured* on digits with the generated code.

Each trick is turned off (or replaced) in turn, everything else as in the baseline; each run is
seeded, short (10 epochs of a 64-unit MLP) and reproducible, so ``symbp build`` redraws the table
and the plot identically every time.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

from ..catalog import get
from ..codegen import load
from ..derive import derive
from ..training import Settings, train_digits
from .blocks import Writer
from .examples import number, significant, with_minus
from .exercises import exercise_blocks

BASELINE = Settings(epochs=10, hidden=64, batch=32, eps=1.0, seed=0)

# (key of the row's label, the settings that differ from the baseline); the plot's legend of a
# row ``tricks.row.X`` is ``tricks.legend.X`` in the page's language
VARIANTS = (
    ("tricks.row.baseline", {}),
    ("tricks.row.no_normalize", dict(normalize=False)),
    ("tricks.row.tiny_eps", dict(eps=1e-5)),
    ("tricks.row.naive_init", dict(init="naive")),
    ("tricks.row.softmax_log", dict(loss="softmax_log")),
    ("tricks.row.no_dropout", dict(dropout=0.0)),
    ("tricks.row.no_l2", dict(weight_decay=0.0)),
    ("tricks.row.constant_lr", dict(schedule="constant")),
)


@lru_cache(maxsize=1)
def measurements() -> tuple:
    """``(label key, settings, history)`` of every variant, in order."""
    out = []
    for key, changes in VARIANTS:
        settings = replace(BASELINE, **changes)
        _, history, _ = train_digits(settings)
        out.append((key, settings, history))
    return tuple(out)


ACCURACY_DIGITS = 4   # significant digits of the accuracies (table and prose)
LOSS_DIGITS = 3       # significant digits of the losses


def _loss_text(v: float) -> str:
    return significant(v, LOSS_DIGITS)


def _accuracy_text(v: float) -> str:
    return significant(v, ACCURACY_DIGITS)


@lru_cache(maxsize=1)
def underflow_demo() -> tuple:
    """float32 logits ``[0, 100, 200]``: ``log(softmax)`` against ``log_softmax``, generated code."""
    z = np.array([[0.0, 100.0, 200.0]], dtype=np.float32)
    soft, _ = load(derive(get("softmax"))).forward(z)
    log_soft, _ = load(derive(get("log_softmax"))).forward(z)
    with np.errstate(divide="ignore"):
        naive = np.log(soft)
    return z[0], naive[0], log_soft[0]


def tricks_blocks(lang: str, figure: str) -> list:
    w = Writer(lang)
    w.para("tricks.about")
    w.para("tricks.setup", epochs=BASELINE.epochs, hidden=BASELINE.hidden, batch=BASELINE.batch,
           lr=BASELINE.lr)
    rows = []
    for key, settings, h in measurements():
        rows.append([w.s[key], _accuracy_text(h.test_accuracy[-1]), _loss_text(h.test_loss[-1]),
                     _loss_text(h.loss[-1])])
    w.table(["tricks.col.variant", "tricks.col.accuracy", "tricks.col.test_loss", "tricks.col.train_loss"],
            rows)
    w.figure(figure, "tricks.figure", width=1.0)
    w.heading("h.tricks.reading", level=3)
    for key, numbers in reading(by_key()).items():
        w.para(key, **numbers)
        if key == "tricks.read.softmax":
            _underflow(w)
    w.para("tricks.more")
    exercise_blocks(w, "tricks")
    return w.blocks


def by_key() -> dict:
    """The history of each variant, by its row key."""
    return {key: h for key, _, h in measurements()}


def reading(runs: dict) -> dict[str, dict]:
    """The paragraphs that read the table, with the numbers each one quotes."""
    base = runs["tricks.row.baseline"]

    def acc(h):
        return _accuracy_text(h.test_accuracy[-1])
    return {
        "tricks.read.normalize": dict(value=acc(runs["tricks.row.no_normalize"]), base=acc(base)),
        "tricks.read.eps": dict(loss=_loss_text(runs["tricks.row.tiny_eps"].test_loss[-1]),
                                base=_loss_text(base.test_loss[-1])),
        "tricks.read.init": dict(loss=_loss_text(runs["tricks.row.naive_init"].loss[-1]),
                                 base=_loss_text(base.loss[-1])),
        "tricks.read.softmax": {},
        "tricks.read.dropout": dict(train=_loss_text(runs["tricks.row.no_dropout"].loss[-1]),
                                    base_train=_loss_text(base.loss[-1]),
                                    test=_loss_text(runs["tricks.row.no_dropout"].test_loss[-1]),
                                    base_test=_loss_text(base.test_loss[-1])),
        "tricks.read.l2": {},
        "tricks.read.schedule": dict(value=acc(runs["tricks.row.constant_lr"]), base=acc(base)),
    }


def _underflow(w):
    z, naive, stable = underflow_demo()
    w.table(["tricks.col.logit", "tricks.col.log_of_softmax", "tricks.col.log_softmax"],
            [[_exact(a), _exact(b), _exact(c)] for a, b, c in zip(z, naive, stable)])
    w.para("tricks.underflow", second=_exact(naive[1]))


def _exact(v: float) -> str:
    """A value of the underflow demonstration: four decimals, a real minus sign, ``−∞``."""
    return with_minus(number(v)) if np.isfinite(v) else significant(v, 1)


def tricks_curves() -> dict[str, list]:
    """Test accuracy per epoch of every variant (for the plot), by row label key."""
    return {key: list(h.test_accuracy) for key, _, h in measurements()}
