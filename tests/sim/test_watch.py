"""Watches as kubernetes-asyncio's own Watch reads them: every kind listed and watched, resumed
from a resourceVersion without a missed or repeated event, 410 past the window, bookmarks,
selectors turning changes into ADDED/DELETED, timeoutSeconds."""

from __future__ import annotations

import asyncio

import aiohttp
import orjson
import pytest
from kubernetes_asyncio import client, watch
from kubernetes_asyncio.client.exceptions import ApiException

from kubetriage.core import resources
from kubetriage.sim.server import SimServer
from kubetriage.sim.state import ClusterState

CM = resources.by_kind("v1", "ConfigMap")
POD = resources.by_kind("v1", "Pod")


def cm(name: str, **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "data": data,
            "metadata": {"name": name, "namespace": "web", "labels": {"app": "x"}}}


async def take(stream, n: int, timeout: float = 5.0) -> list[tuple[str, str, str]]:
    """The next n events as (type, name, resourceVersion)."""
    out = []

    async def read():
        async for e in stream:
            obj = e["raw_object"]
            out.append((e["type"], obj["metadata"].get("name"), obj["metadata"]["resourceVersion"]))
            if len(out) == n:
                return
    await asyncio.wait_for(read(), timeout)
    return out


async def test_every_kind_lists_and_watches_with_raw_json(sim, k8s):
    api = client.CustomObjectsApi(k8s)
    for res in resources.RESOURCES:
        if "list" not in res.verbs:
            continue
        r = await api.api_client.call_api(res.path(), "GET", _preload_content=False,
                                          response_types_map={}, auth_settings=[])
        body = orjson.loads(await r.read())
        assert body["kind"] == f"{res.kind}List", res
        assert int(body["metadata"]["resourceVersion"]) == sim.state.rv
        assert len(body["items"]) == sim.state.count(res)
    # a custom kind through its generic client, a core kind through its typed one
    w = watch.Watch()
    stream = w.stream(api.list_cluster_custom_object, "helm.toolkit.fluxcd.io", "v2",
                      "helmreleases", timeout_seconds=5)
    assert sorted(n for _, n, _ in await take(stream, 2)) == ["held", "web"]
    await w.close()


async def test_a_resumed_watch_misses_nothing_and_repeats_nothing(sim, k8s):
    core = client.CoreV1Api(k8s)
    r = await core.list_namespaced_config_map("web", _preload_content=False)
    start_rv = orjson.loads(await r.read())["metadata"]["resourceVersion"]
    w = watch.Watch()
    stream = w.stream(core.list_namespaced_config_map, "web", resource_version=start_rv,
                      timeout_seconds=10)
    sim.state.create(cm("a"))
    sim.state.create(cm("b"))
    first = await take(stream, 2)
    await w.close()
    # changes while nobody watches, then a watch from the last version seen
    sim.state.patch_merge(CM, "web", "a", {"data": {"k": "1"}})
    sim.state.delete(CM, "web", "b")
    sim.state.create(cm("c"))
    w = watch.Watch()
    stream = w.stream(core.list_namespaced_config_map, "web", resource_version=first[-1][2],
                      timeout_seconds=10)
    rest = await take(stream, 3)
    sim.state.create(cm("d"))
    rest += await take(stream, 1)
    await w.close()
    assert [(t, n) for t, n, _ in first + rest] == [
        ("ADDED", "a"), ("ADDED", "b"), ("MODIFIED", "a"), ("DELETED", "b"), ("ADDED", "c"),
        ("ADDED", "d")]
    rvs = [int(rv) for _, _, rv in first + rest]
    assert rvs == sorted(set(rvs))


async def test_a_version_older_than_the_window_is_gone():
    state = ClusterState(window=3)
    for i in range(6):
        state.create(cm(f"c{i}"))
    with pytest.raises(Exception) as err:
        state.changes_since(CM, 1)
    assert err.value.message == "too old resource version: 1 (4)"
    assert [c.obj["metadata"]["name"] for c in state.changes_since(CM, 3)] == ["c3", "c4", "c5"]


