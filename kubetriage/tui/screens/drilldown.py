"""Which screen opens an object (Enter on any row), and the walkthroughs in the command palette."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

from kubetriage.core.types import Key
from kubetriage.tui.navigation import Open
from kubetriage.tui.screens.pod_screen import PodScreen
from kubetriage.tui.screens.release_screen import ReleaseScreen
from kubetriage.tui.screens.walkthrough_screen import FixReleaseScreen, WalkthroughScreen
from kubetriage.tui.screens.yaml_screen import YamlScreen


def screen_for(key: Key) -> Screen:
    kind = key[0]
    if kind == "Pod":
        return PodScreen(key)
    if kind == "HelmRelease":
        return ReleaseScreen(key)
    return YamlScreen(key)


def screen_opened_by(request: Open) -> Screen | None:
    """The screen a screen's request to open a view means (None for a request missing its key)."""
    if request.view == "verify":
        return WalkthroughScreen(namespace=request.namespace, reconcile=request.reconcile)
    if request.key is None:
        return None
    if request.view == "yaml":
        return YamlScreen(request.key)
    if request.view == "fix":
        return FixReleaseScreen(request.key)
    return screen_for(request.key)


def system_commands(app: Any, screen: Screen) -> Iterable[SystemCommand]:
    """"Reconcile and verify" (the namespace on screen, else the app's), and on a release's
    screen "Fix a failing release"."""
    key = getattr(screen, "key", None)
    namespace = key[1] if key else app.namespace
    scope = f"namespace {namespace}" if namespace else "every namespace"
    yield SystemCommand("Reconcile and verify", f"Reconcile every release in {scope}, then "
                        "verify and write a report",
                        lambda: app.push_screen(WalkthroughScreen(namespace=namespace,
                                                                  reconcile=True)))
    yield SystemCommand("Verify (no reconcile)", f"Verify {scope} and write a report",
                        lambda: app.push_screen(WalkthroughScreen(namespace=namespace)))
    if isinstance(screen, ReleaseScreen):
        release = screen.key
        yield SystemCommand("Fix a failing release", f"{release[1]}/{release[2]}: history, "
                            "hooks and logs, then fix forward, disable hooks or roll back, and "
                            "verify", lambda: app.push_screen(FixReleaseScreen(release)))
