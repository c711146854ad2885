"""`kubetriage` with no subcommand: the dashboard, with a connection error as one line, exit 2."""

from __future__ import annotations

import argparse


def run_dashboard(args: argparse.Namespace) -> int:
    from kubetriage.cli import UsageError
    from kubetriage.themes import load_settings
    from kubetriage.themes.settings import theme_names
    from kubetriage.tui.app import KubetriageApp
    settings = load_settings()  # a bad file: a UsageError naming it
    if args.theme and args.theme not in theme_names(settings):
        raise UsageError(f"--theme {args.theme}: unknown theme (one of: "
                         f"{', '.join(theme_names(settings))})")
    app = KubetriageApp(kubeconfig=args.kubeconfig, context=args.context, demo=args.demo,
                        namespace=args.namespace, theme=args.theme, read_only=args.read_only,
                        settings=settings)
    code = app.run() or 0
    if app.error:
        raise UsageError(app.error)
    return code
