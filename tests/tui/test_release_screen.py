"""The HelmRelease screen on midwestmtg (seed TASK-008), against the embedded server: the backend's
failed revisions and its failing hook job; deleting the hook job and reconciling from the screen
brings the scenario's outcome (Ready, revision 6 deployed, the backend Deployment up); the
frontend's values tag against the tag its pods run."""

from __future__ import annotations

from kubetriage.core.resources import by_kind
from kubetriage.tui.screens.release_screen import ReleaseScreen
from tests.actions.conftest import audit_lines
from tests.tui.conftest import screen_text, until
from tests.tui.drill import BACKEND, HOOK_JOB, choose, live_app, open_menu, open_object, ready

HR = by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")
JOB = by_kind("batch/v1", "Job")


def rows(app, table: str) -> list[list[str]]:
    t = app.screen.query_one(f"#{table}")
    return [[c.plain if hasattr(c, "plain") else str(c) for c in t.get_row_at(i)]
            for i in range(t.row_count)]


async def test_backend_history_hook_job_then_fix_forward_and_watch_the_outcome(audit_path):
    app = live_app(speed=10)
    async with app.run_test(size=(140, 60)) as pilot:
        await ready(pilot, app)
        await open_object(pilot, app, BACKEND)
        assert isinstance(app.screen, ReleaseScreen)
        await until(lambda: len(rows(app, "history")) == 5, 5, "helm history read")
        history = rows(app, "history")
        assert [(r[0], r[2]) for r in history] == [(str(n), "failed") for n in (5, 4, 3, 2, 1)]
        assert history[0][3] == "midwestmtg-backend-0.1.13" and "pre-upgrade hooks failed" in \
            history[0][5]
        hooks = rows(app, "hooks")
        assert hooks[0][:2] == ["midwestmtg-backend-migration", "pre-install,pre-upgrade"]
        assert hooks[0][3] == "midwestmtg-backend-migration-kwtdz" and \
            hooks[0][4].startswith("CrashLoopBackOff")
        assert ["needs", "midwestmtg/redis", "True"] == rows(app, "deps")[0][:3]
        assert ["needed by", "midwestmtg/midwestmtg-discord-bot", "False"] == \
            rows(app, "deps")[1][:3]

        await choose(pilot, app, "delete-hook-job", HOOK_JOB)
        await pilot.press("y")
        state = app.source.demo.state
        await until(lambda: state.get(JOB, *HOOK_JOB[1:]) is None, 5, "the hook job deleted")
        # its retries are exhausted: the menu says a plain reconcile will not do, reset will,
        # each with the flux command it is
        await open_menu(pilot, app)
        menu = screen_text(app)
        assert "retries exhausted: Flux will not try again on this alone" in menu
        assert "retries exhausted: this gives the release its retries back" in menu
        assert "$ flux reconcile helmrelease midwestmtg-backend -n midwestmtg --reset" in menu
        await pilot.press("escape")
        await choose(pilot, app, "reset", BACKEND)
        await pilot.press("y")
        # the screen follows the reconcile: Progressing, then the scenario's outcome
        await until(lambda: "(--reset): Ready: Helm upgrade succeeded" in screen_text(app), 15,
                    "the reset judged Ready on screen")
        await until(lambda: ["Ready", "True", "UpgradeSucceeded"] in
                    [r[:3] for r in rows(app, "conditions")], 2, "the Ready condition redrawn")
        server = state.get(HR, *BACKEND[1:])
        assert server["status"]["lastHandledReconcileAt"] == \
            server["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"]
        await until(lambda: rows(app, "history")[0][:3][::2] == ["6", "deployed"], 5,
                    "revision 6 deployed in the history")
        await until(lambda: any(r[:3] == ["Deployment", "midwestmtg-backend", "1/1"]
                                for r in rows(app, "workloads")), 5, "the backend up")
    assert [line["action"] for line in audit_lines(audit_path)] == ["delete-hook-job", "reset"]


async def test_frontend_values_tag_against_the_tag_its_pods_run():
    app = live_app(speed=1e-6)
    async with app.run_test(size=(140, 50)) as pilot:
        await ready(pilot, app)
        await open_object(pilot, app, ("HelmRelease", "midwestmtg", "midwestmtg-frontend"))
        text = screen_text(app)
        assert "values.image.tag registry.flux-system.svc.cluster.local:5000/" \
               "midwestmtg-frontend:0.1.12" in text
        assert "≠ midwestmtg-frontend-bb7d869dd-ww4w8 runs registry.flux-system.svc.cluster." \
               "local:5000/midwestmtg-frontend:0.12.0" in text
        assert "= midwestmtg-frontend-7797b494d9-x48qh runs" in text
