"""The dashboard follows the embedded server: changes reach the screen within 2 s without moving
the cursor, the filter narrows every panel, and a stalled watch shows as stale, then clears."""

from __future__ import annotations

import asyncio
from datetime import UTC

from kubetriage.core.resources import by_kind
from kubetriage.sim import scenario as scenarios
from kubetriage.sim.faults import Faults
from kubetriage.sim.rbac import Deny, Rbac
from kubetriage.tui.app import KubetriageApp
from kubetriage.tui.widgets.resource_table import ResourceTable
from tests.conftest import write_scenario
from tests.tui.conftest import FAST_BACKOFF, screen_text, settled, until

POD = ("Pod", "web", "web-abc-x1")
HR = by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")


def tiny_app(tmp_path, speed: float = 1.0, **source) -> KubetriageApp:
    """The dashboard on conftest's tiny scenario; the timeline's own steps start after 5 s."""
    scenario = scenarios.load(str(write_scenario(tmp_path / "tiny")))
    return KubetriageApp(demo=scenario, source_options={
        "demo_options": {"speed": speed, **source.pop("demo_options", {})},
        "backoff": FAST_BACKOFF, **source})


def cells(app: KubetriageApp, table: str, key) -> list[str]:
    t = app.screen_main.query_one(f"#{table}-table", ResourceTable)
    return [c.plain for c in t.cells(key)]