async def test_a_too_old_watch_gets_410_expired(tiny_scenario):
    async with SimServer(str(tiny_scenario)) as sim:
        sim.state.window = 2
        for i in range(4):
            sim.state.create(cm(f"c{i}"))
        async with client.ApiClient(client.Configuration(host=sim.url)) as k8s:
            w = watch.Watch()
            stream = w.stream(client.CoreV1Api(k8s).list_namespaced_config_map, "web",
                              resource_version="1", timeout_seconds=5)
            with pytest.raises(ApiException) as err:
                await take(stream, 1)
            assert err.value.status == 410
            assert "too old resource version: 1" in err.value.reason


async def test_watch_from_zero_starts_with_the_current_state(sim, k8s):
    w = watch.Watch()
    stream = w.stream(client.CoreV1Api(k8s).list_namespaced_pod, "web", resource_version="0",
                      timeout_seconds=5)
    events = await take(stream, 3)
    await w.close()
    assert {t for t, _, _ in events} == {"ADDED"}
    assert sorted(n for _, n, _ in events) == ["migrate-q2x7z", "pull", "web-abc-x1"]


async def test_selectors_turn_changes_into_added_and_deleted(sim):
    sim.state.create(cm("sel"))
    rv = sim.state.resource_version
    url = (f"{sim.url}/api/v1/namespaces/web/configmaps?watch=true&resourceVersion={rv}"
           "&labelSelector=app%3Dx,tier%3Dfront&timeoutSeconds=5")
    async with aiohttp.ClientSession() as s, s.get(url) as r:
        sim.state.patch_merge(CM, "web", "sel", {"metadata": {"labels": {"tier": "front"}}})
        sim.state.patch_merge(CM, "web", "sel", {"data": {"k": "v"}})
        sim.state.patch_merge(CM, "web", "sel", {"metadata": {"labels": {"tier": None}}})
        lines = [orjson.loads(await asyncio.wait_for(r.content.readline(), 5)) for _ in range(3)]
    assert [e["type"] for e in lines] == ["ADDED", "MODIFIED", "DELETED"]


async def test_bookmarks_carry_the_current_version_and_timeout_ends_the_stream(tiny_scenario):
    async with SimServer(str(tiny_scenario), bookmark_interval=0.2) as sim, \
            aiohttp.ClientSession() as s:
        url = (f"{sim.url}/api/v1/namespaces/web/configmaps?watch=true&allowWatchBookmarks=true"
               f"&resourceVersion={sim.state.resource_version}&timeoutSeconds=2")
        async with s.get(url) as r:
            line = orjson.loads(await asyncio.wait_for(r.content.readline(), 5))
            assert line["type"] == "BOOKMARK"
            assert line["object"]["metadata"]["resourceVersion"] == sim.state.resource_version
            rest = await asyncio.wait_for(r.content.read(), 5)  # ends by itself at 2 s
        assert all(orjson.loads(x)["type"] == "BOOKMARK" for x in rest.splitlines())


async def test_kubectl_table_watch_sends_columns_once(sim):
    accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
    url = (f"{sim.url}/api/v1/namespaces/web/pods?watch=true&resourceVersion="
           f"{sim.state.resource_version}&timeoutSeconds=5")
    async with aiohttp.ClientSession() as s, s.get(url, headers={"Accept": accept}) as r:
        sim.state.restart_container("web", "web-abc-x1", "app")
        sim.state.restart_container("web", "web-abc-x1", "app")
        one, two = [orjson.loads(await asyncio.wait_for(r.content.readline(), 5))
                    for _ in range(2)]
    assert one["object"]["kind"] == two["object"]["kind"] == "Table"
    assert one["object"]["columnDefinitions"] and not two["object"]["columnDefinitions"]
    assert two["object"]["rows"][0]["cells"][0] == "web-abc-x1"


async def test_kubernetes_asyncio_reads_every_kind_of_the_demo_scenario():
    from kubetriage.sim import scenario
    demo = scenario.load("midwestmtg")
    expected: dict[str, int] = {}
    for obj in demo.dump.objects:
        expected[obj["kind"]] = expected.get(obj["kind"], 0) + 1
    async with SimServer(demo) as sim, \
            client.ApiClient(client.Configuration(host=sim.url)) as k8s:
        seen: dict[str, int] = {}
        for res in resources.RESOURCES:
            if "list" not in res.verbs or not res.preferred:
                continue
            r = await k8s.call_api(res.path(), "GET", _preload_content=False,
                                   response_types_map={}, auth_settings=[])
            items = orjson.loads(await r.read())["items"]
            if items:
                seen[res.kind] = len(items)
    assert seen == expected
