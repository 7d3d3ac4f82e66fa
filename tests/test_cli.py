"""The command line: output, exit codes, one-line errors without tracebacks."""
import subprocess
import sys
import warnings

import pytest

from symbp.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    for name in ("linear", "relu", "softmax", "cross_entropy", "mse", "sgd_l2", "adam"):
        assert name in names


def test_derive_catalog_text(capsys):
    code, out, _ = run(capsys, "derive", "softmax")
    assert code == 0
    assert "dx[c, j] = (dout[c, j] - sum_i(dout[c, i]*out[c, i]))*out[c, j]" in out


def test_derive_expr_module(capsys):
    code, out, _ = run(capsys, "derive", "--expr", "sum((W @ x - y) ** 2)", "--shape", "W=m,n",
                       "--shape", "x=n", "--shape", "y=m", "--name", "lsq")
    assert code == 0 and out.startswith("lsq:")
    assert "dW[c, j]" in out


def test_derive_expr_elementwise_with_param(capsys):
    code, out, _ = run(capsys, "derive", "--expr", "where(x > 0, x, alpha * (exp(x) - 1))",
                       "--param", "alpha=1.5")
    assert code == 0 and "alpha" in out


def test_derive_py_format(capsys):
    code, out, _ = run(capsys, "derive", "relu", "--format", "py")
    assert code == 0
    compile(out, "relu.py", "exec")
    assert "def relu_backward(dout, cache):" in out


@pytest.mark.parametrize("argv, needle", [
    (["derive", "relu", "--format", "md"], "lang: en"),
    (["derive", "relu", "--format", "md", "--lang", "vi"], "<!--### Forward"),
    (["derive", "sgd_l1", "--format", "tex"], "\\section{"),
    (["derive", "--expr", "x * sigmoid(x)", "--format", "md"], "## user"),
])
def test_derive_documents(capsys, argv, needle):
    code, out, _ = run(capsys, *argv)
    assert code == 0 and needle in out


def test_verify_passes(capsys):
    code, out, _ = run(capsys, "verify", "relu", "sgd_l2")
    assert code == 0
    header = out.splitlines()[0].split()
    assert header[:4] == ["module", "input", "check", "size"]
    assert "passed" in out.splitlines()[-1]


def test_verify_names_what_it_could_not_check(capsys):
    code, out, _ = run(capsys, "verify", "--expr", "where(log_softmax(sigmoid(z)) > 0, 0.5, W @ x)",
                       "--shape", "z=m", "--shape", "W=m,n", "--shape", "x=n", "--seed", "0")
    assert code == 0 and "passed" in out.splitlines()[-1]
    assert "user: not checked: z at m=1 n=2 (on a kink that vanishes identically at that size)" in out


def test_verify_failure_exits_1(capsys, monkeypatch):
    import symbp
    import symbp.cli as cli
    real = symbp.derive

    def wrong(target):
        d = real(target)
        from test_verify_mutants import mutate
        return mutate(d, "x", lambda e, s: -e) if target.name == "relu" else d
    monkeypatch.setattr(cli, "derive", wrong)
    code, out, _ = run(capsys, "verify", "relu")
    assert code == 1 and "FAILED: relu" in out