async def hold_keys(pilot, seconds: float, check=None) -> None:
    """Up and down in turn, a key every 50 ms, as a held arrow key; check() after each."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while loop.time() - started < seconds:
        await pilot.press("down" if int(loop.time() * 4) % 2 else "up")
        await asyncio.sleep(0.05)
        if check is not None:
            check()


async def test_timeline_changes_reach_the_screen_keeping_the_selection(tmp_path):
    app = tiny_app(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot, app)
        sim = app.source.demo
        pods = app.screen_main.query_one("#pods-table", ResourceTable)
        pods.focus()
        assert pods.move_cursor_to(POD)
        restarts = cells(app, "pods", POD)[3]
        assert restarts.startswith("3 ")

        sim.state.restart_container("web", "web-abc-x1", "app")
        took = await until(lambda: cells(app, "pods", POD)[3].startswith("4 "), 2,
                           "the restart count rises on screen")
        assert pods.cursor_key == POD, f"cursor moved after {took:.2f} s"

        sim.state.create({"apiVersion": "v1", "kind": "Event",
                          "metadata": {"name": "web.new", "namespace": "web"},
                          "involvedObject": {"kind": "Pod", "name": "pull", "namespace": "web"},
                          "type": "Warning", "reason": "Failed", "count": 1,
                          "message": "Failed to pull image: manifest unknown",
                          "lastTimestamp": sim.state.list(by_kind("v1", "Event"))[0]
                          ["lastTimestamp"]})
        await until(lambda: "manifest unknown" in screen_text(app), 2,
                    "the new Warning event is on screen")
        assert pods.cursor_key == POD

        sim.state.patch_merge(HR, "web", "web", {"metadata": {"annotations": {
            "reconcile.fluxcd.io/requestedAt": "now"}}})
        await until(lambda: cells(app, "releases", ("HelmRelease", "web", "web"))[2] == "True",
                    2 + 1, "the release turns Ready after the reconcile (1 s in the timeline)")
        assert pods.cursor_key == POD
        assert "rel 1/2" in screen_text(app).splitlines()[0]


async def test_filter_narrows_every_panel(tmp_path):
    app = tiny_app(tmp_path, speed=1e-6)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot, app)
        await pilot.press("slash", *"web-abc", "enter")
        await pilot.pause(0.1)
        tables = {t.id: t for t in app.screen_main.query(ResourceTable)}
        assert {k: t.visible_count for k, t in tables.items()} == {
            "namespaces-table": 0, "releases-table": 0, "pods-table": 1, "events-table": 1}
        assert tables["pods-table"].key_at(0) == POD
        assert {k: t.row_count for k, t in tables.items()} == {
            "namespaces-table": 1, "releases-table": 2, "pods-table": 3, "events-table": 1}
        text = screen_text(app)
        assert "/web-abc" in text and "migrate-q2x7z" not in text

        await pilot.press("escape")
        await pilot.pause(0.1)
        assert all(t.visible_count == t.row_count for t in tables.values())


async def test_held_keys_delay_the_diagnosis_but_never_beyond_its_cap(tmp_path):
    """The checks wait for a pause in the keys (they would slow each key), at most
    DIAGNOSIS_DEFER_S: a chain that appears while the operator scrolls still shows."""
    from kubetriage.tui import app as app_module

    app = tiny_app(tmp_path, speed=1e-6)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot, app)
        app.screen_main.query_one("#pods-table", ResourceTable).focus()
        await pilot.pause(1.2)  # the diagnosis after the first settles
        before = app.diagnoses
        sim = app.source.demo
        sim.state.restart_container("web", "web-abc-x1", "app")  # a change: a new diagnosis due
        loop = asyncio.get_running_loop()
        started, drawn = loop.time(), []
        await hold_keys(pilot, app_module.DIAGNOSIS_DEFER_S + 1.5,
                        lambda: app.diagnoses > before and not drawn and drawn.append(loop.time()))
        assert drawn, "no diagnosis while keys were held"
        # waited for the keys to pause, which they never did, until the cap
        drawn_at = drawn[0] - started
        assert app_module.DIAGNOSIS_DEFER_S - 0.5 < drawn_at < app_module.DIAGNOSIS_DEFER_S + 1.5, \
            drawn_at


async def test_a_toast_waits_for_a_pause_of_the_keys_but_never_beyond_the_cap(tmp_path,
                                                                              monkeypatch):
    """A toast lays out and draws most of the screen (a stutter under a held key): it waits
    until the keys pause, at most DIAGNOSIS_DEFER_S."""
    from kubetriage.checks.finding import Chain
    from kubetriage.tui import app as app_module
    from kubetriage.tui.viewmodel import news

    monkeypatch.setattr(news, "ANNOUNCE_EVERY_S", 0.0)
    monkeypatch.setattr(app_module, "DIAGNOSIS_DEFER_S", 1.5)
    chain = Chain(id="c0", root="f0", links=["f0"], summary="root 0 broke", severity="error")
    app = tiny_app(tmp_path, speed=1e-6)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot, app)
        app.screen_main.query_one("#pods-table", ResourceTable).focus()
        await pilot.pause(0.5)
        app._notifications.clear()
        loop = asyncio.get_running_loop()

        def told() -> bool:
            return any(n.title == "New failure chain" for n in app._notifications)

        await pilot.press("down")
        app.news.note([], [chain])
        await hold_keys(pilot, 0.8)
        assert not told(), "told under the keys"
        await until(told, 1, "told once the keys pause")

        app._notifications.clear()
        app.news.note([chain], [chain, chain.model_copy(update={"id": "c1", "root": "f1"})])
        started, at = loop.time(), []
        await hold_keys(pilot, 3.0, lambda: told() and not at and at.append(loop.time()))
        assert at, "never told while the keys went on"
        assert 1.0 < at[0] - started < 2.5, at[0] - started


async def test_full_collections_wait_for_a_pause_of_the_keys(tmp_path, monkeypatch):
    """The cyclic collector's full passes (~35 ms at 10k pods) come between ticks when no key
    is pressed, never of the collector's own accord; its thresholds are the process's again
    after the dashboard."""
    import gc

    from kubetriage.tui import app as app_module

    monkeypatch.setattr(app_module, "GC_EVERY_S", 0.3)
    threshold = gc.get_threshold()
    full: list[float] = []
    loop = asyncio.get_running_loop()

    def note(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(loop.time())

    app = tiny_app(tmp_path, speed=1e-6)
    gc.callbacks.append(note)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settled(pilot, app)
            app.screen_main.query_one("#pods-table", ResourceTable).focus()
            await until(lambda: full, 2, "a full pass, keys quiet")
            started = loop.time()
            await hold_keys(pilot, 1.5)
            # the cap (DIAGNOSIS_DEFER_S, 3 s) was not reached: none under the keys
            assert not [t for t in full if started + 0.1 < t < loop.time()]
            keys_ended = loop.time()
            await until(lambda: full[-1] > keys_ended, 2, "a full pass once the keys pause")
    finally:
        gc.callbacks.remove(note)
    assert gc.get_threshold() == threshold


async def test_ages_on_screen_move_on_without_their_objects_changing(tmp_path, monkeypatch):
    from datetime import datetime, timedelta

    from kubetriage.tui import app as app_module

    monkeypatch.setattr(app_module, "AGES_INTERVAL_S", 0.2)
    now = [datetime.now(UTC)]
    app = tiny_app(tmp_path, speed=1e-6)
    app.clock = lambda: now[0]
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot, app)
        age = cells(app, "pods", POD)[4]
        now[0] += timedelta(days=3)
        await until(lambda: cells(app, "pods", POD)[4] != age, 2, "the pod's age moves on")
        # three days on from a pod made in the same second as the clock was read, or the next
        assert cells(app, "pods", POD)[4] in ("3d", "2d23h"), cells(app, "pods", POD)


async def test_changing_chains_are_told_one_announcement_at_a_time(tmp_path, monkeypatch):
    from kubetriage.checks.finding import Chain
    from kubetriage.tui.viewmodel import news

    monkeypatch.setattr(news, "ANNOUNCE_EVERY_S", 1.0)

    def chains(n: int, start: int = 0) -> list[Chain]:
        return [Chain(id=f"c{i}", root=f"f{i}", links=[f"f{i}"], summary=f"root {i} broke",
                      severity="error") for i in range(start, start + n)]

    app = tiny_app(tmp_path, speed=1e-6)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        await pilot.pause(1.1)  # past any announcement of the start
        app._notifications.clear()

        def told() -> list[tuple[str, str]]:
            return [(n.title, str(n.message)) for n in app._notifications]

        app.news.note([], chains(1))
        await until(told, 1, "the first change is told at once")
        assert told() == [("New failure chain", "root 0 broke")]
        app._notifications.clear()
        # while that shows, one more chain appears and another appears and resolves again
        app.news.note(chains(1), chains(3))
        app.news.note(chains(3), chains(2))
        await pilot.pause(0.2)
        assert told() == []  # a second toast would stack on the first in a small pane
        await until(told, 3, "what changed meanwhile is told once the last announcement went")
        assert told() == [("New failure chain", "root 1 broke")]
        app._notifications.clear()
        app.news.note(chains(2), chains(40, start=1))  # a storm: a relist, a node gone
        await until(told, 3, "a storm is told")
        assert told() == [("Failure chains changed",
                           "39 new failure chains, 1 resolved: see :chains")]


async def test_narrowing_to_a_namespace_is_not_announced_as_chains_resolving(tmp_path):
    app = tiny_app(tmp_path, speed=1e-6)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        assert app.report.chains
        app._notifications.clear()
        await app.set_namespace("kube-system")
        await until(lambda: app.report.namespace == "kube-system", 5, "the namespace's report")
        await pilot.pause(0.3)
        assert not app.report.chains
        assert [n.title for n in app._notifications] == []


async def test_a_stalled_watch_shows_stale_then_live(tmp_path):
    faults = Faults()
    app = tiny_app(tmp_path, idle_timeout=1.5,
                   demo_options={"faults": faults, "bookmark_interval": 0.3})
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        faults.stall_watch_every = 1
        sim = app.source.demo
        # the next watches stall: make the current ones end so they are opened again
        sim.state.close_streams()
        store = app.source.store
        await until(lambda: "presumed dead" in (store.state("Pod").error or ""), 5,
                    "the source notices the stall")
        await until(lambda: "stale " in screen_text(app).splitlines()[0], 1,
                    "the status bar says stale within a second")
        # and why (the status bar gives way to it: the counts go first at 80 columns)
        await until(lambda: "watch down: no data for" in screen_text(app).splitlines()[0], 1,
                    "the status bar says why")

        faults.stall_watch_every = 0
        await until(lambda: store.stale_for() == 0, 5, "the watch resumes")
        await until(lambda: " live " in screen_text(app).splitlines()[0], 1,
                    "the status bar says live within a second")


INJECTED = """\
---
apiVersion: v1
kind: Pod
metadata: {name: "[bold red]x[/]", namespace: web}
spec: {containers: [{name: app, image: "evil:1"}], nodeName: node-1}
status:
  phase: Pending
  containerStatuses:
  - {name: app, image: "evil:1", imageID: "", ready: false, restartCount: 0, started: false,
     state: {waiting: {reason: ErrImagePull, message: "[bold red]x[/]"}}}
