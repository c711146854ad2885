from kubetriage.checks import node_condition
from tests.checks.conftest import event, pod, run

EVICTED = ("The node was low on resource: ephemeral-storage. Threshold quantity: 80463020976, "
           "available: 78017988Ki. Container app was using 1148032Ki, request is 0, has larger "
           "consumption of ephemeral-storage.")
TAINTED = ("0/3 nodes are available: 1 node(s) had untolerated taint "
           "{node.kubernetes.io/disk-pressure: }, 2 node(s) didn't match Pod's node "
           "affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful "
           "for scheduling.")


def node(name, *, conditions, taints=()):
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": f"uid-{name}"},
            "spec": {"taints": [{"key": k, "effect": e} for k, e in taints]},
            "status": {"conditions": conditions}}


def cond(type_, status, reason, message):
    return {"type": type_, "status": status, "reason": reason, "message": message}


HEALTHY = [cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
           cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure")]


def test_fires_for_disk_pressure_with_its_evicted_and_turned_away_pods():
    n = node("control-1", conditions=[
        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        cond("DiskPressure", "True", "KubeletHasDiskPressure", "kubelet has disk pressure")],
        taints=[("node.kubernetes.io/disk-pressure", "NoSchedule")])
    evicted = pod("fileflows-7d9c", "media", node="control-1", phase="Failed")
    evicted["status"].update({"reason": "Evicted", "message": EVICTED})
    pending = pod("fileflows-8f2k", "media", node="", phase="Pending")
    [f] = run(node_condition, n, evicted, pending, event(pending, "FailedScheduling", TAINTED, count=12))
    assert f.id == "KT-702/Node/-/control-1"
    assert f.summary == ("Node control-1 is under DiskPressure: 1 pod evicted from it, 1 Pending "
                         "pod its taint turns away.")
    assert f.evidence[0] == "DiskPressure True KubeletHasDiskPressure: kubelet has disk pressure"
    assert f"pod media/fileflows-7d9c Evicted: {EVICTED}" in f.evidence
    assert {("Pod", "media", "fileflows-7d9c"), ("Pod", "media", "fileflows-8f2k")} == \
        set(f.facts["breaks"])


def test_fires_when_the_kubelet_stopped_posting_status():
    n = node("worker-2", conditions=[cond("Ready", "Unknown", "NodeStatusUnknown",
                                          "Kubelet stopped posting node status.")],
             taints=[("node.kubernetes.io/unreachable", "NoExecute")])
    [f] = run(node_condition, n, pod("coredns-5d78c", "kube-system", node="worker-2"))
    assert f.summary == "Node worker-2 is NotReady: 1 pod left on it."
    assert "systemctl status kubelet" in f.remediations[0].title


def test_silent_for_a_healthy_node_with_old_evictions():
    evicted = pod("old-job-x", node="worker-1", phase="Failed")
    evicted["status"].update({"reason": "Evicted", "message": EVICTED})
    assert run(node_condition, node("worker-1", conditions=HEALTHY), evicted) == []
