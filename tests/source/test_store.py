"""The store: relists replace, subscribers get coalesced batches, indexes follow every change."""

from __future__ import annotations

import asyncio

from kubetriage.cluster.slim import slim
from kubetriage.cluster.store import Store


def pod(name: str, rv: str, ns: str = "apps", labels=None, owner: str | None = None) -> dict:
    meta = {"name": name, "namespace": ns, "uid": f"uid-{name}", "resourceVersion": rv,
            "labels": labels or {"app": "web"}}
    if owner:
        meta["ownerReferences"] = [{"kind": "ReplicaSet", "name": "rs", "uid": owner}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": {}, "status": {}}


def test_relist_deletes_what_vanished_and_only_in_its_namespace():
    store = Store()
    store.replace("Pod", [pod("a", "1"), pod("b", "1"), pod("c", "1", ns="other")])
    sub = store.subscribe()
    store.replace("Pod", [pod("a", "1"), pod("d", "2")], namespace="apps")
    batch = sub.take()
    assert sorted((c.type, c.name) for c in batch.changes) == [("ADDED", "d"), ("DELETED", "b")]
    assert sorted(o["metadata"]["name"] for o in store.list("Pod")) == ["a", "c", "d"]


def test_unchanged_resource_version_is_not_a_change():
    store = Store()
    store.apply("ADDED", pod("a", "1"))
    version = store.version
    assert store.apply("MODIFIED", pod("a", "1")) is None
    assert store.version == version


def test_batch_coalesces_per_object():
    store = Store()
    store.apply("ADDED", pod("keep", "1"))
    sub = store.subscribe()
    store.apply("ADDED", pod("flash", "2"))
    store.apply("DELETED", pod("flash", "3"))
    store.apply("MODIFIED", pod("keep", "4"))
    store.apply("MODIFIED", pod("keep", "5"))
    store.apply("ADDED", pod("new", "6"))
    store.apply("MODIFIED", pod("new", "7"))
    batch = sub.take()
    got = {c.name: (c.type, c.obj["metadata"]["resourceVersion"]) for c in batch.changes}
    assert got == {"keep": ("MODIFIED", "5"), "new": ("ADDED", "7")}
    assert sub.take().changes == []


async def test_subscriber_waits_for_a_batch_and_sees_state_changes():
    store = Store()
    sub = store.subscribe(kinds={"Pod"})

    async def later():
        await asyncio.sleep(0.01)
        store.set_state("Pod", "reconnecting", "watch: connection reset")
        for i in range(50):
            store.apply("ADDED", pod(f"p{i}", str(i)))

    task = asyncio.create_task(later())
    batch = await asyncio.wait_for(sub.next(min_interval=0.05), 2)
    await task
    assert len(batch.changes) == 50 and batch.states == {"Pod"}
    assert store.state("Pod").phase == "reconnecting"
    assert store.state("Pod").error == "watch: connection reset"


def test_stale_for_counts_from_the_first_reconnect():
    store = Store()
    store.set_state("Pod", "live")
    store.set_state("Event", "live")
    store.set_state("Pod", "reconnecting", "timeout")
    since = store.state("Pod").since
    store.set_state("Pod", "reconnecting", "connection refused")  # still down: same since
    assert store.state("Pod").since == since
    assert abs(store.stale_for(since + 12) - 12) < 1e-6
    store.set_state("Pod", "live")
    assert store.stale_for() == 0


def test_worst_namespace_state_is_the_kind_state():
    store = Store()
    store.set_state("Pod", "live", namespace="a")
    store.set_state("Pod", "reconnecting", "500", namespace="b")
    assert store.state("Pod").phase == "reconnecting"


def test_indexes_follow_updates_and_deletes():
    store = Store()
    store.apply("ADDED", pod("a", "1", labels={"app": "web"}, owner="rs-1"))
    store.apply("ADDED", pod("b", "1", labels={"app": "db"}, owner="rs-1"))
    assert {o["metadata"]["name"] for o in store.owned_by("rs-1")} == {"a", "b"}
    assert [o["metadata"]["name"] for o in store.selected("Pod", "apps", {"app": "web"})] == ["a"]
    store.apply("MODIFIED", pod("a", "2", labels={"app": "db"}, owner="rs-1"))
    assert store.selected("Pod", "apps", {"app": "web"}) == []
    store.apply("DELETED", pod("b", "3"))
    assert [o["metadata"]["name"] for o in store.owned_by("rs-1")] == ["a"]
    assert store.by_uid("uid-b") is None


def test_snapshot_shares_objects_and_outlives_changes():
    store = Store()
    store.apply("ADDED", pod("a", "1"))
    snap = store.snapshot()
    store.apply("DELETED", pod("a", "2"))
    assert snap.get("Pod", "apps", "a")["metadata"]["resourceVersion"] == "1"
    assert store.get("Pod", "apps", "a") is None


def test_secret_keeps_metadata_and_type_only():
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
              "metadata": {"name": "sh.helm.release.v1.web.v3", "namespace": "apps",
                           "managedFields": [{"manager": "helm"}],
                           "annotations": {"kubectl.kubernetes.io/last-applied-configuration":
                                           '{"data":{"password":"aHVudGVyMg=="}}'}},
              "data": {"release": "SDRzSUFBQUFBQUFBLzZ5UlRXL2JNQXlHLzh2T2NxNFY="},
              "stringData": {"password": "hunter2"}}
    kept = slim(secret)
    assert kept == {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                    "metadata": {"name": "sh.helm.release.v1.web.v3", "namespace": "apps",
                                 "annotations": {}}}


