"""healthy served by the embedded server: a client and kubectl see nothing wrong."""

from __future__ import annotations

import copy
import subprocess
from collections import Counter

import orjson
import pytest
from kubernetes_asyncio import client

from kubetriage.sim.scenario import load
from kubetriage.sim.server import SimServer, run_in_thread

NODES = {f"pve-k8s-{i}" for i in range(1, 6)}


@pytest.fixture(scope="module")
def scenario():
    return load("healthy")  # parsed once: a server per test gets a copy


async def _items(call, *args) -> list[dict]:
    resp = await call(*args, _preload_content=False)
    return orjson.loads(await resp.read())["items"]


async def test_pods_releases_and_events_through_the_api(scenario):
    async with SimServer(copy.deepcopy(scenario)) as sim:
        async with client.ApiClient(client.Configuration(host=sim.url)) as api:
            core, custom = client.CoreV1Api(api), client.CustomObjectsApi(api)
            pods = await _items(core.list_pod_for_all_namespaces)
            releases = await _items(custom.list_cluster_custom_object,
                                    "helm.toolkit.fluxcd.io", "v2", "helmreleases")
            events = await _items(core.list_event_for_all_namespaces)
            nodes = await _items(core.list_node)
    assert len(pods) >= 120 and len(releases) >= 30
    assert Counter(p["status"]["phase"] for p in pods) == {"Running": len(pods) - 9,
                                                           "Succeeded": 9}
    assert {next(c["status"] for c in r["status"]["conditions"] if c["type"] == "Ready")
            for r in releases} == {"True"}
    assert {e["type"] for e in events} == {"Normal"}
    assert {n["metadata"]["name"] for n in nodes} == NODES
    on = Counter(p["spec"]["nodeName"] for p in pods)
    assert set(on) == NODES and min(on.values()) >= 10


def test_kubectl_get_pods_shows_only_running_and_completed(tmp_path, scenario):
    with run_in_thread(copy.deepcopy(scenario)) as sim:
        kubeconfig = sim.write_kubeconfig(tmp_path / "config")
        out = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "get", "pods", "-A"],
                             capture_output=True, text=True, timeout=60, check=True).stdout
    rows = [line.split() for line in out.splitlines()[1:]]
    assert len(rows) >= 120
    assert Counter(r[3] for r in rows) == {"Running": len(rows) - 9, "Completed": 9}
    assert all(r[2] == "1/1" for r in rows if r[3] == "Running")
