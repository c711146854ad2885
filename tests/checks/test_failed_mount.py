from kubetriage.checks import failed_mount
from tests.checks.conftest import event, pod, run

MOUNT = 'MountVolume.SetUp failed for volume "creds" : secret "db-creds" not found'


def test_fires_while_pending_on_a_missing_secret():
    p = pod("w", phase="Pending", waiting="ContainerCreating")
    [f] = run(failed_mount, p, event(p, "FailedMount", MOUNT, count=9))
    assert f.id == "KT-205/Pod/app/w" and f.severity == "error"
    assert f.summary == ('Pod app/w cannot start: volume "creds" does not mount, Secret db-creds '
                         "does not exist.")
    assert f.facts["missing_secret"] == "db-creds"
    assert f.evidence == [f"Warning FailedMount (x9): {MOUNT}"]


def test_fires_with_the_kubelets_word_for_other_mount_failures():
    p = pod("w", phase="Pending", waiting="ContainerCreating")
    nfs = ('MountVolume.SetUp failed for volume "media" : mount failed: exit status 32 '
           "mount.nfs: Connection timed out")
    [f] = run(failed_mount, p, event(p, "FailedMount", nfs))
    assert f.summary == ('Pod app/w cannot start: volume "media" does not mount, the kubelet\'s '
                         "message below says why.")


def test_silent_once_the_pod_runs_although_the_old_event_remains():
    p = pod("w", ready=True)
    assert run(failed_mount, p, event(p, "FailedMount", MOUNT)) == []
