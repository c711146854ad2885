"""`kubetriage` with no subcommand: the dashboard, with a connection error as one line, exit 2."""

from __future__ import annotations

import argparse


def run_dashboard(args: argparse.Namespace) -> int:
    from kubetriage.cli import UsageError
    from kubetriage.tui.app import KubetriageApp
    app = KubetriageApp(kubeconfig=args.kubeconfig, context=args.context, demo=args.demo,
                        namespace=args.namespace, theme=args.theme, read_only=args.read_only)
    code = app.run() or 0
    if app.error:
        raise UsageError(app.error)
    return code
