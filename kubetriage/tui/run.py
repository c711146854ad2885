"""`kubetriage` with no subcommand: the dashboard, with a connection error as one line, exit 2."""

from __future__ import annotations

import argparse
import asyncio


def run_dashboard(args: argparse.Namespace) -> int:
    from kubetriage.cli import UsageError
    from kubetriage.cluster.scenario import resolve
    from kubetriage.themes import load_settings
    from kubetriage.themes.settings import theme_names
    from kubetriage.tui.app import KubetriageApp

    # user mistakes are one line before the screen is taken over, not a flash of the dashboard
    if args.demo:
        resolve(args.demo)
    else:
        asyncio.run(_preflight(args.kubeconfig, args.context))
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


async def _preflight(kubeconfig: str | None, context: str | None) -> None:
    """Connect once as the dashboard will (a missing file, an unknown context, an unreachable
    server, a TLS failure or a rejected credential raise the UsageError a user reads)."""
    from kubetriage.cluster.connect import connect

    conn = await connect(kubeconfig, context)
    await conn.close()
