"""The embedded helm-controller follows Flux's retry rules (helm-controller v1.x, the default
RemediateOnFailure strategy), on midwestmtg: the backend is Stalled with its retries exhausted
(upgradeFailures 4 > retries 3), the frontend likewise (1 > 0)."""

from __future__ import annotations

import asyncio

from kubetriage.core import resources
from kubetriage.sim.server import SimServer
from tests.sim.test_timeline import wait_for

HR = resources.by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")
CHART = resources.by_kind("source.toolkit.fluxcd.io/v1", "HelmChart")
JOB = resources.by_kind("batch/v1", "Job")
ANN = "reconcile.fluxcd.io/"
SPEED = 10.0


def cond(obj: dict, type_: str) -> dict:
    return next((c for c in obj["status"].get("conditions") or [] if c["type"] == type_), {})


def annotate(sim: SimServer, name: str, **values: str) -> None:
    sim.state.patch_merge(HR, "midwestmtg", name, {"metadata": {"annotations": {
        ANN + key: value for key, value in values.items()}}})


def backend(sim: SimServer) -> dict:
    return sim.state.get(HR, "midwestmtg", "midwestmtg-backend")


async def test_a_plain_reconcile_leaves_an_exhausted_release_stalled():
    async with SimServer("midwestmtg", speed=SPEED) as sim:
        before = backend(sim)
        stalled_at = cond(before, "Stalled")["lastTransitionTime"]
        annotate(sim, "midwestmtg-backend", requestedAt="plain")
        await wait_for(lambda: backend(sim)["status"].get("lastHandledReconcileAt") == "plain")
        await asyncio.sleep(1.5)  # the outcome's steps would be 1 s in at speed 10
        after = backend(sim)
        assert cond(after, "Stalled")["status"] == "True"
        assert cond(after, "Stalled")["message"] == "Failed to upgrade after 4 attempt(s)"
        assert cond(after, "Stalled")["lastTransitionTime"] != stalled_at  # marked again
        assert cond(after, "Ready") == cond(before, "Ready")
        assert after["status"]["upgradeFailures"] == 4
        # no attempt: no new Helm revision, the stuck hook Job still there
        assert sim.state.get(resources.by_kind("v1", "Secret"), "midwestmtg",
                             "sh.helm.release.v1.midwestmtg-backend.v6") is None
        assert sim.state.get(JOB, "midwestmtg", "midwestmtg-backend-migration")[
            "metadata"]["uid"] == before_job_uid(sim, before)


def before_job_uid(sim: SimServer, _: dict) -> str:
    return sim.scenario.dump.objects and next(
        o["metadata"]["uid"] for o in sim.scenario.dump.objects
        if o["kind"] == "Job" and o["metadata"]["name"] == "midwestmtg-backend-migration")


async def test_reset_or_force_without_a_matching_requested_at_is_ignored():
    async with SimServer("midwestmtg", speed=SPEED) as sim:
        annotate(sim, "midwestmtg-backend", requestedAt="t1", resetAt="t0")
        await wait_for(lambda: backend(sim)["status"].get("lastHandledReconcileAt") == "t1")
        status = backend(sim)["status"]
        assert status["lastHandledResetAt"] == "t0"  # one-shot: taken, not honoured
        assert status["upgradeFailures"] == 4 and cond(backend(sim), "Stalled")["status"] == "True"


async def test_reset_clears_the_counts_and_the_upgrade_goes_through():
    """`flux reconcile hr --reset`: requestedAt and resetAt, the same token. Helm replaces the
    stuck hook Job itself (before-hook-creation): deleting it first is not needed."""
    async with SimServer("midwestmtg", speed=SPEED) as sim:
        annotate(sim, "midwestmtg-backend", requestedAt="t1", resetAt="t1")
        await wait_for(lambda: cond(backend(sim), "Ready").get("status") == "True", 5)
        status = backend(sim)["status"]
        assert not status.get("upgradeFailures") and not status.get("failures")
        assert status["lastHandledResetAt"] == "t1"
        assert "Stalled" not in {c["type"] for c in status["conditions"]}
        await wait_for(lambda: backend(sim)["status"].get("lastHandledReconcileAt") == "t1")
        job = sim.state.get(JOB, "midwestmtg", "midwestmtg-backend-migration")
        assert job["status"].get("succeeded") == 1  # the new hook Job, not the stuck one


