"""symbp serve without a browser: the worker (limits, errors as the CLI's line, nothing typed is
executed), the answer check, the HTTP front (threads, assets, 404), and concurrency/time limits
with a stand-in worker. The browser tests are in test_browser.py."""
import socket
import sys
import threading
import urllib.request
from urllib.parse import urlencode

import pytest

from symbp.cli import main
from symbp.serve import WorkerPool, make_server
from symbp.serve.worker import handle

HOSTILE = "__import__('os')"

# a stand-in worker: sleeps for as many seconds as the expression says, then answers
FAKE_WORKER = ("import json, sys, time\n"
               "r = json.load(sys.stdin)\n"
               "time.sleep(float(r['expr']))\n"
               "print(json.dumps({'error': 'symbp: error: slept ' + r['expr']}))\n")


def cli_error(capsys, *argv: str) -> str:
    """The command line's one error line for ``argv`` (exit status 2)."""
    capsys.readouterr()
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    return err.strip()


@pytest.fixture
def running():
    """Start a server on a free loopback port; stop it (and its workers) afterwards."""
    servers = []

    def start(pool):
        server = make_server(0, pool=pool)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
        server.pool.close()


def get(url: str, **query) -> str:
    with urllib.request.urlopen(url + ("?" + urlencode(query) if query else ""), timeout=60) as r:
        return r.read().decode()


def test_a_bad_expression_gives_the_command_lines_line(capsys):
    for expr in (HOSTILE, "x.__class__", "lambda: 1", "x +"):
        assert handle({"expr": expr}, 512) == {"error": cli_error(capsys, "derive", "--expr", expr)}


def test_a_request_is_derived_and_shown_as_the_documents_blocks():
    out = handle({"expr": "sigmoid(x)", "answer": "g * y * (1 - y)", "lang": "vi"}, 512)["result"]
    assert out["ok"] and out["inputs"] == ["x"] and out["status"] == "đạt"
    kinds = [b["kind"] for b in out["blocks"]]
    assert kinds.count("math") >= 4 and "table" in kinds and "code" in kinds
    assert any("Quy tắc chuỗi" in b["html"] for b in out["blocks"])  # the Vietnamese blocks
    assert "def user_backward" in out["source"] and '<span class="k">def</span>' in out["code"]
    assert out["verdict"] == {"wrt": "x", "correct": True, "counterexample": ""}
    wrong = handle({"expr": "sigmoid(x)", "answer": "g * y"}, 512)["result"]["verdict"]
    assert wrong["correct"] is False and "counterexample" in wrong["counterexample"]
    bad = handle({"expr": "sigmoid(x)", "answer": HOSTILE}, 512)["result"]["verdict"]
    assert bad["error"].startswith("symbp: error: function '__import__' is not allowed")


def test_shapes_and_parameters_come_from_the_form_lines():
    out = handle({"expr": "W @ x", "shapes": "W=m,n\n x=n ;", "wrt": "x", "answer": "W.T @ g"},
                 512)["result"]
    assert out["inputs"] == ["W", "x"] and out["verdict"]["correct"]
    assert handle({"expr": "x", "params": "alpha"}, 512) == \
        {"error": "symbp: error: bad --param 'alpha': expected NAME=VALUE"}


def test_nothing_typed_is_evaluated(monkeypatch):
    """The typed text never reaches eval, sympify or parse_expr (SymPy and numpy may use them
    for their own strings; the generated code is ours and is exec'd by codegen.compiled)."""
    import builtins
    import sympy
    import sympy.parsing.sympy_parser as parser
    typed = ("where(x > 0, x, alpha * (exp(x) - 1))", "g * where(x > 0, 1, alpha * exp(x))")
    seen = []

    def guard(real):
        def checked(source, *args, **kwargs):
            if isinstance(source, str) and any(t in source for t in typed):
                seen.append(source)
                raise AssertionError("user text reached an evaluator")
            return real(source, *args, **kwargs)
        return checked
    sympify_module = sys.modules["sympy.core.sympify"]
    monkeypatch.setattr(builtins, "eval", guard(builtins.eval))
    monkeypatch.setattr(sympify_module, "sympify", guard(sympify_module.sympify))
    monkeypatch.setattr(sympy, "sympify", guard(sympy.sympify))
    monkeypatch.setattr(parser, "parse_expr", guard(parser.parse_expr))
    out = handle({"expr": typed[0], "params": "alpha=1.0", "answer": typed[1]}, 512)
    assert out["result"]["verdict"]["correct"] is True and not seen


def test_the_answer_box_reports_shapes_and_bad_names():
    wrong = handle({"expr": "W @ x", "shapes": "W=m,n\nx=n", "wrt": "W", "answer": "g"}, 512)
    assert wrong["result"]["verdict"]["correct"] is False
    assert "shape" in wrong["result"]["verdict"]["counterexample"]
    bad = handle({"expr": "W @ x", "shapes": "W=m,n\nx=n", "wrt": "q", "answer": "g"}, 512)
    assert bad["result"]["verdict"]["error"].startswith("symbp: error:") and "q" in bad["result"]["verdict"]["error"]


def test_the_memory_limit_stops_a_request_with_one_line():
    pool = WorkerPool(spares=0, memory_mb=0.01)
    out = pool.run({"expr": "x * sigmoid(x)"})
    assert out == {"error": "symbp: error: out of memory: this request needed more than 0.01 MB"}


def test_a_real_worker_answers_through_the_pool():
    out = WorkerPool(spares=0).run({"expr": "tanh(x)", "answer": "g * (1 - y ** 2)"})
    assert out["result"]["ok"] and out["result"]["verdict"]["correct"]


def test_concurrent_requests_do_not_wait_for_each_other_and_the_slow_one_is_stopped(running):
    url = running(WorkerPool([sys.executable, "-c", FAKE_WORKER], spares=0, timeout=3))
    slow = {}
    thread = threading.Thread(target=lambda: slow.update(page=get(url, expr="60")))
    thread.start()
    assert "slept 0" in get(url, expr="0")  # answered while the slow one still runs
    assert thread.is_alive() and not slow
    thread.join(timeout=60)
    assert "symbp: error: stopped after 3 s, the time limit of one request" in slow["page"]


def test_the_http_front_serves_the_form_assets_and_nothing_else(running):
    url = running(WorkerPool([sys.executable, "-c", FAKE_WORKER], spares=0))
    with urllib.request.urlopen(url, timeout=30) as r:
        page = r.read().decode()
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert '<form class="derive" method="get" action="/">' in page and 'id="error"' not in page
    with urllib.request.urlopen(url + "katex/katex.min.js", timeout=30) as r:
        assert r.headers["Content-Type"].startswith("text/javascript") and b"0.11.1" in r.read()
    for path in ("nothing", "../pyproject.toml", "katex/../../cli.py", "%2e%2e/symbp/cli.py"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url + path, timeout=30)
        assert err.value.code == 404
    page = get(url, expr="0", lang="xx", **{f"f{k}": "1" for k in range(40)})
    assert 'lang="en"' in page  # unknown language, too many fields: still one clean page
    assert get(url, expr="0", wrt="<script>alert(1)</script>").count("<script>alert") == 0


def test_the_command_line_refuses_a_bad_port_with_one_line(capsys):
    assert cli_error(capsys, "serve", "--port", "70000") == "symbp: error: bad --port 70000: choose 0 to 65535"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = cli_error(capsys, "serve", "--port", str(port))
    assert line.startswith(f"symbp: error: cannot listen on 127.0.0.1:{port}:")
