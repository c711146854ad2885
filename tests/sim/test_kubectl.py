"""The unmodified kubectl against the embedded server: the proof that it speaks Kubernetes.

The kubectl on PATH is a dispatcher that runs the real binary matching the server's minor
version, so the server's reported version picks which kubectl runs: the read commands run on the
oldest (1.27) and the newest (1.33) the machine has.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kubetriage.core import resources
from kubetriage.sim.faults import Faults
from kubetriage.sim.rbac import Deny, Rbac
from kubetriage.sim.server import run_in_thread

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None,
                                reason="kubectl is not installed on this machine")
POD = resources.by_kind("v1", "Pod")
RS = resources.by_kind("apps/v1", "ReplicaSet")
HR = resources.by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")
OLDEST, NEWEST = (1, 27, 16), (1, 33, 1)


@pytest.fixture
def cluster(tiny_scenario: Path, tmp_path: Path, request):
    """(kubectl runner, threaded server) on the tiny scenario, at speed 10 unless a test's
    parameters say otherwise."""
    params = {"speed": 10.0, **getattr(request, "param", {})}
    with run_in_thread(str(tiny_scenario), **params) as sim:
        kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")

        def kubectl(*args: str, timeout: float = 15) -> subprocess.CompletedProcess:
            return subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig),
                                   "--request-timeout", "10s", *args],
                                  capture_output=True, text=True, timeout=timeout)
        kubectl.kubeconfig = kubeconfig
        yield kubectl, sim


def until(check, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout} s: {check}")


def lines_until(proc: subprocess.Popen, pattern: str, timeout: float = 8.0) -> list[str]:
    """Read proc's stdout until a line matches; the process is killed on timeout."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line.rstrip("\n"))
            if re.search(pattern, line):
                return seen
    finally:
        proc.kill()
        proc.wait(5)
    raise AssertionError(f"no line matching {pattern!r} in {seen}")


# at speed 1 the timeline's first restart (10 s) comes after these reads
@pytest.mark.parametrize("cluster", [{"server_version": OLDEST, "speed": 1.0},
                                     {"server_version": NEWEST, "speed": 1.0}],
                         ids=["kubectl-1.27", "kubectl-1.33"], indirect=True)
def test_reads_on_the_oldest_and_newest_kubectl(cluster):
    kubectl, sim = cluster
    version = json.loads(kubectl("version", "-o", "json").stdout)
    assert version["clientVersion"]["minor"] == str(sim.sim.server_version[1])  # dispatched
    out = kubectl("get", "pods,helmreleases", "-A")
    assert out.returncode == 0, out.stderr
    header, *rows = out.stdout.splitlines()
    assert header.split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert re.search(r"pod/web-abc-x1\s+0/1\s+CrashLoopBackOff\s+3 \(\S+ ago\)", out.stdout)
    assert re.search(r"pod/pull\s+0/1\s+ImagePullBackOff\s+0", out.stdout)
    assert re.search(r"NAMESPACE\s+NAME\s+AGE\s+READY\s+STATUS", out.stdout)
    assert re.search(r"helmrelease.helm.toolkit.fluxcd.io/web\s+\d+h\s+False\s+"
                     r"pre-upgrade hooks failed", out.stdout)
    described = kubectl("describe", "pod", "web-abc-x1")
    assert described.returncode == 0, described.stderr
    assert re.search(r"Warning\s+BackOff\s+.*\(x5 over .*\)\s+kubelet\s+Back-off restarting",
                     described.stdout)
    assert kubectl("logs", "web-abc-x1").stdout.startswith("starting\nhost not found")
    assert kubectl("logs", "--previous", "web-abc-x1").stdout.startswith("booting\n")
    failed = kubectl("logs", "pull")
    assert failed.returncode == 1
    assert 'container "app" in pod "pull" is waiting to start' in failed.stderr


def test_get_watch_sees_a_timeline_restart_arrive(cluster):
    kubectl, _ = cluster
    proc = subprocess.Popen(["kubectl", "--kubeconfig", str(kubectl.kubeconfig), "get", "pods",
                             "-w", "--request-timeout", "0"], stdout=subprocess.PIPE, text=True)
    seen = lines_until(proc, r"web-abc-x1\s+0/1\s+CrashLoopBackOff\s+4 ")  # restart at 1 s
    assert seen[0].split()[:3] == ["NAME", "READY", "STATUS"]


