"""The dashboard against the embedded server, with the clock pinned where the picture must not
move (snapshots) and a live timeline where the test watches it move (pilot tests)."""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from textual.widgets import Input

from kubetriage.cluster.reflector import Backoff
from kubetriage.sim import scenario as scenarios
from kubetriage.tui.app import KubetriageApp

PINNED = datetime(2025, 10, 18, 1, 30, tzinfo=UTC)
STILL = 1e-6  # a server speed at which the timeline never reaches its first step
FAST_BACKOFF = Backoff(initial=0.05, cap=0.2, jitter=0.0)


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch):
    """A blinking cursor makes two screenshots of the same screen differ."""
    monkeypatch.setattr(Input, "cursor_blink", False)


def pinned_app(name: str = "midwestmtg", **options) -> KubetriageApp:
    """The dashboard on a scenario whose ages are read at PINNED, its timeline held still."""
    return KubetriageApp(demo=scenarios.load(name, now=PINNED), clock=lambda: PINNED,
                         source_options={"demo_options": {"speed": STILL}}, **options)


async def settled(pilot, app: KubetriageApp, timeout: float = 15.0) -> None:
    """Until the panels are filled and the diagnosis has been drawn."""
    await until(lambda: app.connection == "live" and app.diagnoses > 0, timeout, "first diagnosis")
    await pilot.pause(0.2)


async def until(predicate: Callable[[], bool], timeout: float, what: str) -> float:
    """Wait for predicate; returns the seconds it took, fails naming what did not happen."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def steady(app, timeout: float = 5.0, quiet: float = 0.3) -> None:
    """Until the screen has not changed for `quiet` seconds: a table laid out again after its
    rows arrived (widths fitted to them) draws a frame of its own, later on a loaded machine."""
    start, last, since = time.monotonic(), screen_text(app), time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() - start > timeout:
            raise AssertionError(f"the screen still changes after {timeout} s")
        await asyncio.sleep(0.05)
        now = screen_text(app)
        if now != last:
            last, since = now, time.monotonic()


def screen_text(app) -> str:
    """What the terminal shows, as text: the screenshot's characters, row by row."""
    return svg_text(app.export_screenshot())


def svg_text(svg: str) -> str:
    """A screenshot's characters, row by row."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(m.group(2)), []).append((float(m.group(1)),
                                                       html.unescape(m.group(3))))
    return "\n".join("".join(t for _, t in sorted(parts)).replace("\xa0", " ")
                     for _, parts in sorted(rows.items()))