def test_slim_pod_keeps_what_checks_read_and_drops_the_rest():
    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "web-1", "namespace": "apps", "uid": "u", "resourceVersion": "9",
                      "managedFields": [{"manager": "kubelet"}], "generateName": "web-"},
         "spec": {"nodeName": "n1", "tolerations": [{"key": "x"}],
                  "containers": [{"name": "web", "image": "nginx:1.25", "imagePullPolicy": "Always",
                                  "terminationMessagePath": "/dev/termination-log",
                                  "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}},
                                  "ports": [{"containerPort": 80}]}],
                  "volumes": [{"name": "kube-api-access-x", "projected": {"sources": [{}]}},
                              {"name": "cfg", "configMap": {"name": "web"}}]},
         "status": {"phase": "Running",
                    "conditions": [{"type": "Ready", "status": "False", "lastProbeTime": None,
                                    "reason": "ContainersNotReady"}],
                    "containerStatuses": [{"name": "web", "restartCount": 3, "ready": False,
                                           "containerID": "containerd://abc", "imageID": "sha",
                                           "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                                           "lastState": {"terminated": {"exitCode": 1}}}]}}
    kept = slim(p)
    assert kept["metadata"] == {"name": "web-1", "namespace": "apps", "uid": "u",
                                "resourceVersion": "9"}
    assert kept["spec"] == {
        "nodeName": "n1",
        "containers": [{"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
                        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}}}],
        "volumes": [{"name": "cfg", "configMap": {"name": "web"}}]}
    assert kept["status"]["containerStatuses"] == [
        {"name": "web", "ready": False, "restartCount": 3,
         "state": {"waiting": {"reason": "CrashLoopBackOff"}},
         "lastState": {"terminated": {"exitCode": 1}}}]
    assert kept["status"]["conditions"] == [{"type": "Ready", "status": "False",
                                             "reason": "ContainersNotReady"}]


def test_backoff_doubles_to_its_cap_and_resets_after_a_healthy_spell(monkeypatch):
    import kubetriage.cluster.reflector as reflector
    now = [1000.0]
    monkeypatch.setattr(reflector.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(reflector.random, "random", lambda: 0.0)  # no jitter: exact values
    backoff = reflector.Backoff()
    delays = []
    for _ in range(8):
        delays.append(backoff.next())
        now[0] += 1
    assert delays == [0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 30.0, 30.0]
    now[0] += 121  # two healthy minutes
    assert backoff.next() == 0.8
