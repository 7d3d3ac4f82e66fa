"""The ``symbp`` command line: list, derive, verify, check, build, train, serve.

Exit status: 0 success; 1 a verification failed (for ``check``: the answer is wrong); 2 bad input,
with one line on stderr that begins ``symbp: error:`` and no traceback.
"""
from __future__ import annotations

import argparse
import re
import sys
import warnings

from pathlib import Path

from .build import build, write_atomic
from .build.pdf import PdfError
from .catalog import catalog as catalog_modules
from .catalog import get, rules
from .check import check_answer, verify
from .codegen.generate import module_source
from .derive import DerivationError, derive
from .docs.equations import NoExample
from .docs.render import render_one
from .docs.report import checks_table, derivation_text
from .expr import ExpressionError, shape_text
from .graph import GraphError
from .request import UsageError
from .request import user_module as module_from_text


EXPRESSION_OPTIONS = ("--expr", "--answer")  # their values may start with "-": "-g * y"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block
        missing = re.fullmatch(r"argument (?:\S+/)?(--[\w-]+): expected one argument", message)
        if missing and missing[1] in EXPRESSION_OPTIONS:
            message += f" (for a value that starts with -, write {missing[1]}=VALUE)"
        raise UsageError(message)


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and its subcommands."""
    found = set(parser._option_string_actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _option_strings(sub)
    return found


def _is_option(token: str, options: set[str]) -> bool:
    """``token`` names an option (or an abbreviation argparse would accept)."""
    head = token.split("=", 1)[0]
    if token.startswith("--"):
        return len(head) > 2 and any(o.startswith(head) for o in options if o.startswith("--"))
    return head in options


def join_expression_values(argv: list[str], options: set[str]) -> list[str]:
    """``--answer -g*y`` -> ``--answer=-g*y``: argparse refuses a value that starts with ``-``
    unless it is joined to its option; a following token that is an option stays one."""
    out, k = [], 0
    while k < len(argv):
        token = argv[k]
        if token == "--":
            return out + argv[k:]
        nxt = argv[k + 1] if k + 1 < len(argv) else None
        if token in EXPRESSION_OPTIONS and nxt is not None and nxt.startswith("-") \
                and not _is_option(nxt, options):
            out.append(f"{token}={nxt}")
            k += 2
            continue
        out.append(token)
        k += 1
    return out


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="symbp", description="Symbolic backprop: derive, verify, document and "
                "generate the backward of neural-network modules from their forward.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("list", help="the catalog, one line each")

    def expr_options(q):
        q.add_argument("--expr", help="a user expression (see the README's expression language)")
        q.add_argument("--name", dest="module_name",
                       help="name of the user module (default: user)")
        q.add_argument("--shape", action="append", default=[], metavar="VAR=d1,d2",
                       help="an input and its size names; without --shape the expression is "
                       "elementwise in x")
        q.add_argument("--param", action="append", default=[], metavar="P=VALUE",
                       help="a scalar parameter and its default value")

    d = sub.add_parser("derive", help="print the derivation of a module")
    d.add_argument("name", nargs="?", help="a catalog module or update rule")
    expr_options(d)
    d.add_argument("--format", choices=("text", "md", "tex", "py"), default="text")
    d.add_argument("--lang", choices=("en", "vi"), default="en")

    v = sub.add_parser("verify", help="check derivatives against finite differences")
    v.add_argument("names", nargs="*", help="modules or rules (default: all)")
    expr_options(v)
    v.add_argument("--seed", type=int, default=0)

    c = sub.add_parser("check", help="is a formula for a gradient right? (a student's answer)")
    c.add_argument("name", nargs="?", help="a catalog module")
    expr_options(c)
    c.add_argument("--wrt", required=True, metavar="X", help="the input the gradient is taken for")
    c.add_argument("--answer", required=True, metavar="EXPR",
                   help="the formula, in g (upstream gradient), y (output), the inputs and "
                   "parameters: e.g. \"g @ W\"")
    c.add_argument("--lang", choices=("en", "vi"), default="en")
    c.add_argument("--seed", type=int, default=0)

    b = sub.add_parser("build", help="write everything into output/")
    b.add_argument("--out", default="output", help="output folder (default: output)")
    b.add_argument("--lang", default="en,vi", help="languages, comma-separated (default: en,vi)")
    b.add_argument("--pdf", action="store_true", help="also compile the LaTeX books to PDF")
    t = sub.add_parser("train", help="train an MLP built as a symbp graph (dataset: digits)")
    t.add_argument("dataset", choices=("digits",))
    t.add_argument("--epochs", type=int, default=40)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--out", default="output", help="where the curves go (default: output)")
    s = sub.add_parser("serve", help="a local web page: type an expression, see its derivation")
    s.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0: any free one)")
    s.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default: 30)")
    s.add_argument("--memory", type=float, default=1024.0, metavar="MB",
                   help="memory per request, in MB (default: 1024)")
    return p


def user_module(args):
    """The module of ``--expr``/``--shape``/``--param``."""
    return module_from_text(args.expr, args.module_name or "user", args.shape, args.param)


def _check_target_options(args, names) -> None:
    """A module NAME or ``--expr``, not both; ``--name``/``--shape``/``--param`` only with ``--expr``."""
    if args.expr is not None:
        if names:
            raise UsageError("give a module NAME or --expr, not both")
        return
    given = [opt for opt, value in (("--name", args.module_name), ("--shape", args.shape),
                                    ("--param", args.param)) if value]
    if given:
        raise UsageError(f"{'/'.join(given)} only go{'es' if len(given) == 1 else ''} with --expr")


def _lookup(name: str):
    try:
        return get(name)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None


def cmd_list(args) -> int:
    for name, m in catalog_modules().items():
        ins = ", ".join(f"{t.name}{shape_text(t.dims) if not m.elementwise else ''}" for t in m.inputs)
        out = shape_text(m.out_dims) if m.out_dims and not m.elementwise else ("scalar" if not m.out_dims else "same shape")
        print(f"{name:<14} {m.title:<38} {ins} -> {out}")
    for name, r in rules().items():
        print(f"{name:<14} {r.title:<38} update rule")
    return 0


def _target(args, command: str):
    """The module a command works on: ``--expr`` (a user module) or a catalog NAME."""
    _check_target_options(args, [args.name] if args.name else [])
    if args.expr is not None:
        return user_module(args)
    if args.name:
        return _lookup(args.name)
    raise UsageError(f"{command} needs a module NAME or --expr EXPR")


def cmd_derive(args) -> int:
    target = _target(args, "derive")
    d = derive(target)
    if args.format == "text":
        print(derivation_text(d), end="")
    elif args.format == "py":
        name = getattr(target, "name", "user")
        print(module_source([d], title=f"{name} — generated by symbp"), end="")
    else:
        try:
            page = render_one(d, args.format, args.lang)
        except NoExample as exc:
            raise UsageError(f"no {args.format} page for {d.name}: {exc} (every formula of a page is "
                             f"checked at a point; --format text and py need none)") from None
        print(page, end="")
    return 0


def cmd_verify(args) -> int:
    _check_target_options(args, args.names)
    if args.expr is not None:
        targets = [user_module(args)]
    else:
        names = args.names or list(catalog_modules()) + list(rules())
        targets = [_lookup(n) for n in names]
    reports = [verify(derive(t), seed=args.seed) for t in targets]
    print(checks_table(reports), end="")
    failed = [r.name + ("" if r.checks else " (nothing could be checked)") for r in reports if not r.ok]
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    print(f"all {sum(len(r.checks) for r in reports)} checks passed")
    return 0


def cmd_check(args) -> int:
    target = _target(args, "check")
    if not hasattr(target, "inputs"):
        raise UsageError(f"{args.name} is an update rule; check works on modules")
    try:
        verdict = check_answer(target, args.wrt, args.answer, seed=args.seed)
    except ExpressionError:
        raise
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(verdict.text(args.lang))
    return 0 if verdict.correct else 1


def cmd_build(args) -> int:
    langs = tuple(x.strip() for x in args.lang.split(",") if x.strip())
    bad = [x for x in langs if x not in ("en", "vi")]
    if bad or not langs:
        raise UsageError(f"unknown language {bad[0] if bad else args.lang!r}: choose from en, vi")
    try:
        ok = build(args.out, langs=langs, pdf=args.pdf, progress=sys.stderr.isatty())
    except PdfError as exc:
        first = next((ln for ln in str(exc).splitlines() if ln.startswith("!")), "see the log")
        print(f"symbp: error: {str(exc).splitlines()[0]} {first}", file=sys.stderr)
        return 1
    return 0 if ok else 1


def cmd_train(args) -> int:
    from .train import Settings, plot_history, progress_printer, train_digits
    if args.epochs < 1:
        raise UsageError("--epochs must be at least 1")
    settings = Settings(epochs=args.epochs, seed=args.seed)
    try:
        acc, history, _ = train_digits(settings, progress=progress_printer())
    except RuntimeError as exc:
        raise UsageError(str(exc)) from None
    figs = plot_history(history)
    root = Path(args.out) / "train"
    write_atomic(root / "digits.svg", figs["svg"])
    print(f"trained {args.epochs} epochs in {history.seconds:.1f} s; curves: {root / 'digits.svg'}")
    print(f"test accuracy: {acc:.4f}")
    return 0


def cmd_serve(args) -> int:
    from .serve import serve
    if not 0 <= args.port <= 65535:
        raise UsageError(f"bad --port {args.port}: choose 0 to 65535")
    if args.timeout <= 0 or args.memory <= 0:
        raise UsageError("--timeout and --memory must be positive")
    try:
        serve(args.port, timeout=args.timeout, memory_mb=args.memory)
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}") from None
    return 0


COMMANDS = {"list": cmd_list, "derive": cmd_derive, "verify": cmd_verify, "check": cmd_check,
            "build": cmd_build, "train": cmd_train, "serve": cmd_serve}


def _error(message: str) -> None:
    """One line on stderr, whatever the terminal's encoding (user text may hold anything)."""
    line = "symbp: error: " + " ".join(str(message).split())
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    print(line.encode(encoding, "backslashreplace").decode(encoding), file=sys.stderr)


def _check_seed(args) -> None:
    seed = getattr(args, "seed", 0)
    if seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, got {seed}")


def run_command(args) -> int:
    """One command, its numpy and Python warnings silenced (the verdict or report says what
    matters: an overflow in a wrong answer is not news)."""
    _check_seed(args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return COMMANDS[args.command](args)


def main(argv=None) -> int:
    try:
        parser = _parser()
        argv = list(sys.argv[1:] if argv is None else argv)
        args = parser.parse_args(join_expression_values(argv, _option_strings(parser)))
        if not args.command:
            raise UsageError("a command is required: list, derive, verify, check, build, train or serve")
        return run_command(args)
    except (UsageError, ExpressionError, GraphError) as exc:
        _error(exc)
        return 2
    except BrokenPipeError:
        return 0
    except DerivationError as exc:  # a check of symbp's own work failed
        _error(exc)
        return 1
    except Exception as exc:  # a bug: still one line, never a traceback
        _error(f"internal error: {type(exc).__name__}: {exc} (a bug in symbp; please report it)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
