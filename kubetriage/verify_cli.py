"""`kubetriage verify`: "Reconcile and verify" without the dashboard, for scripts and CI after a
Flux push. Prints a line per step (its outcome, what it still waits for, what changed, what
failed), each stamped with the seconds since the command started, and writes the Markdown report
with --report.

Exit codes: 0 when everything is verified, 1 when something failed (its chains are in the
report), 2 on a usage or connection error (one line on stderr), 3 when nothing failed but a step
could not read what it judges (RBAC, discovery), as `check` exits 3 when it cannot judge.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from kubetriage.errors import UsageError, writable

EXIT_VERIFIED, EXIT_FAILED, EXIT_UNSEEN = 0, 1, 3
DEMO_STABILITY = "10s"  # the demo's window: long enough to see a crash loop come back
STABILITY = "15m"  # TASK-003: "stable for at least 15 minutes"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="reconcile and verify Flux releases; exit 0/1/2",
                       description="Check that sources and releases are Ready, no pod is in "
                                   "ImagePullBackOff/CrashLoopBackOff, warning events, service "
                                   "endpoints, then a stability window. Exit 0: verified; 1: "
                                   "something failed; 2: usage or connection error; 3: nothing "
                                   "failed, but a step could not read what it judges (listed).")
    p.add_argument("--demo", metavar="SCENARIO", help="a scenario of the embedded cluster")
    p.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig file (default: $KUBECONFIG, "
                   "then ~/.kube/config)")
    p.add_argument("--context", help="kube context (default: the current one)")
    p.add_argument("-n", "--namespace", help="only this namespace (and the sources its "
                   "releases use)")
    p.add_argument("--reconcile", action="store_true",
                   help="request a reconcile of every release first (an audited action)")
    p.add_argument("--timeout", metavar="D", help="how long each source and release may take "
                   "to be Ready, e.g. 5m (default: each release's spec.timeout)")
    p.add_argument("--stability", metavar="D", help=f"the window in which nothing may regress "
                   f"(default: {STABILITY}; {DEMO_STABILITY} with --demo)")
    p.add_argument("--report", metavar="FILE", help="write the Markdown verification report")
    # also taken before the command (kubetriage --read-only verify): SUPPRESS keeps that one
    p.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS,
                   help="change nothing: no reconcile request, whatever else is asked")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # imported when the command runs: building the parser for any command must stay cheap
    from kubetriage.core import durations

    if args.demo and (args.kubeconfig or args.context):
        raise UsageError("--demo runs the embedded cluster: it takes no --kubeconfig or "
                         "--context")
    read_only = bool(getattr(args, "read_only", False))
    if read_only and args.reconcile:
        raise UsageError("--reconcile asks for a change to every release and --read-only "
                         "forbids changes: drop one of them")
    try:
        timeout = durations.parse(args.timeout, "--timeout") if args.timeout else None
        stability = durations.parse(args.stability or (DEMO_STABILITY if args.demo
                                                       else STABILITY), "--stability")
    except durations.DurationError as exc:
        raise UsageError(str(exc)) from None
    report = Path(args.report) if args.report else None
    if report is not None:  # said now, not after a run of many minutes
        writable(report, "--report")
    return asyncio.run(_verify(args, timeout, stability, report, time.monotonic()))


def say(start: float, text: str) -> None:
    """One progress line, stamped with the time since the command started."""
    print(f"[{time.monotonic() - start:6.1f}s] {text}", flush=True)


async def _verify(args: argparse.Namespace, timeout: float | None, stability: float,
                  report: Path | None, start: float) -> int:
    from kubetriage.cluster.source import ClusterSource
    from kubetriage.report.verification import render_verification
    from kubetriage.verify import StepEvent, Walkthrough

    # an unknown --demo scenario raises DumpError and a connection problem UsageError: main()
    # prints either as one line and exits 2
    source = await ClusterSource.open(args.kubeconfig, args.context, demo=args.demo,
                                      read_only=bool(getattr(args, "read_only", False)))
    try:
        await source.wait_synced(timeout=60)
        say(start, f"listed: context {source.conn.context}, "
                   f"{sum(1 for _ in source.store.objects())} objects")

        def show(event: StepEvent) -> None:
            # a step's start is said only where it waits on purpose (the stability window);
            # the others end a moment later with a line of their own
            if event.kind == "started" and event.step != "stability":
                return
            say(start, f"{event.step}: {event.kind}: {event.message}")

        walk = Walkthrough(source, namespace=args.namespace, reconcile=args.reconcile,
                           timeout=timeout, stability=stability, on_event=show)
        verification = await walk.run()
    finally:
        await source.close()
    text = render_verification(verification)
    if report is not None:
        try:
            report.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--report {report}: cannot write: {exc.strerror or exc}") from None
        print(f"report written to {report}")
    print("verified" if verification.ok else "NOT verified: " + "; ".join(
        f"{s.title}: {s.summary}" for s in verification.steps if s.status in ("failed", "unseen")))
    sys.stdout.flush()
    if verification.ok:
        return EXIT_VERIFIED
    return EXIT_UNSEEN if verification.unseen else EXIT_FAILED

