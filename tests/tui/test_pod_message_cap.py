"""A 100,000-character status message does not fill the pod screen: what is shown is capped and
says it was cut."""

from __future__ import annotations

import copy

from textual.widgets import Static

from kubetriage.core.resources import by_kind
from tests.tui.conftest import screen_text, until
from tests.tui.drill import FRONTEND_POD, live_app, open_object, ready

POD = by_kind("v1", "Pod")


async def test_a_huge_status_message_is_cut_and_says_so():
    app = live_app(speed=1e-6)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot, app)
        state = app.source.demo.state
        pod = copy.deepcopy(state.get(POD, *FRONTEND_POD[1:]))
        pod["metadata"] = {"name": "huge-message", "namespace": "midwestmtg"}
        waiting = pod["status"]["containerStatuses"][0]["state"]["waiting"]
        waiting["message"] = "back-off " + "A" * 100_000
        state.create(pod)
        key = ("Pod", "midwestmtg", "huge-message")
        await until(lambda: app.source.store.get(*key), 5, "the pod in the store")
        await open_object(pilot, app, key)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert len(summary) < 2_000, len(summary)
        await until(lambda: "cut: 100,009 characters" in screen_text(app), 5, "the cut said")
        assert "Events" in screen_text(app), "the rest of the screen is still there"
