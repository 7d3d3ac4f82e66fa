"""Modules users write — activations, losses, normalisations, attention, layers, Matrix Cookbook
identities — in symbp's expression language, each with a PyTorch reference (``torch`` and
``torch.nn.functional`` are passed in, so this table imports neither). Shared by
``tests/test_user_modules.py`` and ``benchmarks/bench_user_modules.py``.

``sizes`` binds the named sizes for the comparison; ``inputs`` draws an input other than a
standard normal (targets in [0, 1]).
"""
from dataclasses import dataclass, field

LAYER_NORM = ("(x - mean(x, axis=-1, keepdims=True))"
              " / sqrt(mean((x - mean(x, axis=-1, keepdims=True))**2, axis=-1, keepdims=True) + eps)"
              " * g + b")


@dataclass(frozen=True)
class UserModule:
    name: str
    text: str
    shapes: dict | None            # None: elementwise in x
    torch: object                  # (torch, F, *tensors, **params) -> tensor
    params: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)
    unit: tuple = ()               # inputs drawn from [0, 1] (targets)

    def build(self, symbp):
        if self.shapes is None:
            return symbp.elementwise(self.name, self.text, params=self.params)
        return symbp.module(self.name, self.text, shapes=self.shapes, params=self.params)


def _focal(torch, F, z, y):
    p = torch.sigmoid(z)
    return -(y * (1 - p) ** 2 * F.logsigmoid(z) + (1 - y) * p ** 2 * F.logsigmoid(-z)).mean()


def _kl(torch, F, p, q):
    return F.kl_div(F.log_softmax(q, -1), F.log_softmax(p, -1), log_target=True, reduction="sum")


def _attention(torch, F, Q, K, V):
    return torch.softmax(Q @ K.T / Q.shape[-1] ** 0.5, dim=-1) @ V


def _glu(torch, F, X, W, b, V, c):
    return F.glu(torch.cat([X @ W.T + b, X @ V.T + c], dim=-1), dim=-1)


BATCH = {"B": 4, "n": 6, "m": 3}

