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
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's default, kept fixed


def run_dashboard(args: argparse.Namespace) -> int:
    _return_large_buffers()
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
                                    namespaces=[namespace] if namespace else None,
                                    read_logs_early=True)


async def _dashboard(args: argparse.Namespace) -> tuple[int, str | None]:
    # user mistakes are one line before the screen is taken over, not a flash of the dashboard
    # (an unknown --demo scenario too: the source is opened before Textual starts). The source
    # is opened first: the lists are asked for before anything else is imported (the server
    # builds them meanwhile). The settings and silences (the settings import Textual's themes)
    # and the dashboard itself (Textual and every screen, ~0.3 s) are then read and imported
    # in a thread while the lists arrive: the loop reads each page as it comes.
    try:
        source = await open_source(args.kubeconfig, args.context, args.demo, args.namespace,
                                   read_only=args.read_only)
    except Exception:
        await asyncio.to_thread(load_settings, args)  # a bad settings file is said first,
        await asyncio.to_thread(load_silences, args)  # then a bad silences file
        raise
    try:
        settings = await asyncio.to_thread(load_settings, args)
        silences = await asyncio.to_thread(load_silences, args)
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


def _return_large_buffers() -> None:
    """glibc serves a buffer as large as one it freed from its heap, not from a mapping of its
    own (its threshold follows the largest freed): the lists' 3 MB pages then stay in the heap
    as holes. A fixed threshold gives each back to the system once read (10k pods: 10 MB less).
    Nothing elsewhere (no glibc, no mallopt)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


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