async def test_force_attempts_once_without_clearing_the_counts():
    async with SimServer("midwestmtg", speed=SPEED) as sim:
        annotate(sim, "midwestmtg-backend", requestedAt="t1", forceAt="t1")
        await wait_for(lambda: cond(backend(sim), "Ready").get("status") == "True", 5)
        assert backend(sim)["status"]["lastHandledForceAt"] == "t1"


async def test_the_request_is_handled_when_the_attempt_ends():
    """helm-controller writes lastHandledReconcileAt in its last patch: while the upgrade runs
    the release is Reconciling, with the request not yet handled."""
    async with SimServer("midwestmtg", speed=SPEED) as sim:
        annotate(sim, "midwestmtg-backend", requestedAt="t1", resetAt="t1")
        await wait_for(lambda: cond(backend(sim), "Reconciling").get("status") == "True")
        assert backend(sim)["status"].get("lastHandledReconcileAt") != "t1"
        await wait_for(lambda: backend(sim)["status"].get("lastHandledReconcileAt") == "t1", 5)
        assert cond(backend(sim), "Ready")["status"] == "True"


async def test_a_new_generation_resets_the_counts():
    """A spec change (a commit in Git, or suspend then resume) is a new generation: the counts
    are cleared and the release is attempted with no annotation at all."""
    async with SimServer("midwestmtg", speed=SPEED) as sim:
        sim.state.patch_merge(HR, "midwestmtg", "midwestmtg-backend", {"spec": {
            "timeout": "15m0s"}})
        await wait_for(lambda: cond(backend(sim), "Ready").get("status") == "True", 5)
        await wait_for(lambda: backend(sim)["status"]["observedGeneration"] == 3)
        assert backend(sim)["metadata"]["generation"] == 3


async def test_a_new_chart_revision_upgrades_the_frontend_after_the_backend():
    """`--with-source`: the HelmChart finds 0.2.1; its new artifact revision starts the
    frontend's upgrade with its counts reset. A plain reconcile of the frontend does not."""
    async with SimServer("midwestmtg", speed=SPEED) as sim:
        def frontend():
            return sim.state.get(HR, "midwestmtg", "midwestmtg-frontend")
        annotate(sim, "midwestmtg-frontend", requestedAt="plain")
        await wait_for(lambda: frontend()["status"].get("lastHandledReconcileAt") == "plain")
        assert cond(frontend(), "Stalled")["message"] == "Failed to upgrade after 1 attempt(s)"
        annotate(sim, "midwestmtg-backend", requestedAt="t1", resetAt="t1")
        await wait_for(lambda: cond(backend(sim), "Ready").get("status") == "True", 5)
        sim.state.patch_merge(CHART, "flux-system", "midwestmtg-midwestmtg-frontend", {
            "metadata": {"annotations": {ANN + "requestedAt": "src"}}})
        await wait_for(lambda: cond(frontend(), "Ready").get("status") == "True", 5)
        status = frontend()["status"]
        assert status["lastAttemptedRevision"] == "0.2.1" and not status.get("upgradeFailures")
        assert sim.state.get(CHART, "flux-system", "midwestmtg-midwestmtg-frontend")[
            "status"]["artifact"]["revision"] == "0.2.1"


async def test_a_revision_made_now_is_dated_now():
    """`helm history` reads UPDATED from inside the release secret: the revision the reset
    makes carries the time it was made, not the recording's date."""
    from datetime import UTC, datetime

    from kubetriage.core import helm

    async with SimServer("midwestmtg", speed=SPEED) as sim:
        annotate(sim, "midwestmtg-backend", requestedAt="t1", resetAt="t1")
        await wait_for(lambda: cond(backend(sim), "Ready").get("status") == "True", 5)
        secret = sim.state.get(resources.by_kind("v1", "Secret"), "midwestmtg",
                               "sh.helm.release.v1.midwestmtg-backend.v6")
        [row] = [r for r in helm.history([secret]) if r.revision == 6]
        today = datetime.now(UTC)
        assert row.status == "deployed" and row.updated.endswith(str(today.year))
        assert f"{today:%b} {today.day:2d}" in row.updated
        assert abs(int(secret["metadata"]["labels"]["createdAt"]) - today.timestamp()) < 60
        assert backend(sim)["status"]["history"][0]["lastDeployed"][:10] == f"{today:%Y-%m-%d}"
