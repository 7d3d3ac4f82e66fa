"""train: ``symbp train digits`` — an MLP built as a symbp graph, trained with the generated code
(the loop itself is :mod:`symbp.training`, shared with the documents' measured tricks page).

scikit-learn's digits (8×8 images, bundled with the package, nothing downloaded), a stratified
held-out test split, and the notes' tricks: inputs normalised per channel with statistics of the
training split, Kaiming initialisation, minibatch SGD on a reshuffled order every epoch, L2 weight
decay, dropout, and a cosine learning-rate schedule. Every forward, backward and update runs in the
numpy code symbp generated.
"""
from __future__ import annotations

import sys

import numpy as np

from .docs.figures import figure_bytes, pyplot
from .training import (History, Settings, accuracy, fit_normalize, load_digits_split,  # noqa: F401
                       train_digits)


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
