"""serve.server: ``symbp serve`` — type a forward expression, read its derivation (stdlib HTTP).

A :class:`ThreadingHTTPServer` on 127.0.0.1 answers each request in its own thread; the work runs
in a worker process per request (:mod:`symbp.serve.worker`) with a time and a memory limit, so
requests never wait for one another and a runaway one is killed. One warm spare worker (symbp
already imported) waits for the next request. The page is the site's: the same blocks, KaTeX
and stylesheet (served from the package, no network).
"""
from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from ..docs.lang import LANGUAGES, strings
from ..docs.site import inline_html, static_files
from ..templating import render

HOST = "127.0.0.1"
PORT = 8000
TIME_LIMIT = 30.0      # seconds of wall time per request
MEMORY_LIMIT = 1024.0  # MB of address space per request, above what a warm worker holds
FIELDS = ("expr", "shapes", "params", "name", "lang", "wrt", "answer")
EXAMPLES = (
    {"expr": "x * sigmoid(x)"},
    {"expr": "where(x > 0, x, alpha * (exp(x) - 1))", "params": "alpha=1.0"},
    {"expr": "sum((W @ x - y) ** 2)", "shapes": "W=m,n\nx=n\ny=m"},
    {"expr": "x.T @ A @ x", "shapes": "x=n\nA=n,n"},
)
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".woff2": "font/woff2", ".html": "text/html; charset=utf-8"}
POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; font-src 'self'; form-action 'self'; base-uri 'none'")


def _package_root() -> str:
    """The folder holding the ``symbp`` package this server runs (the workers import the same)."""
    return str(Path(__file__).resolve().parents[2])


class WorkerPool:
    """Runs each request in a fresh worker process; keeps ``spares`` started ones waiting."""

    def __init__(self, command=None, spares: int = 1, timeout: float = TIME_LIMIT,
                 memory_mb: float = MEMORY_LIMIT):
        self.command = list(command or [sys.executable, "-m", "symbp.serve.worker"])
        self.spares, self.timeout, self.memory_mb = spares, timeout, memory_mb
        self._lock = threading.Lock()
        self._waiting: list[subprocess.Popen] = []

    def _spawn(self) -> subprocess.Popen:
        path = os.pathsep.join(p for p in (_package_root(), os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "PYTHONPATH": path, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        return subprocess.Popen(self.command + [f"{self.memory_mb:g}", f"{self.timeout:g}"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=env)

    def _take(self) -> subprocess.Popen:
        with self._lock:
            ready = [p for p in self._waiting if p.poll() is None]
            proc = ready.pop(0) if ready else None
            self._waiting = ready
            while len(self._waiting) < self.spares:
                self._waiting.append(self._spawn())
        return proc or self._spawn()

    def run(self, request: dict) -> dict:
        """The worker's answer to ``request``, or an error line if it was stopped or failed."""
        proc = self._take()
        try:
            out, _ = proc.communicate(json.dumps(request).encode(), timeout=self.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return {"error": f"symbp: error: stopped after {self.timeout:g} s, "
                             f"the time limit of one request"}
        try:
            return json.loads(out)
        except ValueError:
            return {"error": f"symbp: error: the worker stopped (exit status {proc.returncode}): "
                             f"over the time or memory limit of one request"}

    def close(self):
        with self._lock:
            for proc in self._waiting:
                proc.kill()
                proc.communicate()
            self._waiting = []


def _form(query: str) -> dict[str, str]:
    """The form's fields from a query string (unknown fields ignored, too many refused)."""
    try:
        values = parse_qs(query, keep_blank_values=True, max_num_fields=4 * len(FIELDS))
    except ValueError:
        values = {}
    form = {k: values.get(k, [""])[0] for k in FIELDS}
    form["lang"] = form["lang"] if form["lang"] in LANGUAGES else "en"
    return form


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def page(form: dict[str, str], response: dict | None) -> str:
    """The one page: the form (with what was typed), then the answer or the error."""
    s = strings(form["lang"])
    result = (response or {}).get("result")
    verdict = (result or {}).get("verdict")
    labels = {k[len("serve."):]: inline_html(v) for k, v in s.items() if k.startswith("serve.")}
    return render(
        "serve.html.j2", lang=form["lang"], root="/", title=_escape(s["serve.title"]),
        labels=labels, form={k: _escape(v) for k, v in form.items()},
        languages=[dict(code=c, label=_escape(strings(c)["site.language"]),
                        selected=c == form["lang"]) for c in LANGUAGES],
        examples=[dict(href="/?" + _escape(urlencode({**e, "lang": form["lang"]})), text=_escape(e["expr"]))
                  for e in EXAMPLES],
        error=_escape(response["error"]) if response and "error" in response else None,
        result=result, verdict=verdict,
        verdict_error=_escape(verdict["error"]) if verdict and "error" in verdict else None,
        counterexample=_escape(verdict.get("counterexample", "")) if verdict else "",
        source=_escape(result["source"]) if result else "",
        inputs=", ".join(result["inputs"]) if result else "")


class Handler(BaseHTTPRequestHandler):
    server_version = "symbp"
    pool: WorkerPool
    assets: dict[str, bytes]

    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        if url.path == "/":
            form = _form(url.query)
            response = self.pool.run(form) if form["expr"].strip() else None
            return self._send(page(form, response).encode(), "text/html; charset=utf-8")
        asset = self.assets.get(url.path.lstrip("/"))
        if asset is None:
            return self._send(b"not found\n", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)
        return self._send(asset, TYPES.get(Path(url.path).suffix, "application/octet-stream"))

    def _send(self, body: bytes, content_type: str, status=HTTPStatus.OK):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # quiet: one line per request is noise here
        pass


def make_server(port: int = PORT, host: str = HOST, pool: WorkerPool | None = None) -> ThreadingHTTPServer:
    """A server bound to ``host:port`` (port 0: a free one); ``server.pool`` runs the requests."""
    handler = type("SymbpHandler", (Handler,), {"pool": pool or WorkerPool(), "assets": static_files()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.pool = handler.pool
    return server


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(port: int = PORT, host: str = HOST, timeout: float = TIME_LIMIT,
          memory_mb: float = MEMORY_LIMIT) -> None:
    """Serve until interrupted; print the address first (``port=0`` picks a free port)."""
    server = make_server(port, host, WorkerPool(timeout=timeout, memory_mb=memory_mb))
    print(f"symbp serve: http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.pool.close()
