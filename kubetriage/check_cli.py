"""`kubetriage check`: the diagnosis for scripts and CI.

Exit codes: 0 when nothing is at severity error or above, 1 when something is, 2 on a usage or
connection error or an input holding no Kubernetes objects (one line on stderr), 3 when nothing
is at error or above but what could be read is too little to judge (core/unseen.py states the
rule: Pods or Events unreadable in some namespace in scope, or not one log of a failing container
readable).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

import orjson

from kubetriage.errors import UsageError
from kubetriage.report import FORMATS

if TYPE_CHECKING:
    from kubetriage.checks.finding import Report

EXIT_CLEAN, EXIT_FOUND, EXIT_CANNOT_JUDGE = 0, 1, 3
SYNC_TIMEOUT_S = 60.0  # then the kinds still unlisted are reported as unread, not waited for
EPILOG = """exit codes:
  0  nothing at severity error or above
  1  something at severity error or above (whatever could not be read: what was found stands)
  2  usage or connection error, or an input without Kubernetes objects (one line on stderr)
  3  nothing at error or above, but too little could be read to judge: Pods or Events could
     not be listed in some namespace in scope (RBAC, discovery), or logs of failing containers
     were wanted and not one could be read (a node or kubelet gone). Everything that could not
     be read is listed, with the server's reason, in the text and in the JSON's `unavailable`;
     `cannot_judge` says why the verdict is withheld.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="diagnose a cluster, a dump or a scenario; exit 0/1/2/3",
                       description="Diagnose and print findings linked into failure chains, "
                                   "and what could not be read.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group()
    src.add_argument("--from-dump", metavar="PATH",
                     help="a kubectl get -o json|yaml dump (directory or file) with logs/")
    src.add_argument("--demo", metavar="SCENARIO", help="a scenario of the embedded cluster")
    p.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig file (default: $KUBECONFIG, "
                   "then ~/.kube/config)")
    p.add_argument("--context", help="kube context (default: the current one)")
    p.add_argument("-n", "--namespace", help="only this namespace")
    p.add_argument("-o", "--output", choices=FORMATS, default="text", help="output format")
    p.add_argument("--ignore", metavar="CODE", action="append", default=[],
                   help="hide findings of this check code (repeatable)")
    # SUPPRESS: `kubetriage --silences F check` keeps F (a subcommand's default would replace it)
    p.add_argument("--silences", metavar="FILE", default=argparse.SUPPRESS,
                   help="known issues to hide (default: ~/.config/kubetriage/silences.yaml)")
    p.add_argument("--schema", action="store_true",
                   help="print the JSON Schema of the JSON output and exit")
    p.add_argument("--list-checks", action="store_true",
                   help="print every check with its code as Markdown and exit")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # imported when the command runs: building the parser for any command must stay cheap
    from kubetriage.checks.finding import Report
    from kubetriage.checks.registry import BY_CODE, RETIRED, catalogue

    if args.list_checks:
        sys.stdout.write(catalogue())
        return EXIT_CLEAN
    if args.schema:
        sys.stdout.write(orjson.dumps(Report.model_json_schema(),
                                      option=orjson.OPT_INDENT_2).decode() + "\n")
        return EXIT_CLEAN
    for code in args.ignore:
        if code not in BY_CODE and code not in RETIRED:
            raise UsageError(f"--ignore {code}: unknown check code (known: "
                             f"{', '.join(sorted(BY_CODE))})")
    from kubetriage import silences
    from kubetriage.diagnosis import diagnose
    from kubetriage.report import render

    try:
        silenced = silences.load(args.silences)
    except silences.SilenceError as exc:
        raise UsageError(str(exc)) from None
    if args.from_dump:
        from kubetriage.cluster.slimdump import load_slim_dump
        from kubetriage.forked import started_forked
        # kept as the live store keeps objects: memory follows the store, not the dump; the
        # largest file (the pods) read on the other core meanwhile
        dump = load_slim_dump(args.from_dump, offload=started_forked)
        source = args.from_dump
        if not dump.objects:  # a wrong path in CI must not pass as a healthy cluster
            skipped = sum("not a .json, .yaml or .yml file" in w for w in dump.warnings)
            skipped = f" ({skipped} files, none .json, .yaml or .yml)" if skipped else ""
            raise UsageError(f"--from-dump {args.from_dump}: no Kubernetes objects in it"
                             f"{skipped}; expected what `kubectl get -A -o json` writes")
    elif args.demo:
        from kubetriage.sim import scenario
        dump, source = scenario.load(args.demo).dump, f"scenario {args.demo}"
    if args.from_dump or args.demo:
        snapshot = dump.snapshot()
    else:
        snapshot, source = asyncio.run(_live_snapshot(args))
    report = diagnose(snapshot, ignore=args.ignore, silences=silenced,
                      source=source, namespace=args.namespace)
    render(report, args.output, sys.stdout)
    return exit_code(report)


def exit_code(report: Report) -> int:
    """1 when something is at error (what was found stands), else 3 when too little could be
    read to judge (core/unseen.py), else 0."""
    if report.worst() in ("critical", "error"):
        return EXIT_FOUND
    return EXIT_CANNOT_JUDGE if report.cannot_judge else EXIT_CLEAN


async def _live_snapshot(args: argparse.Namespace):
    """One list of every kind through the live source (the dashboard's path), then its logs."""
    from kubetriage.cluster.source import ClusterSource

    namespaces = [args.namespace] if args.namespace else None
    # check only reads: its connection is read-only whatever the flags say
    async with await ClusterSource.open(args.kubeconfig, args.context, namespaces=namespaces,
                                        read_only=True) as source:
        try:
            await source.wait_synced(timeout=SYNC_TIMEOUT_S)
        except TimeoutError:
            pass  # the snapshot lists what is still unlisted, with the last error, as unread
        snapshot = await source.snapshot()
        return snapshot, f"context {source.conn.context}"
