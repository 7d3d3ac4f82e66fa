"""The seed's modules, forward only. ``CATALOG`` maps a name to a builder."""
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
