"""The notes' practical tricks as modules: dropout and input normalisation — forward only."""
import sympy as sp

from ..spec import Module, Param, Statistic, Tensor, indices, size

b, i, k = indices("b i k")
B = size("B")


MASK_HELPER = '''def dropout_mask(shape, *, p=0.5, rng=None, dtype=np.float32):
    """A dropout mask: 1 with probability 1 - p, else 0 (``rng``: a seeded np.random.Generator)."""
    rng = np.random.default_rng(rng)
    return (rng.random(shape) >= p).astype(dtype)
'''


def dropout() -> Module:
    """Train mode: ``y = x · mask / (1 - p)``; without a mask (eval mode) the identity."""
    x = Tensor("x", ("N",))
    mask = Tensor("mask", ("N",), kind="mask", symbol="m")
    p = Param("p", 0.5)
    return Module("dropout", "Dropout", (x, mask), ("N",), (i,),
                  x[i] * mask[i] / (1 - p.symbol), params=(p,), elementwise=True,
                  identity_without="mask", helpers=MASK_HELPER,
                  source="y = x * mask / (1 - p), mask ~ Bernoulli(1 - p)")


def _named(name: str, positive: bool = False) -> sp.IndexedBase:
    return sp.IndexedBase(name, positive=True) if positive else sp.IndexedBase(name, real=True)


def normalize() -> Module:
    """Channel-wise ``(x - m) / max(σ, ε)`` with ``m``, ``σ`` the batch mean and deviation."""
    x = Tensor("x", ("B", "n"))  # n channels (C is the cost)
    eps = Param("eps", 1e-5)
    stats = (
        Statistic("m", (i,), ("n",), sp.Sum(x[k, i], (k, 0, B - 1)) / B),
        Statistic("v", (i,), ("n",), sp.Sum((x[k, i] - _named("m")[i]) ** 2, (k, 0, B - 1)) / B,
                  positive=True),
        Statistic("sigma", (i,), ("n",), sp.sqrt(_named("v", True)[i]), positive=True),
        Statistic("s", (i,), ("n",), sp.Piecewise((_named("sigma", True)[i], _named("sigma", True)[i] > eps.symbol),
                                                  (eps.symbol, True)), positive=True),
    )
    m, s = _named("m"), _named("s", True)
    return Module("normalize", "Input normalisation", (x,), ("B", "n"), (b, i),
                  (x[b, i] - m[i]) / s[i], params=(eps,), statistics=stats,
                  min_sizes=(("B", 3),),  # one sample has sigma = 0: on the kink sigma = eps
                  check_params=((), (("eps", 10.0),)),  # both branches of max(sigma, eps)
                  source="b'[i,j] = (b[i,j] - m_b) / max(sigma_b, eps)")
