"""Our action and the real kubectl, each on its own embedded server playing the same scenario:
the servers end in the same shape."""

from __future__ import annotations

import asyncio
import re
import subprocess

from kubetriage.core.resources import by_kind
from kubetriage.sim.server import run_in_thread
from tests.actions.conftest import eventually

DEPLOY = by_kind("apps/v1", "Deployment")
JOB = by_kind("batch/v1", "Job")
POD = by_kind("v1", "Pod")
RS = by_kind("apps/v1", "ReplicaSet")


def kubectl(kubeconfig, *args: str) -> str:
    return subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), *args], check=True,
                          capture_output=True, text=True, timeout=60).stdout


def template_annotations(dep) -> dict:
    return ((dep["spec"]["template"].get("metadata") or {}).get("annotations") or {})


def replicasets(state, ns, name) -> int:
    return sum(1 for rs in state.list(RS, ns) if rs["metadata"]["name"].startswith(name + "-"))


async def test_rollout_restart_matches_kubectl(midwest, actions, tmp_path):
    with run_in_thread("midwestmtg", speed=10) as twin:
        cfg = twin.write_kubeconfig(tmp_path / "kubeconfig")
        await asyncio.to_thread(kubectl, cfg, "-n", "midwestmtg", "rollout", "restart",
                                "deployment/midwestmtg-frontend")
        theirs = twin.call(lambda s: s.state.get(DEPLOY, "midwestmtg", "midwestmtg-frontend"))
        their_rs = twin.call(lambda s: replicasets(s.state, "midwestmtg", "midwestmtg-frontend"))
    dep = midwest.store.get("Deployment", "midwestmtg", "midwestmtg-frontend")
    rs_before = replicasets(midwest.demo.state, "midwestmtg", "midwestmtg-frontend")
    assert (await actions.run(await actions.plan("rollout-restart", dep), confirmed=True)).ok
    ours = midwest.demo.state.get(DEPLOY, "midwestmtg", "midwestmtg-frontend")
    mine, kubectls = template_annotations(ours), template_annotations(theirs)
    assert mine.keys() == kubectls.keys() == {"kubectl.kubernetes.io/restartedAt"}
    shape = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
    assert shape.match(mine["kubectl.kubernetes.io/restartedAt"])
    assert shape.match(kubectls["kubectl.kubernetes.io/restartedAt"])
    assert ours["metadata"]["generation"] == theirs["metadata"]["generation"]
    # both rolled the Deployment to a new ReplicaSet
    assert await eventually(lambda: replicasets(midwest.demo.state, "midwestmtg",
                                                "midwestmtg-frontend") == their_rs > rs_before)


async def test_delete_hook_job_matches_kubectl_delete(midwest, actions, tmp_path):
    name = "midwestmtg-backend-migration"
    with run_in_thread("midwestmtg", speed=10) as twin:
        cfg = twin.write_kubeconfig(tmp_path / "kubeconfig")
        command = (await actions.plan("delete-hook-job", midwest.store.get(
            "Job", "midwestmtg", name))).command.split()
        assert command[:3] == ["kubectl", "--context", "kubetriage-sim"]
        await asyncio.to_thread(kubectl, cfg, *command[1:])  # the very command the plan shows
        their_pods = twin.call(lambda s: sorted(p["metadata"]["name"]
                                                for p in s.state.list(POD, "midwestmtg")))
        assert twin.call(lambda s: s.state.get(JOB, "midwestmtg", name)) is None
    job = midwest.store.get("Job", "midwestmtg", name)
    assert (await actions.run(await actions.plan("delete-hook-job", job), confirmed=True)).ok
    assert midwest.demo.state.get(JOB, "midwestmtg", name) is None
    assert sorted(p["metadata"]["name"] for p in midwest.demo.state.list(POD, "midwestmtg")) \
        == their_pods
    assert not [p for p in their_pods if p.startswith(name)]