@pytest.mark.parametrize("argv, fragment", [
    (["derive", "nosuch"], "unknown module 'nosuch'"),
    (["verify", "nosuch"], "unknown module"),
    (["derive", "--expr", "x +"], "syntax error"),
    (["derive", "--expr", "__import__('os').system('echo pwned')"], "not allowed"),
    (["derive", "--expr", "x.__class__"], "attribute"),
    (["derive", "--expr", "(lambda: x)()"], "lambda"),
    (["derive", "--expr", "x[0]"], "subscript"),
    (["derive", "--expr", "W @ x", "--shape", "W=m,n", "--shape", "x=m"], "shape mismatch"),
    (["derive", "--expr", "x", "--shape", "x"], "bad --shape"),
    (["derive", "--expr", "a*x", "--param", "a=abc"], "must be a number"),
    (["derive", "--expr", "+".join(["x"] * 3000)], "too long"),
    (["derive"], "needs a module NAME or --expr"),
    (["frobnicate"], "invalid choice"),
    ([], "a command is required"),
    (["build", "--lang", "fr"], "unknown language"),
    (["derive", "--expr", "x**10**10"], "exponent"),
    (["derive", "--expr", "9**9**9**9 * x"], "exponent"),
    (["derive", "--expr", "(x + 1)**100000"], "exponent"),
    (["derive", "--expr", "x * sqrt(-1)"], "complex"),
    (["derive", "--expr", "x / 0"], "infinite"),
    (["derive", "--expr", "x\udcff"], "not valid text"),
    (["derive", "--expr", "sum(x) * n", "--shape", "x=n", "--param", "n=2"], "both a size and a parameter"),
    (["derive", "--expr", "sum(x)", "--shape", "x=dout"], "reserved"),
    (["derive", "--expr", "sum(x, axis=3)", "--shape", "x=n"], "bad axis"),
    (["derive", "--expr", "x", "--shape", "x=n", "--shape", "x=m"], "--shape x is given twice"),
    (["derive", "--expr", "a*x", "--param", "a=1", "--param", "a=2"], "--param a is given twice"),
    (["derive", "softmax", "--expr", "x*2"], "give a module NAME or --expr, not both"),
    (["check", "sigmoid", "--expr", "x*2", "--wrt", "x", "--answer", "g"], "NAME or --expr, not both"),
    (["verify", "softmax", "--expr", "x*2"], "NAME or --expr, not both"),
    (["derive", "softmax", "--shape", "x=n", "--param", "a=1"], "--shape/--param only go with --expr"),
    (["verify", "relu", "--name", "r"], "--name only goes with --expr"),
    (["derive", "--expr", "x*a", "--param", "a=1", "--param", "b=2"], "parameter b is not used"),
    (["verify", "--expr", "x", "--seed", "-5"], "--seed must be a non-negative integer, got -5"),
    (["verify", "softmax", "--seed", "-1"], "--seed must be a non-negative integer, got -1"),
    (["check", "sigmoid", "--wrt", "x", "--answer", "g", "--seed", "-1"], "--seed must be a non-negative"),
    (["train", "digits", "--seed", "-1"], "--seed must be a non-negative integer"),
    (["derive", "--expr", "a*x", "--param", "a=1e999"], "parameter a must be a finite number, got '1e999'"),
    (["derive", "--expr", "x", "--shape", "\u00e9=n"], "invalid input name '\u00e9'"),
    (["derive", "--expr", "sigmoid(" * 28 + "x" + ")" * 28], "nested too deeply to derive"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, fragment, tmp_path):
    code, out, err = run(capsys, *argv)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symbp: error:"), err
    assert fragment in lines[0]
    assert "Traceback" not in err


def test_console_script_no_traceback_and_nothing_executed(tmp_path):
    marker = tmp_path / "pwned"
    proc = subprocess.run([sys.executable, "-m", "symbp.cli", "derive", "--expr",
                           f"__import__('os').system('touch {marker}')"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("symbp: error:") and "Traceback" not in proc.stderr
    assert not marker.exists()


@pytest.mark.parametrize("argv, needle", [
    (["check", "sigmoid", "--wrt", "x", "--answer", "-g*y*(y-1)"], "correct"),
    (["derive", "--expr", "-(-(-x))"], "dx = -dout"),
    (["derive", "--expr", "-x", "--shape", "x=n", "--format", "py"], "def user_backward"),
])
def test_values_starting_with_minus(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 0 and needle in out, err


def test_missing_expression_value_says_how_to_write_one(capsys):
    code, _, err = run(capsys, "check", "sigmoid", "--wrt", "x", "--answer")
    assert code == 2 and "write --answer=VALUE" in err


@pytest.mark.parametrize("argv, code", [
    (["check", "sigmoid", "--wrt", "x", "--answer", "g*exp(exp(exp(x)))"], 1),
    (["verify", "--expr", "log(-x)"], 0),  # its domain is found (x < 0): no warning on the way
])
def test_no_numpy_warnings_on_valid_runs(capsys, argv, code):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert run(capsys, *argv)[0] == code
    assert not caught, [str(w.message) for w in caught]


@pytest.mark.parametrize("name, line", [
    ("dropout", "input     mask: (N)  (0/1 mask, not differentiable)"),
    ("cross_entropy", "input     target: (B)  (integer classes, not differentiable)"),
])
def test_derive_text_names_what_a_non_differentiable_input_is(capsys, name, line):
    code, out, _ = run(capsys, "derive", name)
    assert code == 0 and "  " + line in out.splitlines()


def test_a_page_with_no_finite_worked_example_is_one_error_line(capsys):
    """exp(exp(exp(exp(x + 3)))) overflows at every point drawn: its md page cannot check a single
    formula, so it is refused (exit 2); one where a finite point exists is written."""
    code, out, err = run(capsys, "derive", "--expr", "exp(exp(exp(exp(x + 3))))", "--format", "md")
    assert code == 2 and not out and len(err.strip().splitlines()) == 1
    assert err.startswith("symbp: error: no md page for user:") and "no finite value" in err
    code, out, _ = run(capsys, "derive", "--expr", "exp(exp(exp(exp(exp(x)))))", "--format", "tex")
    assert code == 0 and out