def test_logs_follow_sees_a_new_line_arrive(cluster):
    kubectl, sim = cluster
    proc = subprocess.Popen(["kubectl", "--kubeconfig", str(kubectl.kubeconfig), "logs", "-f",
                             "--tail", "1", "web-abc-x1"],
                            stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    sim.call(lambda s: s.state.append_log("web", "web-abc-x1", "app", ["a new line"]))
    assert lines_until(proc, r"^a new line$")[-1] == "a new line"


def test_annotating_a_release_requests_a_reconcile_and_its_status_follows(cluster):
    kubectl, sim = cluster
    out = kubectl("annotate", "helmrelease", "web", "--overwrite",
                  "reconcile.fluxcd.io/requestedAt=2025-10-18T01:31:00Z")
    assert out.returncode == 0 and "annotated" in out.stdout, out.stderr
    until(lambda: kubectl("get", "hr", "web", "-o",
                          "jsonpath={.status.lastHandledReconcileAt}").stdout
          == "2025-10-18T01:31:00Z")
    # the scenario's outcome for this release plays 1 s (at speed 10: 0.1 s) later
    until(lambda: "Helm upgrade succeeded" in kubectl("get", "hr", "web").stdout)
    # a suspended release does not handle the request
    kubectl("annotate", "hr", "held", "reconcile.fluxcd.io/requestedAt=now")
    time.sleep(0.3)
    held = sim.call(lambda s: s.state.get(HR, "web", "held"))
    assert "lastHandledReconcileAt" not in held["status"]


def test_delete_pod_brings_a_replacement(cluster):
    kubectl, sim = cluster
    out = kubectl("delete", "pod", "web-abc-x1")
    assert out.returncode == 0 and 'pod "web-abc-x1" deleted' in out.stdout, out.stderr
    listing = until(lambda: re.search(r"web-abc-\w{5}\s+0/1\s+CrashLoopBackOff",
                                      kubectl("get", "pods").stdout))
    assert "web-abc-x1" not in listing.group(0)


def test_rollout_restart_rolls_the_deployment(cluster):
    kubectl, sim = cluster
    out = kubectl("rollout", "restart", "deployment", "web")
    assert out.returncode == 0 and "deployment.apps/web restarted" in out.stdout, out.stderr

    def new_rs():
        for rs in sim.call(lambda s: s.state.list(RS, "web")):
            if rs["metadata"]["annotations"].get("deployment.kubernetes.io/revision") == "2":
                return rs
    rs = until(new_rs)
    pods = until(lambda: [p for p in kubectl("get", "pods", "-o", "name").stdout.split()
                          if p.startswith(f"pod/{rs['metadata']['name']}-")])
    assert len(pods) == 1 and "pod/web-abc-x1" not in kubectl("get", "pods", "-o",
                                                             "name").stdout
    history = kubectl("get", "rs", "-l", "app=web")
    assert re.search(r"web-abc\s+0\s+0\s+0", history.stdout)


@pytest.mark.parametrize("cluster", [{"rbac": Rbac(deny=[Deny(verbs=("delete",),
                                                              resources=("pods",))])}],
                         indirect=True)
def test_auth_can_i_answers_by_the_servers_rules(cluster):
    kubectl, _ = cluster
    yes = kubectl("auth", "can-i", "get", "pods")
    assert (yes.returncode, yes.stdout.strip()) == (0, "yes")
    no = kubectl("auth", "can-i", "delete", "pods")
    assert (no.returncode, no.stdout.strip()) == (1, "no")
    denied = kubectl("delete", "pod", "pull")
    assert denied.returncode == 1
    assert 'pods "pull" is forbidden: User "kubetriage" cannot delete' in denied.stderr


def test_api_resources_lists_every_kind(cluster):
    kubectl, _ = cluster
    out = kubectl("api-resources")
    assert out.returncode == 0, out.stderr
    assert re.search(r"helmreleases\s+hr\s+helm.toolkit.fluxcd.io/v2\s+true\s+HelmRelease",
                     out.stdout)
    assert re.search(r"pods\s+po\s+v1\s+true\s+Pod", out.stdout)
    for res in resources.RESOURCES:
        if res.preferred:
            assert res.plural in out.stdout


def test_kubectl_on_the_midwestmtg_demo(tmp_path):
    with run_in_thread("midwestmtg") as sim:
        kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")

        def kubectl(*args: str) -> str:
            out = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig),
                                  "--request-timeout", "10s", *args],
                                 capture_output=True, text=True, timeout=15)
            assert out.returncode == 0, out.stderr
            return out.stdout
        listing = kubectl("get", "pods,helmreleases", "-A")
        assert re.search(r"pod/midwestmtg-frontend-7797b494d9-x48qh\s+0/1\s+CrashLoopBackOff\s+"
                         r"6\d \(", listing)
        assert re.search(r"helmrelease.helm.toolkit.fluxcd.io/midwestmtg-discord-bot\s+\S+\s+"
                         r"False\s+dependency 'midwestmtg/midwestmtg-backend' is not ready",
                         listing)
        previous = kubectl("logs", "--previous", "-n", "midwestmtg",
                           "midwestmtg-frontend-7797b494d9-x48qh")
        assert 'nginx: [emerg] host not found in upstream "midwestmtg-backend" in ' \
               "/etc/nginx/nginx.conf:34" in previous


@pytest.mark.parametrize("cluster", [{"faults": Faults(kubelet_down=True)}], indirect=True)
def test_logs_on_a_node_whose_kubelet_is_down_fail_as_kubectl_shows_it(cluster):
    kubectl, _ = cluster
    out = kubectl("logs", "web-abc-x1", "--previous")
    assert out.returncode == 1
    assert re.fullmatch(r'Error from server: Get "https://[\d.]+:10250/containerLogs/web/'
                        r'web-abc-x1/app\?previous=true": dial tcp [\d.]+:10250: connect: '
                        r"connection refused\n", out.stderr), out.stderr


@pytest.mark.parametrize("cluster", [{"faults": Faults(kubelet_down=True)}], indirect=True)
def test_a_pod_on_a_node_that_is_gone_stays_terminating_until_force_deleted(cluster):
    kubectl, sim = cluster
    assert kubectl("delete", "pod", "web-abc-x1", "--wait=false").returncode == 0
    row = kubectl("get", "pod", "web-abc-x1", "--no-headers").stdout.split()
    assert row[2] == "Terminating", row
    pod = json.loads(kubectl("get", "pod", "web-abc-x1", "-o", "json").stdout)
    assert pod["metadata"]["deletionGracePeriodSeconds"] == 30
    out = kubectl("delete", "pod", "web-abc-x1", "--force", "--grace-period=0")
    assert out.returncode == 0 and "force deleted" in out.stdout + out.stderr
    assert sim.call(lambda s: s.state.get(POD, "web", "web-abc-x1")) is None
