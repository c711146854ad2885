"""What the pod and release screens show, as plain data: a pod's containers (init and sidecars
first) with state, restarts and last exit; the events about an object, newest first; a release's
conditions and its dependencies both ways. Pure: no screen, no server (the store is the real one,
filled by hand)."""

from __future__ import annotations

from datetime import UTC, datetime

from kubetriage.cluster.store import Store
from kubetriage.tui.viewmodel.pod_details import containers, events_about, log_containers
from kubetriage.tui.viewmodel.release_details import conditions, dependencies

NOW = datetime(2025, 10, 18, 1, 30, tzinfo=UTC)


def test_init_and_sidecar_containers_are_listed_first_with_their_state():
    pod = {"spec": {"initContainers": [{"name": "setup"}, {"name": "proxy"}],
                    "containers": [{"name": "app", "image": "app:1"}]},
           "status": {"initContainerStatuses": [
               {"name": "setup", "restartCount": 0, "ready": False,
                "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
               {"name": "proxy", "restartCount": 2, "ready": True, "state": {"running": {}},
                "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                                             "finishedAt": "2025-10-18T01:20:00Z"}}}],
               "containerStatuses": [
               {"name": "app", "restartCount": 5, "ready": False,
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}}}]}}
    rows = containers(pod, NOW, sidecars=["proxy"])
    assert [(r.name, r.role, r.state, r.restarts, r.last_exit, r.health) for r in rows] == [
        ("setup", "init", "Terminated: Completed (0)", 0, "", "ok"),
        ("proxy", "sidecar", "Running", 2, "137 (OOMKilled) 10m ago", "warn"),
        ("app", "app", "Waiting: CrashLoopBackOff", 5, "", "error")]

    assert log_containers(pod) == ["app", "setup", "proxy"], "app containers' logs first"


def test_events_about_an_object_newest_first_warnings_flagged():
    def event(name, kind, obj, when, type_="Warning", count=1):
        return {"metadata": {"name": name}, "type": type_, "reason": name, "message": name,
                "count": count, "lastTimestamp": when,
                "involvedObject": {"kind": kind, "name": obj}}

    events = [event("old", "Pod", "web", "2025-10-18T01:00:00Z", "Normal"),
              event("new", "Pod", "web", "2025-10-18T01:29:00Z", count=4),
              event("other", "Pod", "db", "2025-10-18T01:29:30Z")]
    rows = events_about(events, "Pod", "web", NOW)
    assert [(r.reason, r.age, r.count, r.health) for r in rows] == [
        ("new", "60s", 4, "warn"), ("old", "30m", 1, "ok")]


def release(name: str, ready: str, depends_on: tuple[str, ...] = (), message: str = "") -> dict:
    return {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
            "metadata": {"namespace": "shop", "name": name, "resourceVersion": "1"},
            "spec": {"dependsOn": [{"name": n} for n in depends_on]},
            "status": {"conditions": [{"type": "Ready", "status": ready, "message": message,
                                       "lastTransitionTime": "2025-10-18T01:25:00Z"},
                                      {"type": "Stalled", "status": "False"}]}}


def test_a_release_shows_what_it_needs_and_what_needs_it():
    store = Store()
    for obj in (release("db", "False", message="install retries exhausted"),
                release("api", "False", ("db", "cache")), release("web", "True", ("api",))):
        store.apply("ADDED", obj)
    api = store.get("HelmRelease", "shop", "api")
    assert api is not None
    deps = [(d.direction, d.name, d.ready, d.health) for d in dependencies(api, store)]
    assert deps == [("needs", "db", "False", "error"), ("needs", "cache", "missing", "error"),
                    ("needed by", "web", "True", "ok")]
    assert [(c.type, c.status, c.age, c.health) for c in conditions(api, NOW)] == [
        ("Ready", "False", "5m", "error"), ("Stalled", "False", "", "ok")]
