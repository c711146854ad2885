"""The embedded server over HTTP: discovery, lists and pages, selectors, writes, errors as Status
objects, logs, access reviews. Raw HTTP (aiohttp) where the wire matters, kubernetes-asyncio with
raw JSON where a client's view matters."""

from __future__ import annotations

import asyncio

import aiohttp
import orjson
from kubernetes_asyncio import client

from kubetriage.core import resources
from kubetriage.sim.rbac import Deny, Rbac
from kubetriage.sim.server import SimServer

POD = resources.by_kind("v1", "Pod")
TIMEOUT = aiohttp.ClientTimeout(total=10)


async def call(sim, method: str, path: str, body=None, content_type="application/json",
               headers=None):
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
        data = orjson.dumps(body) if body is not None else None
        h = {"Content-Type": content_type, **(headers or {})}
        async with s.request(method, sim.url + path, data=data, headers=h) as r:
            raw = await r.read()
            ctype = r.headers.get("Content-Type", "")
            return r.status, orjson.loads(raw) if ctype.startswith("application/json") \
                else raw.decode()


async def test_discovery_lists_every_kind_with_short_names_and_subresources(sim):
    status, groups = await call(sim, "GET", "/apis")
    names = {g["name"]: g["preferredVersion"]["version"] for g in groups["groups"]}
    assert names["helm.toolkit.fluxcd.io"] == "v2"
    status, core = await call(sim, "GET", "/api/v1")
    by_name = {r["name"]: r for r in core["resources"]}
    assert by_name["pods"]["shortNames"] == ["po"] and "all" in by_name["pods"]["categories"]
    assert by_name["pods/log"]["verbs"] == ["get"]
    _, apps = await call(sim, "GET", "/apis/apps/v1")
    scale = next(r for r in apps["resources"] if r["name"] == "deployments/scale")
    assert (scale["group"], scale["kind"]) == ("autoscaling", "Scale")
    for r in resources.RESOURCES:
        _, doc = await call(sim, "GET", f"/{'apis/' + r.group if r.group else 'api'}/{r.version}")
        assert r.plural in {x["name"] for x in doc["resources"]}
    status, version = await call(sim, "GET", "/version")
    assert status == 200 and version["gitVersion"].startswith("v1.")


async def test_unknown_paths_and_objects_answer_status_objects(sim):
    status, body = await call(sim, "GET", "/api/v1/namespaces/web/pods/nope")
    assert status == 404
    assert body == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": 'pods "nope" not found', "reason": "NotFound",
                    "details": {"name": "nope", "kind": "pods"}, "code": 404}
    status, body = await call(sim, "GET", "/apis/helm.toolkit.fluxcd.io/v2/namespaces/web/"
                                          "helmreleases/nope")
    assert body["message"] == 'helmreleases.helm.toolkit.fluxcd.io "nope" not found'
    status, body = await call(sim, "GET", "/apis/nothing.example/v1/things")
    assert (status, body["reason"]) == (404, "NotFound")
    status, body = await call(sim, "POST", "/api/v1/namespaces/web/pods/web-abc-x1", {})
    assert (status, body["reason"]) == (405, "MethodNotAllowed")
    status, body = await call(sim, "GET", "/api/v1/pods?labelSelector=a%20in%20(")
    assert (status, body["reason"]) == (400, "BadRequest")
    status, body = await call(sim, "GET", "/api/v1/pods?fieldSelector=spec.bogus%3Dx")
    assert (status, body["message"]) == (400, "field label not supported: spec.bogus")


async def test_a_helmrelease_is_one_object_served_at_both_versions(k8s):
    api = client.CustomObjectsApi(k8s)
    for version in ("v2", "v2beta2"):
        r = await api.get_namespaced_custom_object("helm.toolkit.fluxcd.io", version, "web",
                                                   "helmreleases", "web",
                                                   _preload_content=False)
        obj = orjson.loads(await r.read())
        assert obj["apiVersion"] == f"helm.toolkit.fluxcd.io/{version}"
        assert obj["status"]["conditions"][0]["message"] == "pre-upgrade hooks failed"


