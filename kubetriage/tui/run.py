"""`kubetriage` with no subcommand: the dashboard, with a connection error as one line, exit 2."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import os
import signal
import sys
import threading
import time
from typing import Any

from kubetriage.errors import UsageError

TERMINAL_CHECK_S = 1.0


def run_dashboard(args: argparse.Namespace) -> int:
    code, error = asyncio.run(_dashboard(args))
    if error:
        raise UsageError(error)
    return code


def load_settings(args: argparse.Namespace) -> Any:
    """The settings file and --theme, checked: a bad file or an unknown theme is a UsageError."""
    from kubetriage.themes import load_settings
    from kubetriage.themes.settings import theme_names

    settings = load_settings()  # a bad file: a UsageError naming it
    if args.theme and args.theme not in theme_names(settings):
        raise UsageError(f"--theme {args.theme}: unknown theme (one of: "
                         f"{', '.join(theme_names(settings))})")
    return settings


def load_silences(args: argparse.Namespace) -> Any:
    """The silences `check` applies (--silences FILE, else the default file): the dashboard hides
    what `check` hides, or the two would tell different stories. A bad file is a UsageError."""
    from kubetriage import silences

    try:
        return silences.load(getattr(args, "silences", None))
    except silences.SilenceError as exc:
        raise UsageError(str(exc)) from None


async def open_source(kubeconfig: str | None = None, context: str | None = None,
                      demo: str | None = None, namespace: str | None = None,
                      read_only: bool = False) -> Any:
    """The cluster source the dashboard watches, connected (a missing file, an unknown context,
    an unreachable server, a TLS failure or a rejected credential raise the UsageError a user
    reads) and already listing."""
    from kubetriage.cluster.source import ClusterSource

    return await ClusterSource.open(kubeconfig, context, demo=demo, read_only=read_only,
                                    namespaces=[namespace] if namespace else None)


async def _dashboard(args: argparse.Namespace) -> tuple[int, str | None]:
    # user mistakes are one line before the screen is taken over, not a flash of the dashboard
    # (an unknown --demo scenario too: the source is opened before Textual starts). The source
    # is opened while the settings are read in a thread (they import Textual's themes), and the
    # dashboard itself (Textual and every screen, ~0.3 s) is imported in a thread while the
    # lists arrive: the loop reads each page as it comes.
    settings_read = asyncio.ensure_future(asyncio.to_thread(load_settings, args))
    silences_read = asyncio.ensure_future(asyncio.to_thread(load_silences, args))
    opening = asyncio.ensure_future(open_source(args.kubeconfig, args.context, args.demo,
                                                args.namespace, read_only=args.read_only))
    try:
        settings = await settings_read
        silences = await silences_read
    except BaseException:
        opening.cancel()
        with contextlib.suppress(BaseException):
            await (await opening).close()
        raise
    source = await opening
    try:
        app_module = await asyncio.to_thread(importlib.import_module, "kubetriage.tui.app")
    except BaseException:
        await source.close()
        raise
    app = app_module.KubetriageApp(source=source, kubeconfig=args.kubeconfig,
                                   context=args.context, namespace=args.namespace,
                                   theme=args.theme, read_only=args.read_only, settings=settings,
                                   silences=silences)
    _end_with_the_terminal()
    try:
        code = await app.run_async()
    finally:
        await source.close()  # idempotent: the app closes it when it unmounts
    if app.crash is not None:
        raise app.crash  # the CLI's last resort says it in one line
    return code or 0, app.error


def _end_with_the_terminal() -> None:
    """A terminal that vanishes without a hangup reaching us (a tmux pane closed under `make`,
    which catches SIGHUP and waits for its child) left Textual's input thread spinning on EOF at
    full CPU, forever. A hung-up tty is no longer a tty: then end as a hangup would."""
    stream = sys.__stdin__
    if stream is None or not os.isatty(stream.fileno()):
        return
    fd = stream.fileno()

    def watch() -> None:
        while os.isatty(fd):
            time.sleep(TERMINAL_CHECK_S)
        os.kill(os.getpid(), signal.SIGHUP)

    threading.Thread(target=watch, name="terminal-watch", daemon=True).start()

