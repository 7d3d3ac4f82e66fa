"""The seed's modules, forward only. ``CATALOG`` and ``RULES`` map a name to a builder."""
from __future__ import annotations

from ..spec import Module, UpdateRule
from . import activations, layers, losses, tricks, updates

CATALOG = {
    "linear": layers.linear,
    "relu": activations.relu,
    "duplicate": layers.duplicate,
    "add": layers.add,
    "max": layers.max_,
    "sigmoid": activations.sigmoid,
    "tanh": activations.tanh,
    "softmax": activations.softmax,
    "log_softmax": activations.log_softmax,
    "cross_entropy": losses.cross_entropy,
    "mse": losses.mse,
    "l2_penalty": losses.l2_penalty,
    "l1_penalty": losses.l1_penalty,
    "dropout": tricks.dropout,
    "normalize": tricks.normalize,
}

RULES = {
    "sgd": updates.sgd,
    "sgd_l2": updates.sgd_l2,
    "sgd_l1": updates.sgd_l1,
    "momentum": updates.momentum,
    "adam": updates.adam,
}


def catalog() -> dict[str, Module]:
    """Every module of the seed, by name (a new dict each call)."""
    return {name: build() for name, build in CATALOG.items()}


def rules() -> dict[str, UpdateRule]:
    """The update rules (sgd, sgd_l2, sgd_l1, momentum, adam), by name."""
    return {name: build() for name, build in RULES.items()}


def get(name: str) -> Module | UpdateRule:
    """One catalog module (or update rule); an unknown name raises ``KeyError`` naming the known ones."""
    if name in CATALOG:
        return CATALOG[name]()
    if name in RULES:
        return RULES[name]()
    known = ", ".join(list(CATALOG) + list(RULES))
    raise KeyError(f"unknown module {name!r}; known: {known}")
