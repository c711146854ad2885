"""Snapshot tests of the drill-down screens on midwestmtg (clock pinned, timeline still). Each
docstring says what the SVG in snapshots/test_drilldown_snapshots/ must show."""

from __future__ import annotations

from kubetriage.actions import Actions
from kubetriage.tui.screens.confirm_screen import ConfirmScreen
from kubetriage.tui.screens.walkthrough_screen import FixReleaseScreen
from kubetriage.tui.widgets.log_view import LogView
from tests.tui.conftest import pinned_app, screen_text, settled, steady, until
from tests.tui.drill import BACKEND, FRONTEND_POD, HOOK_JOB, open_object

PINNED_SERVER = "https://127.0.0.1:6443"  # the embedded server's port is random


class TestPodScreen:
    def test_frontend_pod_log(self, snap_compare):
        """100x32: the crash-looping frontend pod: its container Waiting: CrashLoopBackOff with
        67 restarts and last exit 1 (Error); its log, "(current)  p: previous", following,
        ending in the two nginx "host not found in upstream" lines, both marked ▌ as the
        evidence KT-201 used; its events, the BackOff warning first; a footer with p, / and
        Back, uncut; no scrollbars."""
        app = pinned_app()

        async def run(pilot):
            await settled(pilot, app)
            await open_object(pilot, app, FRONTEND_POD)
            await until(lambda: app.screen.query_one(LogView).line_count == 10, 5, "the log")
            await pilot.pause(0.4)

        assert snap_compare(app, terminal_size=(100, 32), run_before=run)


class TestReleaseScreen:
    def test_backend_release(self, snap_compare):
        """120x60: HelmRelease midwestmtg-backend: chart 0.1.13 with values tag `main` that no
        pod runs yet; Stalled and Ready=False UpgradeFailed with the pre-upgrade hook message;
        needs redis (True), needed by discord-bot (False); Helm history newest first, revisions
        5 to 1 all failed; the hook job midwestmtg-backend-migration with its CrashLoopBackOff
        pod; no workloads; the UpgradeFailed warning event."""
        app = pinned_app()

        async def run(pilot):
            await settled(pilot, app)
            await open_object(pilot, app, BACKEND)
            await until(lambda: "Sat Oct 18 01:17:29 2025" in screen_text(app), 5, "history")
            await steady(app)  # the history table's widths are fitted to its rows a frame later

        assert snap_compare(app, terminal_size=(120, 60), run_before=run)


class TestConfirmation:
    def test_delete_hook_job_confirmation(self, snap_compare):
        """100x30: the confirmation over the release screen: Delete failing Helm hook Job, the
        context and server, the user, namespace midwestmtg, Job midwestmtg-backend-migration
        (batch/v1), the DELETE with its propagation policy, the kubectl command, the dry run
        accepted, and y/Enter or n/Esc."""
        app = pinned_app()

        async def run(pilot):
            await settled(pilot, app)
            await open_object(pilot, app, BACKEND)
            job = app.source.store.get(*HOOK_JOB)
            plan = await Actions(app.source).plan("delete-hook-job", job)
            plan.server = PINNED_SERVER
            app.push_screen(ConfirmScreen.of(plan))
            await pilot.pause(0.3)

        assert snap_compare(app, terminal_size=(100, 30), run_before=run)


class TestWalkthrough:
    def test_fix_a_failing_release(self, snap_compare):
        """120x36: "Fix a failing release" on the backend: Ready=False with the hook message,
        5 revisions all failed and no good one to roll back to, the hook job with the alembic
        "Multiple head revisions" lines from its log, and options A (fix forward: delete the
        hook job, retry, verify), B (disable hooks) and C greyed (nothing ever deployed)."""
        app = pinned_app()

        async def run(pilot):
            await settled(pilot, app)
            await open_object(pilot, app, BACKEND)
            await pilot.press("f")
            await until(lambda: isinstance(app.screen, FixReleaseScreen) and
                        "Multiple head" in screen_text(app), 5, "the investigation")
            await pilot.pause(0.3)

        assert snap_compare(app, terminal_size=(120, 36), run_before=run)
