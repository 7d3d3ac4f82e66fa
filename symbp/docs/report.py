"""report: plain-text views of derivations and verification reports (CLI and build)."""
from __future__ import annotations

from ..codegen.generate import subgradient_text
from ..codegen.kernel import build_kernel
from ..codegen.printing import text
from ..derive import RuleDerivation, subgradients


def fmt_error(x: float) -> str:
    return "inf" if x != x or x == float("inf") else f"{x:.1e}"


def fmt_bound(x: float) -> str:
    """An error as the power of ten above it (``3.2e-10`` -> ``< 1e-9``): stable across machines."""
    if x != x or x == float("inf"):
        return "inf"
    if x == 0:
        return "0"
    import math
    return f"< 1e{math.floor(math.log10(x)) + 1}"


NBSP = "\u00a0"
INPUT_KINDS = {"real": "", "class": "  (integer classes, not differentiable)",
               "mask": "  (0/1 mask, not differentiable)"}


def fmt_bound_text(x: float) -> str:
    """:func:`fmt_bound` for prose: ``<`` joined to its number by a non-breaking space, so a line
    never ends on ``<`` (tables keep :func:`fmt_bound`'s plain value)."""
    return fmt_bound(x).replace("< ", "<" + NBSP)


def checks_table(reports, exact: bool = True) -> str:
    """One row per check: module, input, check, size, max relative error, tolerance, result."""
    rows = [("module", "input", "check", "size", "max rel err", "tol", "result")]
    for r in reports:
        for c in r.checks:
            err = fmt_error(c.max_rel_error) if exact else fmt_bound(c.max_rel_error)
            rows.append((c.module, c.input, c.kind, c.size, err,
                         f"{c.tolerance:.0e}", "pass" if c.ok else f"FAIL {c.error}".strip()))
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths)) + "  " + row[-1]
             for row in rows]
    lines += [f"{r.name}: not checked: {s}"
              for r in reports for s in r.skipped]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def derivation_text(d) -> str:
    if d.kind == "rule":
        return _rule_text(d)
    m = d.module
    out = [f"{m.name}: {m.title}"]
    idx = ", ".join(map(str, m.index))
    out.append(f"  forward   out[{idx}] = {text(m.forward)}" if idx else f"  forward   out = {text(m.forward)}")
    for t in m.inputs:
        out.append(f"  input     {t.name}: ({', '.join(t.dims)}){INPUT_KINDS[t.kind]}")
    for name, s in d.steps.items():
        at = ", ".join(map(str, s.index))
        out.append(f"\n  d/d{name}[{at}]")
        out.append(f"    partial    {text(s.partial)}")
        out.append(f"    Jacobian   {text(s.jacobian)}")
        if s.jacobian_y is not None:
            out.append(f"    in y       {text(s.jacobian_y)}")
        out.append(f"    VJP        d{name}[{at}] = {text(s.vjp)}")
    for cond, rule in subgradients(m.forward):
        out.append(f"\n  subgradient: {subgradient_text(cond, rule)}")
    body = build_kernel(d).backward.body
    out.append("\n  numpy backward:\n" + "".join("  " + ln + "\n" for ln in body.splitlines()).rstrip())
    return "\n".join(out) + "\n"


def _rule_text(rd: RuleDerivation) -> str:
    r = rd.rule
    out = [f"{r.name}: {r.title}", f"  penalty   R(w) = {text(r.penalty)}",
           f"  dR/dw_i   {text(rd.penalty_grad)}", f"  dL/dw_i   {text(rd.loss_grad)}"]
    out += [f"  {name:<9} <- {text(e)}" for name, e in rd.updates]
    if rd.decay_form is not None:
        out.append(f"  decay     w <- {text(rd.decay_form)}")
    if rd.subgradient_at_zero:
        out.append("  subgradient: sign(0) = 0 — a weight at exactly 0 feels no L1 pull")
    return "\n".join(out) + "\n"