MODULES = [
    UserModule("gelu_erf", "0.5 * x * (1 + erf(x / sqrt(2)))", None, lambda t, F, x: F.gelu(x)),
    UserModule("gelu_tanh", "0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x**3)))", None,
               lambda t, F, x: F.gelu(x, approximate="tanh")),
    UserModule("silu", "x * sigmoid(x)", None, lambda t, F, x: F.silu(x)),
    UserModule("mish", "x * tanh(softplus(x))", None, lambda t, F, x: F.mish(x)),
    UserModule("elu", "where(x > 0, x, alpha * (exp(x) - 1))", None,
               lambda t, F, x, alpha: F.elu(x, alpha), params={"alpha": 1.0}),
    UserModule("selu", "scale * where(x > 0, x, alpha * (exp(x) - 1))", None,
               lambda t, F, x, alpha, scale: F.selu(x),
               params={"alpha": 1.6732632423543772, "scale": 1.0507009873554805}),
    UserModule("softsign", "x / (1 + abs(x))", None, lambda t, F, x: F.softsign(x)),
    UserModule("logistic_regression", "-mean(y * log(sigmoid(X @ w)) + (1 - y) * log(1 - sigmoid(X @ w)))",
               {"X": ("B", "n"), "w": ("n",), "y": ("B",)},
               lambda t, F, X, w, y: F.binary_cross_entropy_with_logits(X @ w, y), sizes=BATCH, unit=("y",)),
    UserModule("bce_with_logits", "mean(maximum(z, 0) - z * y + log(1 + exp(-abs(z))))",
               {"z": ("B",), "y": ("B",)},
               lambda t, F, z, y: F.binary_cross_entropy_with_logits(z, y), sizes=BATCH, unit=("y",)),
    UserModule("kl_softmax", "sum(softmax(p) * (log_softmax(p) - log_softmax(q)))",
               {"p": ("B", "n"), "q": ("B", "n")}, _kl, sizes=BATCH),
    UserModule("focal", "-mean(y * (1 - sigmoid(z))**2 * log(sigmoid(z))"
               " + (1 - y) * sigmoid(z)**2 * log(1 - sigmoid(z)))",
               {"z": ("B",), "y": ("B",)}, _focal, sizes=BATCH, unit=("y",)),
    UserModule("huber", "mean(where(abs(p - t) < delta, 0.5 * (p - t)**2, delta * (abs(p - t) - 0.5 * delta)))",
               {"p": ("B", "n"), "t": ("B", "n")},
               lambda t, F, p, y, delta: F.huber_loss(p, y, delta=delta), params={"delta": 1.0}, sizes=BATCH),
    UserModule("cosine_similarity", "sum(a * b, axis=-1) / (sqrt(sum(a**2, axis=-1)) * sqrt(sum(b**2, axis=-1)))",
               {"a": ("B", "n"), "b": ("B", "n")},
               lambda t, F, a, b: F.cosine_similarity(a, b, dim=-1), sizes=BATCH),
    UserModule("layer_norm", LAYER_NORM, {"x": ("B", "n"), "g": ("n",), "b": ("n",)},
               lambda t, F, x, g, b, eps: F.layer_norm(x, x.shape[-1:], g, b, eps),
               params={"eps": 1e-5}, sizes=BATCH),
    UserModule("rms_norm", "x / sqrt(mean(x**2, axis=-1, keepdims=True) + eps) * g",
               {"x": ("B", "n"), "g": ("n",)},
               lambda t, F, x, g, eps: F.rms_norm(x, x.shape[-1:], g, eps), params={"eps": 1e-6}, sizes=BATCH),
    UserModule("attention", "softmax(Q @ K.T / sqrt(d)) @ V", {"Q": ("s", "d"), "K": ("t", "d"), "V": ("t", "e")},
               _attention, sizes={"s": 3, "t": 5, "d": 4, "e": 2}),
    UserModule("glu", "(X @ W.T + b) * sigmoid(X @ V.T + c)",
               {"X": ("B", "n"), "W": ("m", "n"), "b": ("m",), "V": ("m", "n"), "c": ("m",)}, _glu, sizes=BATCH),
    UserModule("rnn_cell", "tanh(W @ x + U @ h + b)",
               {"W": ("m", "n"), "x": ("n",), "U": ("m", "m"), "h": ("m",), "b": ("m",)},
               lambda t, F, W, x, U, h, b: t.tanh(W @ x + U @ h + b), sizes=BATCH),
    UserModule("residual", "x + W2 @ relu(W1 @ x)", {"x": ("n",), "W1": ("m", "n"), "W2": ("n", "m")},
               lambda t, F, x, W1, W2: x + W2 @ t.relu(W1 @ x), sizes=BATCH),
    UserModule("bilinear", 'einsum("bi,oij,bj->bo", x1, A, x2) + b',
               {"x1": ("B", "n"), "A": ("o", "n", "p"), "x2": ("B", "p"), "b": ("o",)},
               lambda t, F, x1, A, x2, b: F.bilinear(x1, x2, A, b), sizes={"B": 3, "n": 4, "p": 2, "o": 5}),
    UserModule("bilinear_matmul", "x1 @ A @ x2 + b", {"x1": ("n",), "A": ("o", "n", "p"), "x2": ("p",), "b": ("o",)},
               lambda t, F, x1, A, x2, b: F.bilinear(x1[None], x2[None], A, b)[0], sizes={"n": 4, "p": 2, "o": 5}),
    UserModule("aTXb", "a @ X @ b", {"a": ("m",), "X": ("m", "n"), "b": ("n",)},
               lambda t, F, a, X, b: a @ X @ b, sizes=BATCH),
    UserModule("least_squares", "sum((A @ x - b)**2)", {"A": ("m", "n"), "x": ("n",), "b": ("m",)},
               lambda t, F, A, x, b: ((A @ x - b) ** 2).sum(), sizes=BATCH),
    UserModule("unit_vector", "x / sqrt(sum(x**2))", {"x": ("n",)},
               lambda t, F, x: F.normalize(x, dim=0), sizes=BATCH),
]
