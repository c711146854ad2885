from kubetriage.checks import pod_pending
from tests.checks.conftest import pod, run

WHY = "0/3 nodes are available: 3 Insufficient memory."


def test_fires_with_the_schedulers_reason():
    p = pod("w", phase="Pending", conditions=[
        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": WHY}])
    [f] = run(pod_pending, p)
    assert WHY in f.summary


def test_silent_when_scheduled():
    assert run(pod_pending, pod("w", ready=True)) == []
