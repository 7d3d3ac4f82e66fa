"""serve.worker: one request in a child process of its own, under a time and a memory limit.

``python -m symbp.serve.worker MEMORY_MB SECONDS`` imports symbp (a warm spare waits there), reads
one JSON request on stdin, lowers its own *soft* limits — address space: what it uses now plus
``MEMORY_MB``; CPU time: ``SECONDS`` more — does the work, and writes one JSON object on stdout:
``{"result": ...}`` or ``{"error": "symbp: error: ..."}``. The parent also kills it after
``SECONDS`` of wall time. The user's text is parsed by :mod:`symbp.expr`, an ``ast`` whitelist;
nothing typed is executed.
"""
from __future__ import annotations

import json
import re
import resource
import sys
from dataclasses import asdict

from ..check import verify
from ..codegen import codegen
from ..check import check_answer
from ..derive import derive
from ..docs.lang import LANGUAGES, strings
from ..docs.render import module_blocks
from ..docs.report import fmt_bound
from ..docs.site import code_html, html_blocks
from ..expr import ExpressionError
from ..graph import GraphError
from ..request import UsageError, user_module

BAD_INPUT = (UsageError, ExpressionError, GraphError, ValueError)


def _address_space() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * resource.getpagesize()


def limit(memory_mb: float, seconds: float) -> None:
    """Lower the soft limits for the request (the hard limits stay, so they can be restored)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + int(memory_mb * 2 ** 20), hard))
    used = resource.getrusage(resource.RUSAGE_SELF)
    _, hard_cpu = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (int(used.ru_utime + used.ru_stime + seconds) + 1, hard_cpu))


def unlimit_memory() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def lines(text) -> list[str]:
    """Form text with one ``NAME=VALUE`` per line (or separated by ``;``)."""
    return [x.strip() for x in re.split(r"[;\n]", text or "") if x.strip()]


def _one_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _verdict(d, request: dict, inputs: list[str], lang: str = "en") -> dict | None:
    answer = (request.get("answer") or "").strip()
    if not answer:
        return None
    wrt = (request.get("wrt") or "").strip() or inputs[0]
    try:
        v = check_answer(d, wrt, answer)
    except BAD_INPUT as exc:
        return dict(wrt=wrt, error=f"symbp: error: {exc}")
    return dict(wrt=wrt, correct=v.correct, counterexample="" if v.correct else v.text(lang))


def derive_request(request: dict) -> dict:
    """The derivation of the requested expression, laid out as the documents' blocks."""
    lang = request.get("lang") if request.get("lang") in LANGUAGES else "en"
    m = user_module(request.get("expr") or "", (request.get("name") or "").strip() or "user",
                    lines(request.get("shapes")), lines(request.get("params")))
    d = derive(m)
    report = verify(d, seed=0)
    s = strings(lang)
    source = codegen(d)
    inputs = [t.name for t in m.differentiable]
    return dict(
        name=m.name, inputs=inputs, ok=report.ok,
        status=s["index.verified"] if report.ok else s["index.failed"],
        error_bound=fmt_bound(report.max_rel_error),
        blocks=[asdict(b) for b in html_blocks(module_blocks(d, report, lang, {}), lang=lang)],
        source=source, code=code_html(source), verdict=_verdict(d, request, inputs, lang))


def handle(request: dict, memory_mb: float) -> dict:
    """``{"result": ...}``, or ``{"error": ...}`` with the command line's one line."""
    try:
        return {"result": derive_request(request)}
    except BAD_INPUT as exc:
        return {"error": f"symbp: error: {exc}"}
    except (MemoryError, SystemError):  # under RLIMIT_AS a failed allocation in C can surface as
        unlimit_memory()                 # SystemError ("error return without exception set")
        return {"error": f"symbp: error: out of memory: this request needed more than {memory_mb:g} MB"}
    except RecursionError:
        return {"error": "symbp: error: the expression is nested too deeply to derive"}
    except Exception as exc:  # a bug must not show a traceback on the page
        return {"error": f"symbp: error: could not derive this expression "
                         f"({type(exc).__name__}: {_one_line(exc)})"}


def main(argv=None) -> int:
    memory_mb, seconds = (float(a) for a in (argv or sys.argv[1:])[:2])
    request = json.loads(sys.stdin.buffer.read() or b"{}")
    limit(memory_mb, seconds)
    response = handle(request if isinstance(request, dict) else {}, memory_mb)
    unlimit_memory()
    sys.stdout.write(json.dumps(response))
    return 0


if __name__ == "__main__":
    sys.exit(main())
