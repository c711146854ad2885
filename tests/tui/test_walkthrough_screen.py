"""The walkthroughs in the dashboard, against the embedded server. "Fix a failing release" on
midwestmtg: the investigation shows the failed revisions and the hook's alembic error; fix
forward deletes the hook Job (confirmed), then "Reconcile and verify" (confirmed) runs with its
steps live and writes the Markdown report, whose tables are checked against the server's state.
Under --read-only the reconcile is refused with the reason and the run verifies without it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import RichLog

from kubetriage.core.resources import by_kind
from kubetriage.health import pod_row
from kubetriage.report.verification import release_row
from kubetriage.tui.screens import walkthrough_screen
from kubetriage.tui.screens.confirm_screen import ConfirmScreen
from kubetriage.tui.screens.walkthrough_screen import FixReleaseScreen, WalkthroughScreen
from tests.actions.conftest import audit_lines
from tests.test_verify import table
from tests.tui.conftest import screen_text, until
from tests.tui.drill import BACKEND, live_app, open_object, ready

HR = by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")
POD = by_kind("v1", "Pod")


def log_lines(screen, selector: str) -> list[str]:
    """A RichLog's lines as text (wrapped lines one by one)."""
    return ["".join(seg.text for seg in strip).strip()
            for strip in screen.query_one(selector, RichLog).lines]


async def confirm(pilot, app, what: str) -> ConfirmScreen:
    await until(lambda: isinstance(app.screen, ConfirmScreen), 10, what)
    await pilot.pause(0.1)
    return app.screen


async def test_fix_forward_then_verify_writes_the_report(audit_path, monkeypatch):
    monkeypatch.setattr(walkthrough_screen, "DEMO_STABILITY_S", 1.0)
    app = live_app(speed=10)
    async with app.run_test(size=(140, 48)) as pilot:
        await ready(pilot, app)
        await open_object(pilot, app, BACKEND)
        await pilot.press("f")
        await until(lambda: isinstance(app.screen, FixReleaseScreen) and
                    "5 revisions, 5 failed" in screen_text(app), 10, "the investigation")
        text = screen_text(app)
        assert "last good: none ever deployed" in text
        assert "Multiple head revisions are present" in text
        assert "C. Roll back: no revision of this release ever deployed" in text
        app.screen.query_one("#options").focus()
        await pilot.press("down", "enter")  # B: disable hooks, shown as a change for Git
        await until(lambda: "disableHooks: true" in screen_text(app), 5, "option B's plan")
        plan_text = " ".join(log_lines(app.screen, "#plan"))
        assert "kubetriage does not make this change in the cluster:" in plan_text
        assert "flux-system/apps applies this HelmRelease from Git" in plan_text
        await pilot.press("up", "enter")  # A: fix forward
        plan = await confirm(pilot, app, "the hook job's deletion")
        assert any("DELETE jobs.batch midwestmtg/midwestmtg-backend-migration" in line
                   for line in plan.lines)
        await pilot.press("y")
        plan = await confirm(pilot, app, "the walkthrough's reconcile")
        assert isinstance(app.screen_stack[-2], WalkthroughScreen)
        # the request each release needs under Flux's retry rules, each shown as its command
        commands = [line.split()[1:5] + line.split()[5:6] for line in plan.lines
                    if line.startswith("Command:")]
        assert commands == [
            ["flux", "reconcile", "helmrelease", "midwestmtg-backend", "-n"],
            ["flux", "reconcile", "helmrelease", "midwestmtg-discord-bot", "-n"],
            ["flux", "reconcile", "helmrelease", "midwestmtg-frontend", "-n"],
            ["flux", "reconcile", "helmrelease", "redis", "-n"]]
        assert " --reset" in plan.lines[-4] and " --with-source" in plan.lines[-2]
        await pilot.press("y")
        walk = app.screen
        await until(lambda: walk.report is not None and walk.report.exists(), 40,
                    "the report written")
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "VERIFIED" in text and "NOT VERIFIED" not in text, text
        assert "report written to" in text and str(walk.report) in text.replace("\n", "")
        assert walk.report.parent == Path(audit_path).parent / "reports"
        markdown = walk.report.read_text()
        state = app.source.demo.state
        releases = sorted(state.list(HR, "midwestmtg"), key=lambda o: o["metadata"]["name"])
        assert [r[:2] for r in table(markdown, "### HelmReleases")] == \
            [list(release_row(o)[:2]) for o in releases]
        assert {r[1] for r in table(markdown, "### HelmReleases")} == {"True"}
        pods = sorted(state.list(POD, "midwestmtg"), key=lambda o: o["metadata"]["name"])
        assert [(p[0], p[2]) for p in table(markdown, "### Pods")] == \
            [(f"midwestmtg/{o['metadata']['name']}", pod_row(o)[2]) for o in pods]
        assert "Delete failing Helm hook Job Job midwestmtg/midwestmtg-backend-migration: " \
               "succeeded" in markdown
    assert [line["action"] for line in audit_lines(audit_path)] == \
        ["delete-hook-job", "reset", "reconcile", "reconcile-with-source", "reconcile"]


async def test_read_only_walkthrough_verifies_without_reconciling(audit_path):
    app = live_app(speed=10, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        app.push_screen(WalkthroughScreen(namespace="midwestmtg", reconcile=True, stability=1,
                                          timeout=1))
        plan = await confirm(pilot, app, "the refusal")
        assert plan.refused is not None and "read-only mode" in plan.refused
        await pilot.press("escape")
        walk = app.screen
        await until(lambda: walk.report is not None and walk.report.exists(), 30, "the report")
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "reconcile refused: read-only mode" in " ".join(log_lines(walk, "#events"))
        assert "NOT VERIFIED" in text
        assert "Reconcile requested" in text and "not asked" in text
        assert "midwestmtg-backend" in walk.report.read_text()
        state = app.source.demo.state
        assert all("reconcile.fluxcd.io/requestedAt" not in
                   (r["metadata"].get("annotations") or {}) for r in state.list(HR))
    assert audit_lines(audit_path) == []
