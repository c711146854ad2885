"""healthy as loaded from its files: a cluster where no check has anything to report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kubetriage.sim.scenario import load


@pytest.fixture(scope="module")
def objects():
    return load("healthy").dump.objects


def _kind(objects, kind):
    return [o for o in objects if o["kind"] == kind]


def _cond(obj, type_):
    return next(c["status"] for c in obj["status"]["conditions"] if c["type"] == type_)


def test_120_pods_running_and_ready_or_completed(objects):
    pods = _kind(objects, "Pod")
    assert len(pods) >= 120
    running = [p for p in pods if p["status"]["phase"] == "Running"]
    done = [p for p in pods if p["status"]["phase"] == "Succeeded"]
    assert len(running) + len(done) == len(pods) and len(done) == 9
    assert all(_cond(p, "Ready") == "True" for p in running)
    statuses = [s for p in pods for s in p["status"]["containerStatuses"]]
    assert not [s for s in statuses if "waiting" in s["state"]]
    assert all(p["metadata"].get("ownerReferences") for p in pods)


def test_releases_and_sources_ready(objects):
    releases = _kind(objects, "HelmRelease")
    assert len(releases) >= 30
    assert {_cond(r, "Ready") for r in releases} == {"True"}
    assert all("succeeded for release" in c["message"] for r in releases
               for c in r["status"]["conditions"])
    for kind in ("HelmChart", "HelmRepository", "GitRepository", "Kustomization"):
        assert {_cond(o, "Ready") for o in _kind(objects, kind)} == {"True"}, kind
    charts = {o["metadata"]["name"] for o in _kind(objects, "HelmChart")}
    assert charts == {f"{r['metadata']['namespace']}-{r['metadata']['name']}" for r in releases}


def test_jobs_complete_and_only_normal_events(objects):
    jobs = _kind(objects, "Job")
    assert jobs and all(_cond(j, "Complete") == "True" and j["status"]["succeeded"] == 1
                        for j in jobs)
    events = _kind(objects, "Event")
    assert events and {e["type"] for e in events} == {"Normal"}


def test_every_service_has_ready_endpoints(objects):
    endpoints = {e["metadata"]["name"]: e for e in _kind(objects, "Endpoints")}
    for svc in _kind(objects, "Service"):
        subsets = endpoints[svc["metadata"]["name"]]["subsets"]
        assert subsets[0]["addresses"] and "notReadyAddresses" not in subsets[0]


def test_the_few_restarts_are_days_old(objects):
    """Loading shifts the recorded time to now, so ages are measured from now."""
    now = datetime.now(UTC)
    restarted = [s for p in _kind(objects, "Pod") for s in p["status"]["containerStatuses"]
                 if s["restartCount"]]
    assert 3 <= len(restarted) <= 6
    assert {s["restartCount"] for s in restarted} == {1, 2}
    for s in restarted:
        assert s["ready"] and "running" in s["state"]
        finished = s["lastState"]["terminated"]["finishedAt"].replace("Z", "+00:00")
        assert now - datetime.fromisoformat(finished) > timedelta(days=1)
