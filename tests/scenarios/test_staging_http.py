"""staging (seed 003) served by the embedded API server: what kubectl and the dashboard read."""

from __future__ import annotations

import subprocess

import pytest
from kubernetes_asyncio import client

from tests.scenarios.conftest import raw_json as _json
from tests.scenarios.conftest import raw_text as _text
from tests.scenarios.conftest import still_server

NS = "staging-mcp-server-langgraph"
KC_OK, KC_BAD = "staging-keycloak-5847455794-2wdjr", "staging-keycloak-5847455794-q7xvd"
MCP_NEW = "staging-mcp-server-langgraph-5c9f8d6b47-zq6tn"
MCP_OLD = "staging-mcp-server-langgraph-6b8d9f7c54-hx4mp"


@pytest.fixture(scope="module")
def sim():
    with still_server("staging") as server:
        yield server


async def test_keycloak_policy_admits_7800_and_9000_on_ingress_but_not_egress(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        net = client.NetworkingV1Api(api)
        policy = await _json(net.read_namespaced_network_policy,
                             "staging-keycloak-network-policy", NS)
        assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
        from_keycloak = [r for r in policy["spec"]["ingress"]
                         if {"podSelector": {"matchLabels": {"app": "keycloak"}}} in r["from"]]
        assert [p["port"] for r in from_keycloak for p in r["ports"]] == [7800, 9000]
        egress_ports = {p["port"] for r in policy["spec"]["egress"] for p in r["ports"]}
        assert not egress_ports & {7800, 9000}


async def test_keycloak_pods_time_out_on_each_others_7800_and_one_crash_loops(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        core = client.CoreV1Api(api)
        ok = await _json(core.read_namespaced_pod, KC_OK, NS)
        bad = await _json(core.read_namespaced_pod, KC_BAD, NS)
        state = {s["name"]: s for s in bad["status"]["containerStatuses"]}
        assert state["keycloak"]["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        assert ok["spec"]["nodeName"] != bad["spec"]["nodeName"]
        previous = await _text(core.read_namespaced_pod_log, KC_BAD, NS, container="keycloak",
                               previous=True)
        assert (f"failure sending message to {ok['status']['podIP']}:7800: "
                "java.net.SocketTimeoutException: Connect timed out") in previous
        assert "ERROR: Failed to start server in (production) mode" in previous
        current = await _text(core.read_namespaced_pod_log, KC_OK, NS, container="keycloak")
        assert (f"failure sending message to {bad['status']['podIP']}:7800: "
                "java.net.SocketTimeoutException: Connect timed out") in current


async def test_new_mcp_image_dies_at_import_with_observability_not_initialized(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        core = client.CoreV1Api(api)
        pod = await _json(core.read_namespaced_pod, MCP_NEW, NS)
        app = next(s for s in pod["status"]["containerStatuses"]
                   if s["name"] == "mcp-server-langgraph")
        assert app["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        assert app["lastState"]["terminated"]["exitCode"] == 1
        previous = await _text(core.read_namespaced_pod_log, MCP_NEW, NS,
                               container="mcp-server-langgraph", previous=True)
        assert previous.startswith("Traceback (most recent call last):")
        assert previous.splitlines()[-1].startswith(
            "RuntimeError: Observability not initialized")


async def test_old_mcp_pods_get_404_from_health_and_nothing_listens_on_9801(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        core = client.CoreV1Api(api)
        pod = await _json(core.read_namespaced_pod, MCP_OLD, NS)
        spec = {c["name"]: c for c in pod["spec"]["containers"]}
        assert spec["mcp-server-langgraph"]["startupProbe"]["httpGet"]["path"] == "/health/startup"
        assert spec["cloud-sql-proxy"]["livenessProbe"]["httpGet"]["port"] == 9801
        assert "--health-check" not in spec["cloud-sql-proxy"]["args"]
        declared = {p["containerPort"] for c in pod["spec"]["containers"]
                    for p in c.get("ports", [])}
        assert 9801 not in declared
        ip = pod["status"]["podIP"]
        events = {e["message"] for e in (await _json(
            core.list_namespaced_event, NS, field_selector=f"involvedObject.name={MCP_OLD}"))[
            "items"]}
        assert "Startup probe failed: HTTP probe failed with statuscode: 404" in events
        assert (f'Liveness probe failed: Get "http://{ip}:9801/liveness": dial tcp {ip}:9801: '
                "connect: connection refused") in events
        log = await _text(core.read_namespaced_pod_log, MCP_OLD, NS,
                          container="mcp-server-langgraph")
        assert '"GET /health/startup HTTP/1.1" 404 Not Found' in log


async def test_openfga_and_qdrant_are_healthy(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        pods = (await _json(client.CoreV1Api(api).list_namespaced_pod, NS,
                            label_selector="app in (openfga,qdrant)"))["items"]
        assert len(pods) == 3
        assert all(s["ready"] and s["restartCount"] == 0
                   for p in pods for s in p["status"]["containerStatuses"])


def test_kubectl_get_pods_shows_the_seed_statuses(sim, tmp_path):
    kubeconfig = sim.write_kubeconfig(tmp_path / "config")
    out = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "get", "pods", "-A"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    rows = {line.split()[1]: line.split() for line in out.splitlines()[1:]}
    assert rows[KC_OK][2:4] == ["2/2", "Running"]
    assert rows[KC_BAD][2:4] == ["1/2", "CrashLoopBackOff"]
    assert rows[MCP_NEW][2:4] == ["0/2", "CrashLoopBackOff"]
    assert sum(r[2] == "0/2" for name, r in rows.items() if "mcp-server" in name) == 4
