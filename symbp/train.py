"""train: ``symbp train digits`` — an MLP built as a symbp graph, trained with the generated code.

scikit-learn's digits (8×8 images, bundled with the package, nothing downloaded), a stratified
held-out test split, and the notes' tricks: inputs normalised per channel with statistics of the
training split, Kaiming initialisation, minibatch SGD on a reshuffled order every epoch, L2 weight
decay, dropout, and a cosine learning-rate schedule. Every forward, backward and update runs in the
numpy code symbp generated.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np

from .catalog import get
from .codegen import load
from .codegen.compiled import run_source
from .codegen.extras import kaiming_source, schedule_source
from .derive import derive
from .docs.figures import figure_bytes, pyplot
from .networks import mlp_graph


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


@dataclass
class History:
    loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
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


def train_digits(settings: Settings, progress=None) -> tuple[float, History, dict]:
    """Train; return the test accuracy, the per-epoch history and the trained parameters."""
    start = time.perf_counter()
    x_train, x_test, y_train, y_test = load_digits_split(settings)
    m, scale = fit_normalize(x_train)
    x_train = (x_train - m) / scale
    x_test = (x_test - m) / scale
    n_in, n_out = x_train.shape[1], int(y_train.max()) + 1

    net = load(derive(mlp_graph(n_in, settings.hidden, n_out)))
    logits = load(derive(mlp_graph(n_in, settings.hidden, n_out, loss=False)))
    step = load(derive(get("sgd_l2"))).step
    helpers = run_source(kaiming_source() + "\n" + schedule_source("cosine"), "helpers")
    rng = np.random.default_rng(settings.seed)
    params = {
        "W1": helpers["kaiming_normal"](settings.hidden, n_in, rng=rng),
        "b1": np.zeros(settings.hidden, np.float32),
        "W2": helpers["kaiming_normal"](n_out, settings.hidden, rng=rng),
        "b2": np.zeros(n_out, np.float32),
    }
    mask_of = net.namespace["dropout_mask"]
    lr_at = helpers["lr_cosine"]
    history = History()
    n = len(x_train)
    for epoch in range(settings.epochs):
        lr = float(lr_at(epoch, lr0=settings.lr, lr_min=settings.lr_min, T=settings.epochs))
        order = rng.permutation(n)  # shuffle every epoch
        total = 0.0
        for lo in range(0, n, settings.batch):
            idx = order[lo:lo + settings.batch]
            xb, yb = x_train[idx], y_train[idx]
            mask = mask_of((len(idx), settings.hidden), p=settings.dropout, rng=rng)
            loss, cache = net.forward(xb, yb, mask, **params)
            grads = net.backward(1.0, cache)
            for name, value in params.items():
                # biases are not decayed
                step(value, grads[name], lr=lr, alpha=settings.weight_decay if name[0] == "W" else 0.0)
            total += float(loss) * len(idx)
        history.loss.append(total / n)
        history.train_accuracy.append(accuracy(logits, x_train, y_train, params))
        history.test_accuracy.append(accuracy(logits, x_test, y_test, params))
        if progress:
            progress(epoch + 1, settings.epochs, history)
    history.seconds = time.perf_counter() - start
    return history.test_accuracy[-1], history, params


def accuracy(logits_net, x, y, params) -> float:
    """Eval mode (no dropout mask): the generated forward of the logits graph."""
    z, _ = logits_net.forward(x, None, **params)
    return float((z.argmax(axis=1) == y).mean())


def progress_printer(stream=None):
    stream = stream or sys.stdout
    tty = stream.isatty()

    def show(epoch, epochs, history):
        width = 24
        done = int(width * epoch / epochs)
        bar = "#" * done + "." * (width - done)
        line = (f"epoch {epoch:>3}/{epochs} [{bar}] loss {history.loss[-1]:.4f}  "
                f"train {history.train_accuracy[-1]:.4f}  test {history.test_accuracy[-1]:.4f}")
        stream.write(("\r" + line + ("\n" if epoch == epochs else "")) if tty else line + "\n")
        stream.flush()
    return show


def plot_history(history: History) -> dict[str, bytes]:
    """Loss and accuracy curves (SVG and PDF, fixed metadata)."""
    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.0, 3.0))
    epochs = np.arange(1, len(history.loss) + 1)
    ax1.plot(epochs, history.loss, color="#1f5fa8", lw=1.6)
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("training loss")
    ax2.plot(epochs, history.train_accuracy, label="train", color="#1f5fa8", lw=1.6)
    ax2.plot(epochs, history.test_accuracy, label="test", color="#c2410c", lw=1.6)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("accuracy")
    ax2.legend(frameon=False, loc="lower right")
    return figure_bytes(fig)
