from kubetriage.checks import failed_mount
from tests.checks.conftest import event, pod, run

MOUNT = 'MountVolume.SetUp failed for volume "creds" : secret "db-creds" not found'


def test_fires_while_pending_on_a_missing_secret():
    p = pod("w", phase="Pending", waiting="ContainerCreating")
    [f] = run(failed_mount, p, event(p, "FailedMount", MOUNT, count=9))
    assert 'volume "creds" does not mount, Secret db-creds does not exist' in f.summary
    assert f.facts["missing_secret"] == "db-creds" and "(x9)" in f.evidence[0]


def test_silent_once_the_pod_runs_although_the_old_event_remains():
    p = pod("w", ready=True)
    assert run(failed_mount, p, event(p, "FailedMount", MOUNT)) == []
