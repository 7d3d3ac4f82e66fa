"""symbp train digits: the generated code trains an MLP to >= 0.97 held-out accuracy."""
import numpy as np
import pytest

from conftest import require
from symbp.cli import main


@pytest.fixture(scope="module")
def trained():
    require("sklearn")
    from symbp.train import Settings, train_digits
    return train_digits(Settings())


def test_reaches_the_target_accuracy(trained):
    acc, history, params = trained
    assert acc >= 0.97
    assert len(history.loss) == 40 and history.loss[-1] < history.loss[0]
    assert all(p.dtype == np.float32 for p in params.values())


def test_seeded_runs_are_identical(trained):
    from symbp.train import Settings, train_digits
    acc, history, params = train_digits(Settings(epochs=3))
    acc2, history2, params2 = train_digits(Settings(epochs=3))
    assert acc == acc2 and history.loss == history2.loss
    np.testing.assert_array_equal(params["W1"], params2["W1"])


def test_cli_prints_progress_and_the_accuracy_last(capsys, tmp_path):
    require("sklearn")
    assert main(["train", "digits", "--epochs", "2", "--seed", "1", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("epoch   1/2 [") and lines[1].startswith("epoch   2/2 [")
    assert lines[-1].startswith("test accuracy: 0.") and len(lines[-1]) == len("test accuracy: 0.9778")
    assert (tmp_path / "train" / "digits.svg").read_bytes().startswith(b"<?xml")


def test_cli_rejects_bad_epochs(capsys):
    assert main(["train", "digits", "--epochs", "0"]) == 2
    assert capsys.readouterr().err.startswith("symbp: error: --epochs")


def test_normalisation_uses_training_statistics_and_eps():
    from symbp.train import fit_normalize
    x = np.array([[0.0, 1.0], [0.0, 3.0]], dtype=np.float32)
    m, scale = fit_normalize(x, eps=1e-5)
    np.testing.assert_allclose(m, [0.0, 2.0])
    np.testing.assert_allclose(scale, [1e-5, 1.0])  # a constant pixel: max(sigma, eps) = eps


def test_fit_normalize_per_channel_axis():
    from symbp.train import fit_normalize
    x = np.random.default_rng(0).normal(5, 2, (50, 3, 4, 4))
    x[:, 2] = 7.0  # a constant channel: scale eps, output 0
    m, scale = fit_normalize(x, axis=1)
    y = (x - m) / scale
    np.testing.assert_allclose(y[:, :2].mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y[:, :2].std(axis=(0, 2, 3)), 1, atol=1e-12)
    assert np.all(y[:, 2] == 0)
