"""A cluster listed in more than one page a kind: its first pages are drawn while the rest
arrives, with the chains of the kinds listed whole "so far", and every place that shows a
part says so (the status bar's count of what is read, "…" after a panel's count, the line
below the chains); the whole report then takes their place without announcing its chains as
news. A cluster listed in one page a kind goes straight to the whole report."""

from __future__ import annotations

import asyncio
import re

from kubetriage.sim import scenario as scenarios
from kubetriage.sim.faults import Faults
from kubetriage.tui.app import KubetriageApp
from tests.tui.conftest import STILL, screen_text, until

SLOW_S = 0.3  # every answer waits this long: a list of n objects in pages of 4 takes n/4 of them


def slow_app(page_size: int) -> KubetriageApp:
    return KubetriageApp(demo=scenarios.load("midwestmtg"), source_options={
        "page_size": page_size,
        "demo_options": {"speed": STILL, "faults": Faults(latency=SLOW_S)}})


async def test_the_first_pages_and_a_report_so_far_come_before_the_lists_are_whole():
    app = slow_app(page_size=4)
    so_far: list[str] = []
    async with app.run_test(size=(160, 48)):
        while not app.diagnoses:
            screen = screen_text(app)
            assert "no chains" not in screen and "nothing wrong found" not in screen, screen
            if app.so_far:
                so_far.append(screen)
            await asyncio.sleep(0.05)
        assert so_far, "no report so far was drawn before the whole one"
        await until(lambda: "so far" not in screen_text(app), 2, "the whole report drawn")
        whole = screen_text(app)
        pods = len(app.source.store.list("Pod"))
        notified = list(app._notifications)  # toasts shown since launch
    first = so_far[0]
    status = first.splitlines()[0]
    assert re.search(r"⚠ \d+ chains? so far", status), status
    read, of = map(int, re.search(r"listing pods (\d+)/(\d+)", status).groups())
    assert 0 < read < of == pods, status
    assert re.search(r"Pods \d+…", first) and re.search(r"pods failing \d+…", status), first
    assert "so far: Event, Pod, Secret still being listed" in first, first
    # the HelmRelease's own words, before a pod is listed whole
    assert "hr midwestmtg-backend HelmRelease failed" in first, first
    # then the whole one: every pod, counts without "…", and no chain announced as new
    assert f"Pods {pods}" in whole and "…" not in whole.splitlines()[0], whole
    assert not re.search(r"Pods \d+…", whole)
    assert not notified, [n.message for n in notified]


async def test_a_cluster_listed_in_one_page_a_kind_goes_straight_to_the_whole_report():
    app = slow_app(page_size=500)
    async with app.run_test(size=(160, 48)):
        while not app.diagnoses:
            assert not app.so_far and "so far" not in screen_text(app)
            await asyncio.sleep(0.05)
