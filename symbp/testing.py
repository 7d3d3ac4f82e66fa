"""symbp.testing: one-line checks of a hand-written backward, for pytest.

    from symbp.testing import assert_backward

    def test_my_linear():
        assert_backward("linear", my_linear_forward, my_linear_backward)           # numpy
        assert_backward("linear", f, b, dtype=np.float32)                           # in float32

    def test_my_function():
        assert_torch_function("softmax", MySoftmax)       # a torch.autograd.Function (or any callable)

Both raise ``AssertionError`` with the report of :func:`symbp.check_backward` — which input,
the worst relative error, where, and a diagnosis when one is certain — and return it otherwise.
PyTorch is imported only by :func:`assert_torch_function`.
"""
from __future__ import annotations

import numpy as np

from .check.backward import BackwardReport, check_backward, derivation_of

__all__ = ["assert_backward", "assert_torch_function", "torch_pair"]


def assert_backward(module, forward, backward, **kw) -> BackwardReport:
    """:func:`symbp.check_backward` that raises ``AssertionError`` (with the report) on failure.

    ``kw``: ``sizes``, ``dtype``, ``seed``, ``tolerance`` as for ``check_backward``.
    """
    report = check_backward(module, forward, backward, **kw)
    if not report.ok:
        raise AssertionError("\n" + str(report))
    return report


def torch_pair(module, fn):
    """``(forward, backward)`` in the generated-code convention around a PyTorch function.

    ``fn`` is a ``torch.autograd.Function`` subclass (called through ``.apply``) or any callable
    on tensors; it receives the module's inputs in order, then its parameters in order, all
    positionally. The backward runs autograd with the upstream gradient ``dout``.
    """
    try:
        import torch
    except ImportError as exc:  # torch stays optional
        raise ImportError("assert_torch_function needs PyTorch: pip install torch") from exc
    m = derivation_of(module).module
    call = fn.apply if isinstance(fn, type) and issubclass(fn, torch.autograd.Function) else fn
    differentiable = [t.differentiable for t in m.inputs]
    kinds = [t.kind for t in m.inputs]

    def forward(*arrays, **params):
        tensors = []
        for a, grad, kind in zip(arrays, differentiable, kinds):
            t = torch.from_numpy(np.array(a))
            if kind == "class":
                t = t.long()
            tensors.append(t.requires_grad_(grad))
        out = call(*tensors, *[params[p.name] for p in m.params if p.name in params])
        if isinstance(out, (tuple, list)):
            value = tuple(o.detach().numpy() for o in out)
        else:
            value = out.detach().numpy()
        return value, (tensors, out)

    def backward(dout, cache):
        tensors, out = cache
        outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        douts = tuple(dout) if isinstance(out, (tuple, list)) else (dout,)
        grad_out = [torch.as_tensor(np.asarray(g), dtype=o.dtype).reshape(o.shape)
                    for g, o in zip(douts, outs)]
        wanted = [t for t in tensors if t.requires_grad]
        grads = iter(torch.autograd.grad(outs, wanted, grad_out, allow_unused=True))
        result = []
        for t in tensors:
            if not t.requires_grad:
                result.append(None)
                continue
            g = next(grads)
            result.append(np.zeros(tuple(t.shape), dtype=t.detach().numpy().dtype) if g is None
                          else g.detach().numpy())
        return tuple(result)

    return forward, backward


def assert_torch_function(module, fn, **kw) -> BackwardReport:
    """:func:`assert_backward` for a ``torch.autograd.Function`` (or any torch callable)."""
    forward, backward = torch_pair(module, fn)
    return assert_backward(module, forward, backward, **kw)
