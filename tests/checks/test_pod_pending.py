from kubetriage.checks import pod_pending
from tests.checks.conftest import event, pod, run

WHY = "0/3 nodes are available: 3 Insufficient memory."


def unschedulable(message=WHY):
    return pod("w", phase="Pending", conditions=[
        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": message}])


def test_fires_with_the_schedulers_reason():
    p = unschedulable()
    [f] = run(pod_pending, p, event(p, "FailedScheduling", WHY, count=4))
    assert f.id == "KT-206/Pod/app/w" and f.severity == "error"
    assert f.summary == "Pod app/w cannot be scheduled: 0/3 nodes are available: 3 Insufficient " \
                        "memory."
    assert f.evidence == [f"PodScheduled=False Unschedulable: {WHY}",
                          f"Warning FailedScheduling (x4): {WHY}"]


def test_fires_with_the_events_reason_when_the_condition_has_none():
    p = unschedulable(message="")
    taint = ("0/1 nodes are available: 1 node(s) had untolerated taint "
             "{node.kubernetes.io/disk-pressure: }")
    [f] = run(pod_pending, p, event(p, "FailedScheduling", taint))
    assert f.summary == f"Pod app/w cannot be scheduled: {taint}."


def test_fires_saying_the_scheduler_gives_no_reason():
    [f] = run(pod_pending, unschedulable(message=""))
    assert f.summary == "Pod app/w cannot be scheduled: the scheduler gives no reason."


def test_silent_when_scheduled():
    assert run(pod_pending, pod("w", ready=True)) == []


def test_silent_while_pending_but_scheduled():
    """Pulling images or mounting volumes: other checks say why."""
    assert run(pod_pending, pod("w", phase="Pending", waiting="ContainerCreating", conditions=[
        {"type": "PodScheduled", "status": "True"}])) == []


# aws/karpenter-provider-aws#2971: a StatefulSet's pod whose zonal volume no node can reach
ZONAL = ("0/6 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) didn't "
         "match Pod's node affinity/selector, 3 Insufficient cpu.")


def test_the_fix_follows_each_reason_the_scheduler_gives():
    p = unschedulable(ZONAL)
    p["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": "data-w"}}]
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
             "metadata": {"name": "data-w", "namespace": "app", "uid": "uid-claim"},
             "spec": {"volumeName": "pvc-1a2b"}, "status": {"phase": "Bound"}}
    [f] = run(pod_pending, p, claim)
    titles = [r.title for r in f.remediations]
    assert titles[0].startswith("Its volume can only be reached from nodes it is bound to")
    assert f.remediations[0].command == "kubectl get pv pvc-1a2b -o jsonpath='{.spec.nodeAffinity}'"
    assert any("cpu it requests free" in t for t in titles)
    assert any("nodeSelector or node affinity" in t for t in titles)
    assert titles[-1].startswith("Compare its requests")
