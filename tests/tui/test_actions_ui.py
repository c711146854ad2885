"""Every action from the dashboard's keys: it changes the embedded server as the equivalent
kubectl/flux command would and writes its audit line; under --read-only and when RBAC denies it,
it is shown greyed with the reason and the server is left as it was."""

from __future__ import annotations

import pytest

from kubetriage.actions import READ_ONLY
from kubetriage.core.resources import by_kind
from kubetriage.sim.faults import Faults
from kubetriage.sim.rbac import Deny, Rbac
from kubetriage.tui.screens.confirm_screen import ConfirmScreen
from tests.actions.conftest import audit_lines
from tests.tui.conftest import screen_text, until
from tests.tui.drill import BACKEND, choose, live_app, open_menu, open_object, ready

HR = by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")
DEPLOY = by_kind("apps/v1", "Deployment")
POD = by_kind("v1", "Pod")
JOB = by_kind("batch/v1", "Job")
HPA = by_kind("autoscaling/v2", "HorizontalPodAutoscaler")
REDIS = ("HelmRelease", "midwestmtg", "redis")
ANN = "reconcile.fluxcd.io/"


def annotations(state, resource, ns, name) -> dict:
    return (state.get(resource, ns, name) or {}).get("metadata", {}).get("annotations") or {}


async def act(pilot, app, key, action_id, done, what: str, target=None) -> None:
    """Open `key`'s screen (unless on it), run `action_id` through menu and confirmation, and
    wait for the server to show `done()`."""
    if getattr(app.screen, "key", None) != key:
        while app.screen is not app.screen_main:
            await pilot.press("escape")
            await pilot.pause(0.05)
        await open_object(pilot, app, key)
    confirm = await choose(pilot, app, action_id, target)
    assert confirm.refused is None, confirm.refused
    await pilot.press("y")
    await until(done, 10, what)


async def test_every_action_changes_the_server_and_writes_its_audit_line(audit_path):
    app = live_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        state = app.source.demo.state
        state.create({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                      "metadata": {"name": "gone-hpa", "namespace": "midwestmtg"},
                      "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                                  "name": "gone"},
                               "minReplicas": 1, "maxReplicas": 2}})
        redis = lambda: annotations(state, HR, "midwestmtg", "redis")  # noqa: E731

        await act(pilot, app, REDIS, "reconcile",
                  lambda: state.get(HR, "midwestmtg", "redis")["status"].get(
                      "lastHandledReconcileAt") == redis().get(ANN + "requestedAt") is not None,
                  "redis annotated and the request handled")
        before = redis()[ANN + "requestedAt"]
        await act(pilot, app, REDIS, "reconcile-with-source",
                  lambda: redis().get(ANN + "requestedAt") != before,
                  "source then release annotated")
        await act(pilot, app, REDIS, "force", lambda: ANN + "forceAt" in redis(), "forceAt")
        await act(pilot, app, REDIS, "reset", lambda: ANN + "resetAt" in redis(), "resetAt")
        await act(pilot, app, REDIS, "suspend",
                  lambda: state.get(HR, "midwestmtg", "redis")["spec"].get("suspend") is True,
                  "spec.suspend true")
        await until(lambda: app.source.store.get(*REDIS)["spec"].get("suspend") is True, 5,
                    "the store sees the suspension")
        await act(pilot, app, REDIS, "resume",
                  lambda: state.get(HR, "midwestmtg", "redis")["spec"].get("suspend") is False,
                  "spec.suspend false")
        pull = ("Pod", "midwestmtg", "midwestmtg-frontend-bb7d869dd-ww4w8")
        await act(pilot, app, pull, "delete-pod",
                  lambda: state.get(POD, "midwestmtg", pull[2]) is None, "the pod deleted")
        await act(pilot, app, ("Deployment", "midwestmtg", "midwestmtg-frontend"),
                  "rollout-restart",
                  lambda: "kubectl.kubernetes.io/restartedAt" in (
                      state.get(DEPLOY, "midwestmtg", "midwestmtg-frontend")["spec"]["template"]
                      ["metadata"].get("annotations") or {}), "pod template restartedAt")
        await act(pilot, app, ("Job", "midwestmtg", "midwestmtg-backend-migration"),
                  "delete-hook-job",
                  lambda: state.get(JOB, "midwestmtg", "midwestmtg-backend-migration") is None,
                  "the hook Job deleted")
        await act(pilot, app, ("HorizontalPodAutoscaler", "midwestmtg", "gone-hpa"),
                  "delete-orphan-hpa",
                  lambda: state.get(HPA, "midwestmtg", "gone-hpa") is None, "the HPA deleted")
        # a delete is followed until the server no longer has the object
        await until(lambda: "Delete HPA whose target is gone: Deleted: HorizontalPodAutoscaler "
                            "midwestmtg/gone-hpa is gone" in screen_text(app), 5,
                    "the verdict on the delete")
    lines = audit_lines(audit_path)
    assert [(line["action"], line["outcome"], line["object"]["name"]) for line in lines] == [
        ("reconcile", "succeeded", "redis"), ("reconcile-with-source", "succeeded", "redis"),
        ("force", "succeeded", "redis"), ("reset", "succeeded", "redis"),
        ("suspend", "succeeded", "redis"), ("resume", "succeeded", "redis"),
        ("delete-pod", "succeeded", pull[2]),
        ("rollout-restart", "succeeded", "midwestmtg-frontend"),
        ("delete-hook-job", "succeeded", "midwestmtg-backend-migration"),
        ("delete-orphan-hpa", "succeeded", "gone-hpa")]
    assert {line["context"] for line in lines} == {"kubetriage-sim"}