async def test_pages_of_a_list_show_one_moment_while_the_cluster_changes(sim, k8s):
    for i in range(7):
        sim.state.create({"apiVersion": "v1", "kind": "ConfigMap",
                          "metadata": {"name": f"cm-{i}", "namespace": "web"}})
    core = client.CoreV1Api(k8s)
    r = await core.list_namespaced_config_map("web", limit=3, _preload_content=False)
    first = orjson.loads(await r.read())
    assert first["metadata"]["remainingItemCount"] == 4
    sim.state.delete(resources.by_kind("v1", "ConfigMap"), "web", "cm-5")  # a change mid-list
    sim.state.create({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": "cm-2a", "namespace": "web"}})
    names, page = [i["metadata"]["name"] for i in first["items"]], first
    while page["metadata"].get("continue"):
        r = await core.list_namespaced_config_map("web", limit=3, _preload_content=False,
                                                  _continue=page["metadata"]["continue"])
        page = orjson.loads(await r.read())
        assert page["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
        names += [i["metadata"]["name"] for i in page["items"]]
    assert names == [f"cm-{i}" for i in range(7)]
    status, body = await call(sim, "GET", "/api/v1/configmaps?limit=1&continue=bm9wZQ==")
    assert (status, body["reason"]) == (400, "BadRequest")


async def test_label_and_field_selectors_filter_lists(k8s):
    core = client.CoreV1Api(k8s)

    async def names(**kw):
        r = await core.list_pod_for_all_namespaces(_preload_content=False, **kw)
        return sorted(i["metadata"]["name"] for i in orjson.loads(await r.read())["items"])

    assert await names(label_selector="app in (web,pull),tier!=front") == ["pull"]
    assert await names(label_selector="!job-name,app") == ["pull", "web-abc-x1"]
    assert await names(label_selector="tier") == ["web-abc-x1"]
    assert await names(field_selector="spec.nodeName=node-2") == ["pull"]
    assert await names(field_selector="status.phase!=Running,metadata.namespace=web") == [
        "migrate-q2x7z", "pull"]
    r = await core.list_namespaced_event("web", _preload_content=False, field_selector=(
        "involvedObject.kind=Pod,involvedObject.name=web-abc-x1"))
    events = orjson.loads(await r.read())["items"]
    assert [e["reason"] for e in events] == ["BackOff"]
    pod = orjson.loads(await (await core.read_namespaced_pod(
        "web-abc-x1", "web", _preload_content=False)).read())
    assert events[0]["involvedObject"]["uid"] == pod["metadata"]["uid"]  # linked on load
    r = await core.list_namespaced_secret("web", field_selector="type=Opaque",
                                          _preload_content=False)
    assert [s["metadata"]["name"] for s in orjson.loads(await r.read())["items"]] == ["creds"]


async def test_writes_keep_versions_and_answer_conflicts(sim):
    path = "/api/v1/namespaces/web/configmaps"
    status, made = await call(sim, "POST", path, {"metadata": {"name": "c"}, "data": {"a": "1"}})
    assert status == 201 and made["metadata"]["uid"] and made["metadata"]["creationTimestamp"]
    status, again = await call(sim, "POST", path, {"metadata": {"name": "c"}})
    assert (status, again["reason"], again["message"]) == (
        409, "AlreadyExists", 'configmaps "c" already exists')
    stale = dict(made, data={"a": "2"})
    status, updated = await call(sim, "PUT", f"{path}/c", stale)
    assert status == 200 and int(updated["metadata"]["resourceVersion"]) > int(
        made["metadata"]["resourceVersion"])
    status, conflict = await call(sim, "PUT", f"{path}/c", stale)
    assert (status, conflict["reason"]) == (409, "Conflict")
    status, patched = await call(sim, "PATCH", f"{path}/c", [
        {"op": "add", "path": "/data/b", "value": "x"}, {"op": "remove", "path": "/data/a"}],
        "application/json-patch+json")
    assert patched["data"] == {"b": "x"}
    status, bad = await call(sim, "PATCH", f"{path}/c", [
        {"op": "remove", "path": "/data/zzz"}], "application/json-patch+json")
    assert (status, bad["reason"]) == (422, "Invalid")
    status, dry = await call(sim, "DELETE", f"{path}/c?dryRun=All")
    assert status == 200 and sim.state.get(resources.by_kind("v1", "ConfigMap"), "web", "c")


async def test_spec_changes_bump_generation_and_status_writes_do_not(sim):
    path = "/apis/apps/v1/namespaces/web/deployments/web"
    _, dep = await call(sim, "GET", path)
    _, after = await call(sim, "PATCH", path, {"metadata": {"labels": {"x": "y"}}},
                          "application/merge-patch+json")
    assert after["metadata"]["generation"] == dep["metadata"]["generation"]
    _, after = await call(sim, "PATCH", path, {"spec": {"replicas": 2},
                                               "status": {"replicas": 99}},
                          "application/strategic-merge-patch+json")
    assert after["metadata"]["generation"] == dep["metadata"]["generation"] + 1
    assert after["status"]["replicas"] == 1  # status changes only through /status
    _, after = await call(sim, "PATCH", path + "/status", {"status": {"replicas": 2}},
                          "application/merge-patch+json")
    assert after["status"]["replicas"] == 2
    status, body = await call(sim, "PATCH", "/apis/helm.toolkit.fluxcd.io/v2/namespaces/web/"
                                            "helmreleases/web", {"metadata": {}},
                              "application/strategic-merge-patch+json")
    assert (status, body["reason"]) == (415, "UnsupportedMediaType")  # as for any CRD


async def test_deleting_a_job_deletes_its_pods(sim):
    status, _ = await call(sim, "DELETE", "/apis/batch/v1/namespaces/web/jobs/migrate",
                           {"propagationPolicy": "Background"})
    assert status == 200
    assert sim.state.get(POD, "web", "migrate-q2x7z") is None


async def test_deleting_a_replicaset_pod_brings_a_replacement(sim):
    status, _ = await call(sim, "DELETE", "/api/v1/namespaces/web/pods/web-abc-x1")
    assert status == 200
    await asyncio.sleep(0.05)
    pods = [p for p in sim.state.list(POD, "web") if p["metadata"]["name"].startswith("web-abc-")]
    assert len(pods) == 1 and pods[0]["metadata"]["name"] != "web-abc-x1"
    waiting = pods[0]["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "ContainerCreating"


async def test_logs_options_and_the_kubelets_errors(sim, k8s):
    core = client.CoreV1Api(k8s)

    async def log(name="web-abc-x1", **kw):
        r = await core.read_namespaced_pod_log(name, "web", _preload_content=False, **kw)
        return (await r.read()).decode()

    assert await log() == 'starting\nhost not found in upstream "backend"\n'
    assert await log(previous=True) == 'booting\nhost not found in upstream "backend"\n'
    assert await log(tail_lines=1) == 'host not found in upstream "backend"\n'
    stamped = (await log(timestamps=True)).splitlines()[0]
    assert stamped.endswith(" starting") and stamped[:30].endswith("Z")
    sim.state.append_log("web", "web-abc-x1", "app", ["fresh"])
    assert await log(since_seconds=5) == "fresh\n"
    status, body = await call(sim, "GET", "/api/v1/namespaces/web/pods/web-abc-x1/log?"
                                          "container=nope")
    assert (status, body["message"]) == (400, "container nope is not valid for pod web-abc-x1")
    status, body = await call(sim, "GET", "/api/v1/namespaces/web/pods/pull/log?previous=true")
    assert body["message"] == 'previous terminated container "app" in pod "pull" not found'
    status, body = await call(sim, "GET", "/api/v1/namespaces/web/pods/pull/log")
    assert body["message"] == ('container "app" in pod "pull" is waiting to start: trying and '
                               "failing to pull image")


async def test_following_a_log_streams_new_lines_and_ends_on_restart(sim):
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
        async with s.get(sim.url + "/api/v1/namespaces/web/pods/web-abc-x1/log?follow=true"
                                   "&tailLines=0") as r:
            sim.state.append_log("web", "web-abc-x1", "app", ["one", "two"])
            assert await r.content.readline() == b"one\n"
            assert await r.content.readline() == b"two\n"
            sim.state.restart_container("web", "web-abc-x1", "app")
            assert await asyncio.wait_for(r.content.read(), 5) == b""


async def test_restarting_a_container_keeps_its_story(sim):
    before = sim.state.get(POD, "web", "web-abc-x1")["status"]["containerStatuses"][0]
    sim.state.restart_container("web", "web-abc-x1", "app")
    after = sim.state.get(POD, "web", "web-abc-x1")["status"]["containerStatuses"][0]
    assert after["restartCount"] == before["restartCount"] + 1
    assert after["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert after["lastState"]["terminated"]["exitCode"] == 1
    log = sim.state.log("web", "web-abc-x1", "app")
    assert [line.text for line in log.previous][0] == "starting"


async def test_access_reviews_and_requests_follow_the_same_rules(tiny_scenario):
    rbac = Rbac(deny=[Deny(verbs=("delete",), resources=("pods",), namespaces=("web",))])
    async with SimServer(str(tiny_scenario), rbac=rbac) as sim:
        async def review(verb, ns="web"):
            _, body = await call(sim, "POST", "/apis/authorization.k8s.io/v1/"
                                              "selfsubjectaccessreviews", {
                "spec": {"resourceAttributes": {"verb": verb, "resource": "pods",
                                                "namespace": ns}}})
            return body["status"]["allowed"]

        assert await review("get") and not await review("delete")
        status, body = await call(sim, "DELETE", "/api/v1/namespaces/web/pods/pull")
        assert (status, body["reason"]) == (403, "Forbidden")
        assert body["message"] == ('pods "pull" is forbidden: User "kubetriage" cannot delete '
                                   'resource "pods" in API group "" in the namespace "web"')


async def test_tables_come_back_for_kubectls_accept_header(sim):
    accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
    status, table = await call(sim, "GET", "/api/v1/namespaces/web/pods?limit=500",
                               headers={"Accept": accept})
    assert table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"]][:5] == [
        "Name", "Ready", "Status", "Restarts", "Age"]
    assert table["metadata"]["resourceVersion"] == sim.state.resource_version
