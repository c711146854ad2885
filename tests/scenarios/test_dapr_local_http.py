"""dapr-local (seed 004) served by the embedded API server: what kubectl and the dashboard read."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import subprocess

import pytest
import yaml
from kubernetes_asyncio import client

from kubetriage.sim.server import SimServer
from tests.scenarios.conftest import raw_json as _json
from tests.scenarios.conftest import raw_text as _text
from tests.scenarios.conftest import still_server

NS = "default"
POD_A, POD_B = "backend-api-6d9c7b8f5d-wq7zk", "backend-api-7f5b9c6d48-8ncv4"
DENIED = ("/usr/local/bin/python3.13: can't open file '/root/.local/bin/uvicorn': "
          "[Errno 13] Permission denied")


@pytest.fixture(scope="module")
def sim():
    with still_server("dapr-local") as server:
        yield server


def _status(pod: dict, container: str) -> dict:
    return next(s for s in pod["status"]["containerStatuses"] if s["name"] == container)


async def test_backend_crashes_on_missing_dapr_sdk_on_the_one_minikube_node(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        core = client.CoreV1Api(api)
        nodes = (await _json(core.list_node))["items"]
        assert [n["metadata"]["name"] for n in nodes] == ["minikube"]
        assert nodes[0]["status"]["nodeInfo"]["kernelVersion"].endswith("microsoft-standard-WSL2")
        pods = (await _json(core.list_pod_for_all_namespaces))["items"]
        assert {p["spec"]["nodeName"] for p in pods} == {"minikube"}
        a = await _json(core.read_namespaced_pod, POD_A, NS)
        assert _status(a, "backend-api")["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        previous = await _text(core.read_namespaced_pod_log, POD_A, NS, previous=True)
        assert previous.splitlines()[-1] == "ModuleNotFoundError: No module named 'dapr'"


async def test_daprd_is_refused_by_the_non_root_policy(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        core = client.CoreV1Api(api)
        b = await _json(core.read_namespaced_pod, POD_B, NS)
        waiting = _status(b, "daprd")["state"]["waiting"]
        expected = (f"container's runAsUser breaks non-root policy (pod: \"{POD_B}_{NS}"
                    f"({b['metadata']['uid']})\", container: daprd)")
        assert waiting == {"message": expected, "reason": "CreateContainerConfigError"}
        assert b["spec"]["securityContext"]["runAsUser"] == 0
        daprd = next(c for c in b["spec"]["containers"] if c["name"] == "daprd")
        assert daprd["securityContext"]["runAsNonRoot"] is True
        events = (await _json(core.list_namespaced_event, NS,
                              field_selector=f"involvedObject.name={POD_B}"))["items"]
        assert f"Error: {expected}" in {e["message"] for e in events if e["type"] == "Warning"}


async def test_the_pod_level_capabilities_survive_only_in_helms_release_record(sim):
    async with client.ApiClient(client.Configuration(host=sim.url)) as api:
        core, apps = client.CoreV1Api(api), client.AppsV1Api(api)
        deploy = await _json(apps.read_namespaced_deployment, "backend-api", NS)
        assert "capabilities" not in deploy["spec"]["template"]["spec"]["securityContext"]
        secret = await _json(core.read_namespaced_secret, "sh.helm.release.v1.backend-api.v1", NS)
        release = json.loads(gzip.decompress(base64.b64decode(
            base64.b64decode(secret["data"]["release"]))))
        rendered = next(d for d in yaml.safe_load_all(release["manifest"])
                        if d["kind"] == "Deployment")
        assert rendered["spec"]["template"]["spec"]["securityContext"]["capabilities"] == {
            "drop": ["ALL"]}


async def test_after_the_rebuild_the_next_start_is_permission_denied():
    async with SimServer("dapr-local", speed=100) as sim, \
            client.ApiClient(client.Configuration(host=sim.url)) as api:
        core = client.CoreV1Api(api)
        await asyncio.sleep(2.5)  # the image changes at 170 s of scenario time
        a = await _json(core.read_namespaced_pod, POD_A, NS)
        st = _status(a, "backend-api")
        assert st["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        assert (st["restartCount"], st["lastState"]["terminated"]["exitCode"]) == (13, 2)
        current = await _text(core.read_namespaced_pod_log, POD_A, NS)
        previous = await _text(core.read_namespaced_pod_log, POD_A, NS, previous=True)
        assert current.splitlines() == [DENIED]
        assert previous.splitlines()[-1] == "ModuleNotFoundError: No module named 'dapr'"


def test_kubectl_get_pods_shows_the_seed_statuses(sim, tmp_path):
    kubeconfig = sim.write_kubeconfig(tmp_path / "config")
    out = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "get", "pods", "-A"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    rows = {line.split()[1]: line.split() for line in out.splitlines()[1:]}
    assert rows[POD_A][2:5] == ["0/1", "CrashLoopBackOff", "12"]
    assert rows[POD_B][2:4] == ["1/2", "CreateContainerConfigError"]
