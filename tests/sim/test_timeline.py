"""The timeline player and the controllers, seen through the API: steps at their (sped-up)
times, repeats, reconcile outcomes with unless_exists, suspend, pod replacement."""

from __future__ import annotations

import asyncio

from kubetriage.core import resources
from kubetriage.sim.server import SimServer
from tests.conftest import TINY_OBJECTS, write_scenario

POD = resources.by_kind("v1", "Pod")
EVENT = resources.by_kind("v1", "Event")
HR = resources.by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")
JOB = resources.by_kind("batch/v1", "Job")

STEPS = """\
recorded_at: "2025-10-18T01:30:00Z"
steps:
  - {at: 1, every: 1, times: 2, restart: {namespace: web, pod: web-abc-x1, container: app}}
  - {at: 1, bump_event: {namespace: web, name: web-abc-x1.1}}
  - at: 1
    event:
      apiVersion: v1
      kind: Event
      metadata: {name: pull.2, namespace: web}
      involvedObject: {apiVersion: v1, kind: Pod, name: pull, namespace: web}
      reason: Failed
      message: 'Failed to pull image "registry.local/app:0.12.0": not found'
      type: Warning
      source: {component: kubelet}
  - {at: 2.5, log: {namespace: web, pod: web-abc-x1, container: app, lines: [late line]}}
  - {at: 2, delete: {apiVersion: v1, kind: Pod, namespace: web, name: pull}}
  - {at: 2, restart: {namespace: web, pod: gone, container: app}}
"""


async def wait_for(check, timeout: float = 3.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if result := check():
            return result
        await asyncio.sleep(0.02)
    raise AssertionError(f"not true within {timeout} s")


async def test_steps_play_at_their_times_divided_by_speed(tmp_path):
    path = write_scenario(tmp_path / "s", TINY_OBJECTS, STEPS)
    # at speed 4 the first step plays 0.25 s after the start: room for a loaded machine (the
    # suite runs on four workers) to read the state before it
    async with SimServer(str(path), speed=4.0) as sim:
        def restarts():
            pod = sim.state.get(POD, "web", "web-abc-x1")
            return pod["status"]["containerStatuses"][0]["restartCount"]
        assert restarts() == 3
        await wait_for(lambda: restarts() == 5)  # at 0.25 s and 0.5 s, then no more
        await asyncio.sleep(0.5)
        assert restarts() == 5
        assert sim.state.get(EVENT, "web", "web-abc-x1.1")["count"] == 6
        made = sim.state.get(EVENT, "web", "pull.2")
        assert made["count"] == 1 and made["firstTimestamp"] == made["lastTimestamp"]
        assert made["involvedObject"]["uid"]
        await wait_for(lambda: sim.state.get(POD, "web", "pull") is None)
        log = sim.state.log("web", "web-abc-x1", "app")
        # each restart of a crash-looping container prints its lines again
        await wait_for(lambda: [x.text for x in log.current] == [
            "starting", 'host not found in upstream "backend"', "late line"])
        assert [x.text for x in log.previous] == ["starting",
                                                  'host not found in upstream "backend"']


async def test_a_reconcile_outcome_waits_for_its_blocker_to_go(sim):
    """As Helm waits for a release's workloads: the upgrade runs (Reconciling, not handled)
    while the blocker is there, and goes through once it is gone."""
    blocker = {"apiVersion": "batch/v1", "kind": "Job",
               "metadata": {"name": "blocker", "namespace": "web"}, "spec": {"template": {}}}
    sim.state.create(blocker)
    sim.state.patch_merge(HR, "web", "web", {"metadata": {"annotations": {
        "reconcile.fluxcd.io/requestedAt": "first"}}})

    def ready() -> dict:
        return next(c for c in sim.state.get(HR, "web", "web")["status"]["conditions"]
                    if c["type"] == "Ready")
    await wait_for(lambda: ready()["status"] == "Unknown")
    await asyncio.sleep(0.3)
    assert ready()["reason"] == "Progressing"  # waiting: the blocker is still there
    assert sim.state.get(HR, "web", "web")["status"].get("lastHandledReconcileAt") != "first"
    sim.state.delete(JOB, "web", "blocker")
    await wait_for(lambda: ready()["status"] == "True")
    await wait_for(lambda: sim.state.get(HR, "web", "web")["status"].get(
        "lastHandledReconcileAt") == "first")


async def test_a_blocked_upgrade_fails_at_its_timeout(tmp_path):
    """Past spec.timeout Helm gives up: UpgradeFailed, one more failure, the request handled."""
    objects = TINY_OBJECTS.replace("spec: {interval: 5m, chart: {spec: {chart: web,",
                                   "spec: {interval: 5m, timeout: 2s, chart: {spec: {chart: web,")
    path = write_scenario(tmp_path / "s", objects)
    async with SimServer(str(path), speed=10.0) as sim:
        sim.state.create({"apiVersion": "batch/v1", "kind": "Job", "metadata": {
            "name": "blocker", "namespace": "web"}, "spec": {"template": {}}})
        sim.state.patch_merge(HR, "web", "web", {"metadata": {"annotations": {
            "reconcile.fluxcd.io/requestedAt": "first"}}})
        await wait_for(lambda: sim.state.get(HR, "web", "web")["status"].get(
            "lastHandledReconcileAt") == "first", 3)
        status = sim.state.get(HR, "web", "web")["status"]
        ready = next(c for c in status["conditions"] if c["type"] == "Ready")
        assert (ready["status"], ready["reason"]) == ("False", "UpgradeFailed")
        assert "context deadline exceeded" in ready["message"] and status["upgradeFailures"] == 1
        # retries 0 (the default): exhausted at once
        assert any(c["type"] == "Stalled" and c["status"] == "True"
                   for c in status["conditions"])


async def test_a_suspended_release_handles_its_request_when_resumed(sim):
    sim.state.patch_merge(HR, "web", "held", {"metadata": {"annotations": {
        "reconcile.fluxcd.io/requestedAt": "r1"}}})
    await asyncio.sleep(0.1)
    assert "lastHandledReconcileAt" not in sim.state.get(HR, "web", "held")["status"]
    sim.state.patch_merge(HR, "web", "held", {"spec": {"suspend": False}})
    await wait_for(lambda: sim.state.get(HR, "web", "held")["status"].get(
        "lastHandledReconcileAt") == "r1")


async def test_a_replacement_pod_starts_as_its_predecessor_ran(sim):
    sim.state.delete(POD, "web", "web-abc-x1")

    def started():
        pods = [p for p in sim.state.list(POD, "web") if p["metadata"]["name"].startswith(
            "web-abc-")]
        st = pods[0]["status"]["containerStatuses"][0] if pods else {}
        return st if st.get("state", {}).get("waiting", {}).get("reason") == \
            "CrashLoopBackOff" else None
    status = await wait_for(started)
    assert status["restartCount"] == 1 and status["lastState"]["terminated"]["exitCode"] == 1
