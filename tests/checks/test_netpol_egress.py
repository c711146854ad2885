from kubetriage.checks import netpol_egress
from tests.checks.conftest import pod, run

KC = {"matchLabels": {"app": "keycloak"}}


def policy(egress_ports):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "kc", "namespace": "app"},
            "spec": {"podSelector": KC, "policyTypes": ["Ingress", "Egress"],
                     "ingress": [{"from": [{"podSelector": KC}],
                                  "ports": [{"port": 7800}, {"port": 9000}]}],
                     "egress": [{"to": [{"podSelector": KC}],
                                 "ports": [{"port": p} for p in egress_ports]}]}}


def test_fires_as_error_when_members_time_out_on_the_port():
    kc = pod("kc-1", labels={"app": "keycloak"}, waiting="CrashLoopBackOff")
    logs = {("app", "kc-1", "app", True): [
        "failure sending message to 10.8.1.23:7800: java.net.SocketTimeoutException"]}
    [f] = run(netpol_egress, policy([8080]), kc, logs=logs)
    assert f.id == "KT-403/NetworkPolicy/app/kc" and f.severity == "error"
    assert f.summary == ("NetworkPolicy app/kc admits ports 7800, 9000 from its own pods on "
                         "ingress, but no egress rule lets them connect out to each other there; "
                         "1 of them times out on them.")
    assert f.evidence == ["ingress from app=keycloak on 7800, 9000; egress to them allowed on: "
                          "8080",
                          "kc-1: failure sending message to 10.8.1.23:7800: "
                          "java.net.SocketTimeoutException"]
    assert f.facts["pods"] == ["kc-1"]


def test_fires_as_warning_without_timeouts():
    [f] = run(netpol_egress, policy([53]))
    assert f.severity == "warning"


def test_silent_when_egress_allows_the_same_ports():
    assert run(netpol_egress, policy([7800, 9000])) == []
