"""The `kubetriage` command: the dashboard by default, and `sim`, `check`, `verify` subcommands.

Every user mistake ends here as one line on stderr and exit code 2, never a traceback; so does
anything unforeseen (exit 1 is `check`'s "findings", never an error).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from typing import IO

from kubetriage import __version__
from kubetriage.core.names import name_problem
from kubetriage.core.text import clean_lines
from kubetriage.errors import EXIT_USAGE, UsageError


def fail(message: str) -> int:
    say(f"kubetriage: error: {message}")
    return EXIT_USAGE


def warn(message: str) -> None:
    say(f"kubetriage: warning: {message}")


def say(text: str) -> None:
    """Every line kubetriage writes to stderr: messages quote names and text from the cluster,
    cleaned as everything on stdout is."""
    print(clean_lines(text), file=sys.stderr, flush=True)


class Parser(argparse.ArgumentParser):
    """argparse quoting a flag's value back (usage errors) goes through the cleaner too."""

    def _print_message(self, message: str, file: IO[str] | None = None) -> None:
        super()._print_message(clean_lines(message) if message else message, file)


class CleanFormatter(logging.Formatter):
    """Log records (KUBETRIAGE_DEBUG=1) carry server messages and plugin output: cleaned."""

    def format(self, record: logging.LogRecord) -> str:
        return clean_lines(super().format(record))


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="kubetriage",
        description="A live terminal dashboard that links Kubernetes and Flux failures to their "
                    "cause.")
    parser.add_argument("--version", action="version", version=f"kubetriage {__version__}")
    parser.add_argument("--demo", metavar="SCENARIO", nargs="?", const="midwestmtg",
                        help="run against the embedded cluster playing SCENARIO "
                             "(default: midwestmtg)")
    parser.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig file (default: "
                        "$KUBECONFIG or ~/.kube/config)")
    parser.add_argument("--context", metavar="NAME", help="kubeconfig context to use")
    parser.add_argument("-n", "--namespace", metavar="NS", help="only this namespace")
    parser.add_argument("--theme", metavar="THEME", help="colour theme")
    parser.add_argument("--read-only", action="store_true", help="turn every action off")
    parser.add_argument("--silences", metavar="FILE", help="known issues to hide, as `check` hides "
                        "them (default: ~/.config/kubetriage/silences.yaml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    from kubetriage.sim.cli import add_parser as add_sim
    add_sim(sub)
    from kubetriage.check_cli import add_parser as add_check
    add_check(sub)
    from kubetriage.verify_cli import add_parser as add_verify
    add_verify(sub)
    return parser


def quiet_logging() -> None:
    """Libraries log through logging's last resort, straight to stderr: kubernetes-asyncio
    repeats an exec plugin's error, asyncio reports unclosed sessions, each a second, raw line
    beside ours (and over the dashboard). Their logs show with KUBETRIAGE_DEBUG=1 only."""
    root = logging.getLogger()
    if root.handlers:
        return  # configured by whoever runs us (a test, an embedding program)
    if os.environ.get("KUBETRIAGE_DEBUG"):
        handler = logging.StreamHandler()
        handler.setFormatter(CleanFormatter("%(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
    else:
        root.addHandler(logging.NullHandler())


def _check_namespace(args: argparse.Namespace) -> None:
    """-n, for every command: a name no namespace can have is a mistake, not an empty view."""
    namespace = getattr(args, "namespace", None)
    if namespace is not None and (problem := name_problem("Namespace", namespace)):
        raise UsageError(f"-n/--namespace: {problem}")


def main(argv: Sequence[str] | None = None) -> int:
    quiet_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_namespace(args)
        if args.command is None:
            from kubetriage.tui.run import run_dashboard
            return run_dashboard(args)
        return args.run(args)
    except UsageError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, or a failure nobody put into words yet: still not exit 1
        if os.environ.get("KUBETRIAGE_DEBUG"):
            traceback.print_exc()
        return fail(f"unexpected {type(exc).__name__}: {exc} (set KUBETRIAGE_DEBUG=1 for the "
                    "traceback)")
