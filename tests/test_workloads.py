"""A workload's pods failing one way are one root with the count (checks/workloads.py), and a
symptom root goes under the cause that explains the same pod (checks/ranking.py)."""

from __future__ import annotations

from kubetriage.core.snapshot import Snapshot
from kubetriage.diagnosis import diagnose
from tests.checks.conftest import event, owned, pod

DEPLOY = owned("Deployment", "web")
RS = owned("ReplicaSet", "web-rs", owner=("Deployment", "web", "uid-web"))
OLD_RS = owned("ReplicaSet", "web-old", owner=("Deployment", "web", "uid-web"))
CRASH = "ModuleNotFoundError: No module named 'dapr'"


def crashing(name: str, rs: str = "web-rs", restarts: int = 4) -> dict:
    return pod(name, waiting="CrashLoopBackOff", restarts=restarts, last={"exitCode": 1},
               owner=("ReplicaSet", rs, f"uid-{rs}"))


def report_of(*objects, lines: dict[str, list[str]]):
    logs = {("app", name, "app", True): said for name, said in lines.items()}
    return diagnose(Snapshot.from_objects([DEPLOY, RS, OLD_RS, *objects], logs))


def test_fires_when_the_pods_of_one_deployment_fail_one_way():
    pods = [crashing("web-rs-a", restarts=4), crashing("web-rs-b", restarts=9),
            crashing("web-old-c", rs="web-old")]
    report = report_of(*pods, lines={p["metadata"]["name"]: [CRASH] for p in pods})
    [chain] = report.chains
    by_id = {f.id: f for f in report.findings}
    root = by_id[chain.root]
    assert root.object.kind == "Deployment" and root.object.name == "web"
    assert root.summary == ("3 of 3 pods of Deployment app/web: container app is crash-looping: "
                            "Python module 'dapr' is not installed in the image.")
    assert root.evidence[0].startswith("3 pods: web-old-c, web-rs-a, web-rs-b")
    assert CRASH in root.evidence
    assert sorted(chain.links[1:]) == sorted(f"KT-201/Pod/app/{p['metadata']['name']}/app"
                                             for p in pods)
    assert "It breaks" not in chain.summary  # its own pods are not what it breaks


def test_counts_the_pods_that_do_not_fail():
    healthy = pod("web-rs-ok", running=True, ready=True, owner=("ReplicaSet", "web-rs",
                                                                "uid-web-rs"))
    pods = [crashing("web-rs-a"), crashing("web-rs-b")]
    report = report_of(*pods, healthy, lines={p["metadata"]["name"]: [CRASH] for p in pods})
    [chain] = report.chains
    assert chain.summary.startswith("2 of 3 pods of Deployment app/web: ")


def test_silent_when_the_pods_fail_different_ways():
    pods = [crashing("web-rs-a"), crashing("web-rs-b")]
    report = report_of(*pods, lines={"web-rs-a": [CRASH],
                                     "web-rs-b": ["exec /app/run.sh: permission denied"]})
    assert sorted(c.root for c in report.chains) == ["KT-201/Pod/app/web-rs-a/app",
                                                     "KT-201/Pod/app/web-rs-b/app"]


def test_silent_for_one_pod():
    report = report_of(crashing("web-rs-a"), lines={"web-rs-a": [CRASH]})
    assert [c.root for c in report.chains] == ["KT-201/Pod/app/web-rs-a/app"]


def test_a_probe_refused_goes_under_the_cause_of_the_same_pods_crash():
    """Keycloak's case: its log says why it is not up (peers time out behind a policy); the
    kubelet's probe, refused meanwhile, says only that it is not up."""
    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "kc", "namespace": "app"},
              "spec": {"podSelector": {"matchLabels": {"app": "kc"}},
                       "policyTypes": ["Ingress", "Egress"],
                       "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "kc"}}}],
                                    "ports": [{"port": 7800}]}], "egress": []}}
    kc = pod("kc-1", waiting="CrashLoopBackOff", restarts=6, last={"exitCode": 1},
             labels={"app": "kc"}, spec={"ports": [{"containerPort": 9000, "name": "mgmt"}],
                                         "startupProbe": {"httpGet": {"port": "mgmt"}}})
    refused = event(kc, "Unhealthy", 'Startup probe failed: Get "http://10.0.0.5:9000/health": '
                    "dial tcp 10.0.0.5:9000: connect: connection refused", count=41,
                    field_path="spec.containers{app}")
    timeout = ("WARN [org.jgroups.protocols.TCP] failure sending message to 10.0.0.6:7800: "
               "java.net.SocketTimeoutException: Connect timed out")
    report = diagnose(Snapshot.from_objects([policy, kc, refused],
                                            {("app", "kc-1", "app", True): [timeout]}))
    [chain] = report.chains
    assert chain.root == "KT-403/NetworkPolicy/app/kc"
    assert set(chain.links[1:]) == {"KT-201/Pod/app/kc-1/app", "KT-207/Pod/app/kc-1/app"}
