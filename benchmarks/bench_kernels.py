"""Generated numpy vs careful hand-written numpy vs PyTorch 2.13 CPU eager, side by side.

Every row runs the three implementations interleaved in one process (same data, float32) and
prints the median time of each and the ratios. Targets (issue 3): generated / hand <= 1.10;
linear's backward at >= 80 % of the GEMM throughput numpy reaches for the same matmuls; the MLP
step no slower than PyTorch eager.

    python benchmarks/bench_kernels.py [--repeat 200]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import hand as H  # the hand-written baselines (benchmarks/hand.py), checked by tests/test_check.py
import symbp

try:
    import torch
    torch.set_num_threads(max(1, torch.get_num_threads()))
except ImportError:  # the table still compares generated and hand-written numpy
    torch = None

F32 = np.float32
RNG = np.random.default_rng(0)


def gen(name):
    return symbp.load(symbp.derive(symbp.get(name)))


def timed(fn, repeat):
    """Median seconds of ``fn()`` over ``repeat`` runs (after a warm-up)."""
    for _ in range(3):
        fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def interleaved(fns: dict, repeat: int) -> dict:
    """Median time of each function, measured in alternating rounds so drift hits all alike."""
    rounds = 5
    out = {k: [] for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            if fn is not None:
                out[k].append(timed(fn, max(1, repeat // rounds)))
    return {k: (min(v) if v else float("nan")) for k, v in out.items()}


# -- rows -----------------------------------------------------------------------------------------
def row_linear():
    x, W, b = RNG.standard_normal((256, 784), F32), RNG.standard_normal((512, 784), F32) * 0.03, np.zeros(512, F32)
    g = RNG.standard_normal((256, 512), F32)
    f = gen("linear")

    def generated():
        y, cache = f.forward(x, W, b)
        return f.backward(g, cache)

    def hand():
        y, cache = H.linear_forward(x, W, b)
        return H.linear_backward(g, cache)
    return "linear 256x784->512", generated, hand, _torch(lambda X, Wt, bt: torch.nn.functional.linear(X, Wt, bt), x, W, b, g=g)


def _elementwise(name, torch_fn, shape=(256, 512)):
    x = RNG.standard_normal(shape, F32)
    g = RNG.standard_normal(shape, F32)
    f = gen(name)

    def generated():
        y, cache = f.forward(x)
        return f.backward(g, cache)
    return f, x, g, generated, _torch(torch_fn, x, g=g) if torch else None


def row_relu():
    f, x, g, generated, tch = _elementwise("relu", lambda t: torch.relu(t))

    def hand():
        y, cache = H.relu_forward(x)
        return H.relu_backward(g, cache)
    return "relu 256x512", generated, hand, tch


def row_sigmoid():
    f, x, g, generated, tch = _elementwise("sigmoid", lambda t: torch.sigmoid(t))

    def hand():
        y, cache = H.sigmoid_forward(x)
        return H.sigmoid_backward(g, cache)
    return "sigmoid 256x512", generated, hand, tch


def _row_softmax(n):
    x = RNG.standard_normal((256, n), F32)
    g = RNG.standard_normal((256, n), F32)
    f = gen("softmax")

    def generated():
        y, cache = f.forward(x)
        return f.backward(g, cache)

    def hand():
        y, cache = H.softmax_forward(x)
        return H.softmax_backward(g, cache)
    return f"softmax 256x{n}", generated, hand, _torch(lambda t: torch.softmax(t, -1), x, g=g) if torch else None


def row_softmax10():
    return _row_softmax(10)


def row_softmax1000():
    return _row_softmax(1000)


def row_nll():
    x = RNG.standard_normal((256, 10), F32)
    t = RNG.integers(0, 10, 256)
    f = gen("cross_entropy")

    def generated():
        loss, cache = f.forward(x, t)
        return f.backward(1.0, cache)

    def hand():
        loss, cache = H.cross_entropy_forward(x, t)
        return loss, H.cross_entropy_backward(1.0, cache)

    tch = None
    if torch:
        X = torch.tensor(x, requires_grad=True)
        T = torch.tensor(t)

        def tch():
            X.grad = None
            loss = torch.nn.functional.nll_loss(torch.log_softmax(X, -1), T)
            loss.backward()
            return X.grad
    return "log_softmax+NLL 256x10", generated, hand, tch


def _torch(fn, *arrays, g):
    if torch is None:
        return None
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    G = torch.tensor(g)

    def run():
        for t in ts:
            t.grad = None
        y = fn(*ts)
        y.backward(G)
        return [t.grad for t in ts]
    return run


def row_mlp():
    """A whole 784-512-10 training step: forward, loss, backward, SGD update."""
    B = 256
    x = RNG.standard_normal((B, 784), F32)
    t = RNG.integers(0, 10, B)
    W1 = (RNG.standard_normal((512, 784)) * np.sqrt(2 / 784)).astype(F32)
    b1 = np.zeros(512, F32)
    W2 = (RNG.standard_normal((10, 512)) * np.sqrt(2 / 512)).astype(F32)
    b2 = np.zeros(10, F32)
    lin, relu, ce = gen("linear"), gen("relu"), gen("cross_entropy")
    sgd = symbp.load(symbp.derive(symbp.get("sgd"))).step
    params = [W1, b1, W2, b2]
    lr = 0.01

    def generated():
        h, c1 = lin.forward(x, W1, b1)
        a, c2 = relu.forward(h)
        z, c3 = lin.forward(a, W2, b2)
        loss, c4 = ce.forward(z, t)
        dz, _ = ce.backward(1.0, c4)
        da, dW2, db2 = lin.backward(dz, c3)
        (dh,) = relu.backward(da, c2)
        _, dW1, db1 = lin.backward(dh, c1, needs=(False, True, True))
        for p, gp in zip(params, (dW1, db1, dW2, db2)):
            sgd(p, gp, lr=lr)  # in place
        return loss

    hW1, hb1, hW2, hb2 = W1.copy(), b1.copy(), W2.copy(), b2.copy()
    rows = np.arange(B)

    def hand():
        h = x @ hW1.T
        h += hb1
        a = np.maximum(h, 0)
        z = a @ hW2.T
        z += hb2
        s = z - z.max(axis=-1, keepdims=True)
        e = np.exp(s)
        p = e / e.sum(axis=-1, keepdims=True)
        p[rows, t] -= 1
        p /= B
        dW2 = p.T @ a
        db2 = p.sum(0)
        da = p @ hW2
        da *= (h >= 0)
        dW1 = da.T @ x
        db1 = da.sum(0)
        for param, grad in ((hW1, dW1), (hb1, db1), (hW2, dW2), (hb2, db2)):
            grad *= lr
            param -= grad

    tch = None
    if torch:
        model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        X, T = torch.tensor(x), torch.tensor(t)

        def tch():
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(X), T)
            loss.backward()
            opt.step()
    return "MLP 784-512-10 step (B=256)", generated, hand, tch


def gemm_throughput(repeat):
    """Linear's backward against the bare matmuls it must do (dX = G W, dW = Gᵀ X)."""
    x, W = RNG.standard_normal((256, 784), F32), RNG.standard_normal((512, 784), F32)
    g = RNG.standard_normal((256, 512), F32)
    f = gen("linear")
    _, cache = f.forward(x, W, np.zeros(512, F32))
    t = interleaved({"backward": lambda: f.backward(g, cache), "matmuls": lambda: (g @ W, g.T @ x)}, repeat)
    return t["matmuls"] / t["backward"]


ROWS = [row_linear, row_relu, row_sigmoid, row_softmax10, row_softmax1000, row_nll, row_mlp]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=200)
    args = p.parse_args(argv)
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'absent'}, float32, "
          f"median of interleaved runs\n")
    head = f"{'benchmark (fwd+bwd)':<30} {'generated':>10} {'hand':>10} {'torch':>10} {'gen/hand':>9} {'gen/torch':>9}"
    print(head)
    print("-" * len(head))
    for make in ROWS:
        name, g, h, tch = make()
        t = interleaved({"g": g, "h": h, "t": tch}, args.repeat)
        us = {k: v * 1e6 for k, v in t.items()}
        print(f"{name:<30} {us['g']:>8.0f}µs {us['h']:>8.0f}µs {us['t']:>8.0f}µs "
              f"{t['g'] / t['h']:>9.2f} {t['g'] / t['t']:>9.2f}")
    print(f"\nlinear backward at {100 * gemm_throughput(args.repeat):.0f} % of the GEMM throughput "
          "of its two matmuls alone (dX = G W, dW = Gᵀ X)")


if __name__ == "__main__":
    main()