---
apiVersion: v1
kind: Event
metadata: {name: evil.1, namespace: web}
involvedObject: {apiVersion: v1, kind: Pod, name: "[bold red]x[/]", namespace: web}
reason: Failed
message: "before\\x1b]0;pwned\\x07 middle\\x9b2J after [/b]"
type: Warning
count: 2
lastTimestamp: "2025-10-18T01:20:00Z"
"""


async def test_markup_and_escapes_render_inert(tmp_path):
    """A pod named `[bold red]x[/]` shows that name; an event message's OSC title change and
    8-bit CSI clear-screen never reach the terminal."""
    from tests.conftest import TINY_OBJECTS, TINY_TIMELINE
    scenario = scenarios.load(str(write_scenario(tmp_path / "evil", TINY_OBJECTS + INJECTED,
                                                 TINY_TIMELINE)))
    app = KubetriageApp(demo=scenario, source_options={"demo_options": {"speed": 1e-6}})
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot, app)
        await pilot.press("slash", *"middle", "enter")
        await pilot.pause(0.1)
        text = screen_text(app)
        svg = app.export_screenshot()
        assert "[bold red]x[/]" in text  # the pod's name, literally
        assert "before middle af" in text  # the message, escapes gone, cut by its column
        assert "pwned" not in svg and "\x1b" not in svg and "\x9b" not in svg


async def test_the_status_bar_says_what_cannot_be_seen(tmp_path):
    """A user who may not list Secrets, on a node whose kubelet is down: the status bar names
    both, and the crash loop's cause says its log could not be read, with the server's words."""
    app = tiny_app(tmp_path, demo_options={
        "faults": Faults(kubelet_down=True),
        "rbac": Rbac(deny=[Deny(verbs=("list", "watch"), resources=("secrets",))])})
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot, app)
        await until(lambda: "can't see Secret · 2 logs" in screen_text(app).splitlines()[0], 2,
                    "the status bar names the Secrets and the two logs")
        crash = next(f for f in app.report.findings if f.check == "KT-201")
        assert crash.summary.endswith("cause unknown: its log could not be read.")
        assert any("10250: connect: connection refused" in e for e in crash.evidence)
        assert any(line.startswith("Secret: not allowed across all namespaces")
                   for line in app.report.unavailable)
