"""training: minibatch training of the digits MLP with the generated code, each trick a switch.

scikit-learn's digits (8×8 images, bundled with the package, nothing downloaded), a stratified
held-out test split, and the notes' tricks: inputs normalised per channel with statistics of the
training split, Kaiming initialisation, minibatch SGD on a reshuffled order every epoch, L2 weight
decay, dropout, a cosine learning-rate schedule, and the loss as the NLL of LogSoftMax. Every
forward, backward and update runs in the numpy code symbp generated. ``symbp train digits`` and
the measured "practical tricks" page both call :func:`train_digits`; a :class:`Settings` field
turns each trick off.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .catalog import get
from .codegen import load
from .codegen.compiled import run_source
from .codegen.extras import kaiming_source, schedule_source
from .derive import derive
from .networks import mlp_graph, softmax_log_graph


@dataclass
class Settings:
    epochs: int = 40
    seed: int = 0
    hidden: int = 128
    batch: int = 32
    lr: float = 0.1
    lr_min: float = 0.001
    weight_decay: float = 1e-4   # alpha in L = C + alpha ||w||^2
    dropout: float = 0.2
    test_fraction: float = 0.25
    normalize: bool = True       # inputs centred and scaled with the training split's statistics
    eps: float = 1e-5            # the normaliser's floor: (x - m) / max(sigma, eps)
    init: str = "kaiming"        # kaiming: std sqrt(2/n_in); naive: std 1
    schedule: str = "cosine"     # cosine | constant
    loss: str = "log_softmax"    # log_softmax (cross-entropy) | softmax_log (log of softmax)


@dataclass
class History:
    loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    seconds: float = 0.0


def load_digits_split(settings: Settings):
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("symbp train digits needs scikit-learn: pip install scikit-learn") from exc
    data = load_digits()
    x = data.data.astype(np.float32)
    y = data.target.astype(np.int64)
    return train_test_split(x, y, test_size=settings.test_fraction, random_state=settings.seed,
                            stratify=y)


def fit_normalize(x: np.ndarray, axis: int = -1, eps: float = 1e-5):
    """Per-channel mean ``m`` and ``max(σ, ε)`` of a dataset, ``axis`` being the channel axis
    (RGB images (N, 3, H, W): ``axis=1``; features (N, F): ``axis=-1``). Shapes broadcast back:
    ``(x - m) / scale`` normalises, as in the notes' ``(b - m_b) / max(σ_b, ε)``."""
    axis = axis % x.ndim
    over = tuple(k for k in range(x.ndim) if k != axis)
    m = x.mean(axis=over, keepdims=True)
    sigma = x.std(axis=over, keepdims=True)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    return m.reshape(shape[1:] if axis else shape), np.maximum(sigma, eps).reshape(shape[1:] if axis else shape)


@lru_cache(maxsize=8)
def _compiled(n_in: int, hidden: int, n_out: int, loss: str):
    net_graph = softmax_log_graph(n_in, hidden, n_out) if loss == "softmax_log" else \
        mlp_graph(n_in, hidden, n_out)
    net = load(derive(net_graph))
    logits = load(derive(mlp_graph(n_in, hidden, n_out, loss=False)))
    step = load(derive(get("sgd_l2"))).step
    helpers = run_source(kaiming_source() + "\n" + schedule_source("cosine"), "helpers")
    return net, logits, step, helpers


def _init(settings: Settings, helpers, n_in: int, n_out: int, rng) -> dict:
    h = settings.hidden
    if settings.init == "kaiming":
        W1, W2 = helpers["kaiming_normal"](h, n_in, rng=rng), helpers["kaiming_normal"](n_out, h, rng=rng)
    else:
        W1 = rng.standard_normal((h, n_in)).astype(np.float32)
        W2 = rng.standard_normal((n_out, h)).astype(np.float32)
    return {"W1": W1, "b1": np.zeros(h, np.float32), "W2": W2, "b2": np.zeros(n_out, np.float32)}


def _learning_rate(settings: Settings, helpers, epoch: int) -> float:
    if settings.schedule == "constant":
        return settings.lr
    return float(helpers["lr_cosine"](epoch, lr0=settings.lr, lr_min=settings.lr_min, T=settings.epochs))


def train_digits(settings: Settings, progress=None) -> tuple[float, History, dict]:
    """Train; return the test accuracy, the per-epoch history and the trained parameters."""
    start = time.perf_counter()
    x_train, x_test, y_train, y_test = load_digits_split(settings)
    if settings.normalize:
        m, scale = fit_normalize(x_train, eps=settings.eps)
        x_train, x_test = (x_train - m) / scale, (x_test - m) / scale
    n_in, n_out = x_train.shape[1], int(y_train.max()) + 1
    net, logits, step, helpers = _compiled(n_in, settings.hidden, n_out, settings.loss)
    rng = np.random.default_rng(settings.seed)
    params = _init(settings, helpers, n_in, n_out, rng)
    mask_of = net.namespace["dropout_mask"]
    eye = np.eye(n_out, dtype=np.float32)
    history = History()
    n = len(x_train)
    with np.errstate(all="ignore"):  # a diverging variant is measured, not aborted
        for epoch in range(settings.epochs):
            lr = _learning_rate(settings, helpers, epoch)
            order = rng.permutation(n)  # shuffle every epoch
            total = 0.0
            for lo in range(0, n, settings.batch):
                idx = order[lo:lo + settings.batch]
                xb, yb = x_train[idx], y_train[idx]
                mask = mask_of((len(idx), settings.hidden), p=settings.dropout, rng=rng)
                target = eye[yb] if settings.loss == "softmax_log" else yb
                loss, cache = net.forward(xb, target, mask, **params)
                grads = net.backward(1.0, cache)
                for name, value in params.items():
                    # biases are not decayed
                    step(value, grads[name], lr=lr,
                         alpha=settings.weight_decay if name[0] == "W" else 0.0)
                total += float(loss) * len(idx)
            history.loss.append(total / n)
            history.train_accuracy.append(accuracy(logits, x_train, y_train, params))
            history.test_accuracy.append(accuracy(logits, x_test, y_test, params))
            history.test_loss.append(test_loss(logits, x_test, y_test, params))
            if progress:
                progress(epoch + 1, settings.epochs, history)
    history.seconds = time.perf_counter() - start
    return history.test_accuracy[-1], history, params


def accuracy(logits_net, x, y, params) -> float:
    """Eval mode (no dropout mask): the generated forward of the logits graph."""
    z, _ = logits_net.forward(x, None, **params)
    return float((z.argmax(axis=1) == y).mean())


def test_loss(logits_net, x, y, params) -> float:
    """Mean cross-entropy in eval mode, by a stable log-sum-exp (``inf`` if it diverged)."""
    z, _ = logits_net.forward(x, None, **params)
    z = z.astype(np.float64)
    top = z.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(z - top).sum(axis=1))
    value = float(np.mean(lse - z[np.arange(len(y)), y]))
    return value if np.isfinite(value) else float("inf")
