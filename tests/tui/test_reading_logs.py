"""Until the logs `check` would read have been read, the dashboard says "reading logs" where the
chains go, never a count of 0 chains (a false all-clear) nor a root whose cause a log will change:
the first report it draws already quotes the crashed containers' logs."""

from __future__ import annotations

import asyncio

from kubetriage.sim import scenario as scenarios
from kubetriage.sim.faults import Faults
from kubetriage.tui.app import KubetriageApp
from tests.tui.conftest import STILL, screen_text, until

SLOW_S = 1.0  # every answer of the server waits this long: lists and logs alike


async def test_the_dashboard_says_reading_logs_until_the_first_report_has_them():
    app = KubetriageApp(demo=scenarios.load("midwestmtg"), source_options={
        "demo_options": {"speed": STILL, "faults": Faults(latency=SLOW_S)}})
    screens: list[str] = []
    async with app.run_test(size=(100, 30)):
        while not app.diagnoses:
            screens.append(screen_text(app))
            assert "⛓ 0" not in screens[-1], "0 chains shown before the diagnosis ran"
            await asyncio.sleep(0.05)
        first = app.report
        await until(lambda: "reading logs" not in screen_text(app), 2, "the waiting line gone")
    # the status bar and the Chains panel both said so
    assert any("⛓ reading logs" in s.splitlines()[0] and "Chains …" in s
               and "reading logs…" in "".join(s.splitlines()[1:]) for s in screens), screens[-1]
    evidence = [line for f in first.findings for line in f.evidence]
    assert any("Multiple head revisions" in line for line in evidence)
    assert any('host not found in upstream "midwestmtg-backend"' in line for line in evidence)
