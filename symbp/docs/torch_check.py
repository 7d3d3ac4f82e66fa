"""torch_check: a PyTorch cross-check snippet and the pitfalls, on each module page.

The snippet runs the worked example through the generated code and through PyTorch's autograd and
asserts both agree; the tests execute every page's snippet.
"""
from __future__ import annotations

from .examples import EXAMPLES, array_text, example_point

TORCH = {
    "linear": "torch.nn.functional.linear(x, W, b)",
    "relu": "torch.relu(x)",
    "duplicate": "torch.stack([x, x])",
    "add": "x1 + x2",
    "max": "torch.maximum(x1, x2)",
    "sigmoid": "torch.sigmoid(x)",
    "tanh": "torch.tanh(x)",
    "softmax": "torch.softmax(x, dim=-1)",
    "log_softmax": "torch.log_softmax(x, dim=-1)",
    "cross_entropy": "torch.nn.functional.cross_entropy(logits, target)",
    "mse": "torch.nn.functional.mse_loss(pred, target)",
    "l2_penalty": "alpha * (w ** 2).sum()",
    "l1_penalty": "alpha * w.abs().sum()",
    "dropout": "x * mask / (1 - p)",
    "normalize": "(x - x.mean(0)) / torch.clamp(x.std(0, unbiased=False), min=eps)",
}


def snippet(d) -> str:
    """Python that checks the generated backward of ``d`` against PyTorch on the worked example."""
    m = d.module
    p = example_point(d)
    ins = [t.name for t in m.inputs]
    lines = ["import numpy as np", "import torch", "import symbp", "",
             f'f = symbp.load(symbp.derive(symbp.get("{m.name}")))']
    for t in m.inputs:
        dtype = "np.int64" if t.kind == "class" else "float"
        lines.append(f"{t.name}_np = np.array({array_text(p.inputs[t.name])}, dtype={dtype})")
    for k, v in p.params.items():
        lines.append(f"{k} = {v!r}")
    kw = "".join(f", {k}={k}" for k in p.params)
    lines.append(f"g = np.array({array_text(p.g)})")
    lines.append(f"out, cache = f.forward({', '.join(n + '_np' for n in ins)}{kw})")
    if m.branches:
        lines += ["out = np.stack(out)", "grads = f.backward(tuple(g), cache)"]
    else:
        lines.append("grads = f.backward(g, cache)")
    lines.append("")
    for t in m.inputs:
        grad = ", requires_grad=True" if t.differentiable else ""
        lines.append(f"{t.name} = torch.tensor({t.name}_np{grad})")
    lines += [f"y = {TORCH[m.name]}", "y.backward(torch.tensor(g))",
              "assert np.allclose(out, y.detach().numpy())"]
    for k, t in enumerate(m.inputs):
        if t.differentiable:
            lines.append(f"assert np.allclose(grads[{k}], {t.name}.grad.numpy())")
    lines.append('print("symbp and PyTorch agree")')
    return "\n".join(lines)


def torch_blocks(w, d):
    if d.module.name not in TORCH or d.module.name not in EXAMPLES:
        return
    w.heading("h.torch")
    w.para("torch.intro")
    w.code(snippet(d))
    key = f"pitfall.{d.module.name}"
    if key in w.s:
        w.para(key)