async def test_cancel_changes_nothing(audit_path):
    app = live_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await open_object(pilot, app, BACKEND)
        await choose(pilot, app, "reconcile", BACKEND)
        await pilot.press("n")
        await until(lambda: "cancelled; nothing was changed" in screen_text(app), 5,
                    "the cancel said")
        assert ANN + "requestedAt" not in annotations(app.source.demo.state, HR, *BACKEND[1:])
    assert audit_lines(audit_path) == []


@pytest.mark.parametrize("mode", ["read-only", "rbac"])
async def test_refused_actions_are_greyed_with_the_reason(audit_path, mode):
    if mode == "read-only":
        app = live_app(read_only=True)
        reason = READ_ONLY
    else:
        deny = Rbac(deny=[Deny(verbs=("patch", "delete"), namespaces=("midwestmtg",))])
        app = live_app(demo_options={"rbac": deny})
        reason = "RBAC: kubetriage-sim may not patch helmreleases.helm.toolkit.fluxcd.io"
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot, app)
        state = app.source.demo.state
        before = state.get(HR, *BACKEND[1:])["metadata"]["resourceVersion"]
        await open_object(pilot, app, BACKEND)
        menu = await open_menu(pilot, app)
        options = menu.query_one("OptionList")
        assert options.option_count == len(menu.offers) >= 7
        assert all(options.get_option_at_index(i).disabled for i in range(options.option_count))
        assert reason in screen_text(app)
        await pilot.press("escape")
        # the command palette's entry for it: the confirmation says why, and y does nothing
        app.screen.start_action("reconcile", app.source.store.get(*BACKEND))
        await until(lambda: isinstance(app.screen, ConfirmScreen), 10, "the refusal")
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "Refused: Reconcile" in text and "Refused:" in text.split("Dry run:")[1]
        await pilot.press("y")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await until(lambda: "Reconcile: refused:" in screen_text(app), 5, "refusal on screen")
        assert state.get(HR, *BACKEND[1:])["metadata"]["resourceVersion"] == before
    assert audit_lines(audit_path) == []


async def test_a_stuck_delete_is_said_so_and_force_delete_is_confirmed_on_its_own(audit_path):
    """A node gone: Delete pod ends "still terminating ... force delete?", and Force delete pod,
    offered now, shows its warning in the confirmation before it removes the pod."""
    app = live_app(demo_options={"faults": Faults(kubelet_down=True)})
    pull = ("Pod", "midwestmtg", "midwestmtg-frontend-bb7d869dd-ww4w8")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        state = app.source.demo.state
        state.patch_merge(POD, "midwestmtg", pull[2],
                          {"spec": {"terminationGracePeriodSeconds": 1}})
        await act(pilot, app, pull, "delete-pod",
                  lambda: state.get(POD, "midwestmtg", pull[2])["metadata"].get(
                      "deletionTimestamp"), "the pod terminating")
        # the verdict's second line is laid out a frame after its first is drawn
        await until(lambda: "force delete? (Force delete pod is in its actions)" in
                    " ".join(screen_text(app).split()), 15, "the verdict: still terminating")
        assert "still terminating after" in " ".join(screen_text(app).split())
        confirm = await choose(pilot, app, "force-delete-pod")
        assert confirm.refused is None and confirm.lines[0].startswith("Warning:")
        await pilot.press("y")
        await until(lambda: state.get(POD, "midwestmtg", pull[2]) is None, 10, "the pod gone")
    assert [(line["action"], line["outcome"]) for line in audit_lines(audit_path)] == [
        ("delete-pod", "succeeded"), ("force-delete-pod", "succeeded")]
