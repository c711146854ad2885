"""homelab-drift (seed 002) served by the embedded API server: what kubectl and a dashboard read."""

from __future__ import annotations

import subprocess

import pytest
from kubernetes_asyncio import client

from tests.scenarios.conftest import raw_json as _json
from tests.scenarios.conftest import raw_text as _text
from tests.scenarios.conftest import still_server

NS = "homelab"
GOOD, BAD = "family-assistant-backend-7748c945ff-n2kb7", "family-assistant-backend-7fccb9956b-9g4wb"
DASH = "homelab-dashboard-5946d57cdf-b7kwx"
OTEL = ("Transient error StatusCode.UNAVAILABLE encountered while exporting traces to "
        "otel-collector.homelab.svc.cluster.local:4317, retrying in 1s.")


@pytest.fixture(scope="module")
def sim():
    with still_server("homelab-drift") as server:
        yield server


async def test_the_seed_numbers_598_restarts_revision_62_and_rs_44_to_62(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        core, apps = client.CoreV1Api(api), client.AppsV1Api(api)
        dash = await _json(core.read_namespaced_pod, DASH, NS)
        assert dash["status"]["containerStatuses"][0]["restartCount"] == 598
        deploy = await _json(apps.read_namespaced_deployment, "family-assistant-backend", NS)
        assert deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "62"
        rses = (await _json(apps.list_namespaced_replica_set, NS,
                            label_selector="app=family-assistant-backend"))["items"]
        revisions = sorted(int(r["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
                           for r in rses)
        assert revisions == list(range(44, 63))
        assert not any("kubernetes.io/change-cause" in r["metadata"]["annotations"] for r in rses)


async def test_the_same_deployment_runs_on_pesubuntu_and_cannot_pull_on_asuna(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        core = client.CoreV1Api(api)
        good = await _json(core.read_namespaced_pod, GOOD, NS)
        bad = await _json(core.read_namespaced_pod, BAD, NS)
        assert (good["spec"]["nodeName"], bad["spec"]["nodeName"]) == ("pesubuntu", "asuna")
        assert good["spec"]["containers"][0]["image"] == \
            "100.81.76.55:30500/family-assistant:me-fixed"
        assert bad["spec"]["containers"][0]["image"] == "family-assistant:phase2-mcp-logging-fix"
        assert bad["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == \
            "ImagePullBackOff"
        events = (await _json(core.list_namespaced_event, NS,
                              field_selector=f"involvedObject.name={BAD}"))["items"]
        by_message = {e["message"]: e for e in events}
        backoff = by_message['Back-off pulling image "family-assistant:phase2-mcp-logging-fix"']
        assert backoff["count"] == 461
        assert by_message["Error: ImagePullBackOff"]["count"] == 461
        assert any(m.startswith('Failed to pull image "family-assistant:phase2-mcp-logging-fix"')
                   and m.endswith("pull access denied, repository does not exist or may require "
                                  "authorization: server message: insufficient_scope: "
                                  "authorization failed") for m in by_message)
        nodes = {n["metadata"]["name"]: n for n in (await _json(core.list_node))["items"]}
        assert set(nodes) == {"pesubuntu", "asuna"}
        local = "docker.io/library/family-assistant:phase2-mcp-logging-fix"
        holding = [n for n, node in nodes.items()
                   if any(local in i["names"] for i in node["status"]["images"])]
        assert holding == ["pesubuntu"]


async def test_dashboard_probes_answered_429_and_its_previous_run_was_killed_for_it(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        core = client.CoreV1Api(api)
        events = (await _json(core.list_namespaced_event, NS,
                              field_selector=f"involvedObject.name={DASH}"))["items"]
        messages = {e["message"] for e in events}
        assert {"Liveness probe failed: HTTP probe failed with statuscode: 429",
                "Readiness probe failed: HTTP probe failed with statuscode: 429",
                "Container homelab-dashboard failed liveness probe, will be restarted"} <= messages
        previous = await _text(core.read_namespaced_pod_log, DASH, NS, previous=True)
        assert "ratelimit 50 per 1 hour (10.42.1.1) exceeded at endpoint: health" in previous
        assert previous.rstrip().endswith("Shutting down: Master")


async def test_otel_exporter_floods_the_backend_log_and_no_collector_service_exists(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        core = client.CoreV1Api(api)
        log = await _text(core.read_namespaced_pod_log, GOOD, NS, tail_lines=50)
        lines = log.splitlines()
        assert len(lines) == 50
        assert sum("StatusCode.UNAVAILABLE" in line for line in lines) >= 40
        full = await _text(core.read_namespaced_pod_log, GOOD, NS)
        assert OTEL in full.splitlines()
        services = (await _json(core.list_namespaced_service, NS))["items"]
        assert "otel-collector" not in {s["metadata"]["name"] for s in services}


async def test_hpas_point_at_deployments_that_do_not_exist(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        apps, autoscaling = client.AppsV1Api(api), client.AutoscalingV2Api(api)
        core = client.CoreV1Api(api)
        hpas = (await _json(autoscaling.list_namespaced_horizontal_pod_autoscaler, NS))["items"]
        targets = {h["metadata"]["name"]: h["spec"]["scaleTargetRef"]["name"] for h in hpas}
        assert targets == {"family-assistant-enhanced-hpa": "family-assistant-enhanced",
                           "whisper-hpa": "whisper"}
        deployments = {d["metadata"]["name"]
                       for d in (await _json(apps.list_namespaced_deployment, NS))["items"]}
        assert not deployments & set(targets.values())
        events = (await _json(core.list_namespaced_event, NS,
                              field_selector="reason=FailedGetScale"))["items"]
        assert sorted(e["message"] for e in events) == [
            'deployments/scale.apps "family-assistant-enhanced" not found',
            'deployments/scale.apps "whisper" not found']
        assert all(e["source"]["component"] == "horizontal-pod-autoscaler" for e in events)


def test_kubectl_get_pods_shows_the_seed_statuses(sim, tmp_path):
    kubeconfig = sim.write_kubeconfig(tmp_path / "config")
    out = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "get", "pods", "-A",
                          "-o", "wide"], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    rows = {line.split()[1]: line.split() for line in out.splitlines()[1:]}
    assert rows[BAD][2:4] == ["0/1", "ImagePullBackOff"]
    assert rows[BAD][-3] == "asuna"
    assert rows[GOOD][2:4] == ["1/1", "Running"] and rows[GOOD][-3] == "pesubuntu"
    assert rows[DASH][3:5] == ["Running", "598"]
