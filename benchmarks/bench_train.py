"""The digits MLP trained by symbp's generated numpy code and by PyTorch 2.13 CPU eager.

Same data split, normalisation, architecture (64-128-10, ReLU, dropout 0.2), Kaiming init,
minibatch SGD (batch 32) with L2 weight decay on the weights, cosine schedule, epochs and seed
for the shuffles. Prints the test accuracy of each and the time of one training step, measured
interleaved. Targets (issue 5): accuracy within one point, our step faster.

    python benchmarks/bench_train.py [--epochs 40]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

import symbp
from symbp.networks import mlp_graph
from symbp.train import Settings, fit_normalize, load_digits_split, train_digits


def torch_train(s: Settings):
    torch.manual_seed(s.seed)
    x_train, x_test, y_train, y_test = load_digits_split(s)
    m, scale = fit_normalize(x_train)
    x_train, x_test = (x_train - m) / scale, (x_test - m) / scale
    model = torch.nn.Sequential(torch.nn.Linear(64, s.hidden), torch.nn.ReLU(),
                                torch.nn.Dropout(s.dropout), torch.nn.Linear(s.hidden, 10))
    for layer in (model[0], model[3]):
        torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        torch.nn.init.zeros_(layer.bias)
    decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
    rest = [p for n, p in model.named_parameters() if n.endswith("bias")]
    # torch's weight_decay adds wd*w to the gradient: wd = 2 alpha for L = C + alpha ||w||^2
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 2 * s.weight_decay},
                           {"params": rest, "weight_decay": 0.0}], lr=s.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=s.epochs, eta_min=s.lr_min)
    X, Y = torch.tensor(x_train), torch.tensor(y_train)
    rng = np.random.default_rng(s.seed)
    for _ in range(s.epochs):
        model.train()
        order = torch.tensor(rng.permutation(len(X)))
        for lo in range(0, len(X), s.batch):
            idx = order[lo:lo + s.batch]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X[idx]), Y[idx]).backward()
            opt.step()
        sched.step()
    model.eval()
    with torch.no_grad():
        acc = (model(torch.tensor(x_test)).argmax(1).numpy() == y_test).mean()
    return float(acc), model, opt


def step_times(s: Settings, repeat: int = 300):
    """Median time of one training step (batch 32), ours and PyTorch's, interleaved."""
    x = np.random.default_rng(0).standard_normal((s.batch, 64)).astype(np.float32)
    t = np.random.default_rng(1).integers(0, 10, s.batch)
    net = symbp.load(symbp.derive(mlp_graph(64, s.hidden, 10)))
    step = symbp.load(symbp.derive(symbp.get("sgd_l2"))).step
    rng = np.random.default_rng(0)
    params = {"W1": (rng.standard_normal((s.hidden, 64)) * 0.1).astype(np.float32),
              "b1": np.zeros(s.hidden, np.float32),
              "W2": (rng.standard_normal((10, s.hidden)) * 0.1).astype(np.float32),
              "b2": np.zeros(10, np.float32)}
    mask_of = net.namespace["dropout_mask"]

    def ours():
        mask = mask_of((s.batch, s.hidden), p=s.dropout, rng=rng)
        loss, cache = net.forward(x, t, mask, **params)
        grads = net.backward(1.0, cache)
        for k, v in params.items():
            step(v, grads[k], lr=0.01, alpha=s.weight_decay if k[0] == "W" else 0.0)

    model = torch.nn.Sequential(torch.nn.Linear(64, s.hidden), torch.nn.ReLU(),
                                torch.nn.Dropout(s.dropout), torch.nn.Linear(s.hidden, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, weight_decay=2 * s.weight_decay)
    X, T = torch.tensor(x), torch.tensor(t)

    def theirs():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(X), T).backward()
        opt.step()

    samples = {"symbp": [], "torch": []}
    for _ in range(5):
        for name, fn in (("symbp", ours), ("torch", theirs)):
            for _ in range(10):
                fn()
            t0 = time.perf_counter()
            for _ in range(repeat // 5):
                fn()
            samples[name].append((time.perf_counter() - t0) / (repeat // 5))
    return {k: statistics.median(v) for k, v in samples.items()}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    s = Settings(epochs=args.epochs, seed=args.seed)
    t0 = time.perf_counter()
    ours, _, _ = train_digits(s)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs, _, _ = torch_train(s)
    t_theirs = time.perf_counter() - t0
    steps = step_times(s)
    print(f"{'':<22} {'symbp (numpy)':>14} {'PyTorch eager':>14}")
    print(f"{'test accuracy':<22} {ours:>14.4f} {theirs:>14.4f}")
    print(f"{'whole run':<22} {t_ours:>12.2f} s {t_theirs:>12.2f} s")
    print(f"{'one step (B=32)':<22} {1e6 * steps['symbp']:>11.0f} µs {1e6 * steps['torch']:>11.0f} µs")
    print(f"\naccuracy difference {abs(ours - theirs) * 100:.2f} points; "
          f"step time ratio symbp/torch {steps['symbp'] / steps['torch']:.2f}")


if __name__ == "__main__":
    main()
