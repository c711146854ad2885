"""The pod screen's "save log" writes into the current folder under the pod's and container's
names, and refuses (saying so) a name that is not a valid Kubernetes name: `../../x` would
otherwise write outside the folder."""

from __future__ import annotations

import copy

from kubetriage.core.resources import by_kind
from tests.tui.conftest import screen_text, until
from tests.tui.drill import FRONTEND_POD, live_app, open_object, ready

POD = by_kind("v1", "Pod")


async def test_save_log_stays_in_the_folder_and_refuses_a_traversal_name(tmp_path, monkeypatch):
    work = tmp_path / "a" / "b" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    app = live_app(speed=1e-6)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot, app)
        state = app.source.demo.state
        hostile = copy.deepcopy(state.get(POD, *FRONTEND_POD[1:]))
        hostile["metadata"] = {"name": "../../escape", "namespace": "midwestmtg"}
        state.create(hostile)
        await until(lambda: app.source.store.get("Pod", "midwestmtg", "../../escape"), 5,
                    "the hostile pod in the store")

        await open_object(pilot, app, FRONTEND_POD)
        app.screen.query_one("#containers").focus()  # the log view's own `s` names by title
        await pilot.press("s")
        await until(lambda: "log saved to" in screen_text(app), 5, "the log saved")
        assert [p.name for p in work.iterdir()] == [f"{FRONTEND_POD[2]}.frontend.log"]

        await pilot.press("escape")
        await open_object(pilot, app, ("Pod", "midwestmtg", "../../escape"))
        app.screen.query_one("#containers").focus()
        await pilot.press("s")
        await until(lambda: "not a valid Kubernetes name" in screen_text(app), 5,
                    "the refusal on screen")
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == [f"a/b/work/{FRONTEND_POD[2]}.frontend.log"], written
