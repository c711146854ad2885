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


# Azure/AKS#477 (a Deployment's rolling update on a ReadWriteOnce claim) and
# jaroslawhartman/withings-sync#248 (the event naming the pod that holds the volume)
VOLUME = "pvc-37a1c8ef-1e22-11e8-bd67-02e52a0be43d"
MULTI = (f'Multi-Attach error for volume "{VOLUME}" Volume is already exclusively attached to one '
         "node and can't be attached to another")
USED_BY = f'Multi-Attach error for volume "{VOLUME}" Volume is already used by pod(s) ' \
          "bootstrap-withings-sync"


def rollout():
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "jenkins", "namespace": "app", "uid": "uid-dep"}}
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
             "metadata": {"name": "jenkins", "namespace": "app", "uid": "uid-claim"},
             "spec": {"accessModes": ["ReadWriteOnce"], "volumeName": VOLUME},
             "status": {"phase": "Bound"}}
    pods, sets = [], []
    for rs, node, running in (("jenkins-5c8d7b9f6", "agent-0", True),
                              ("jenkins-6746b45c94", "agent-2", False)):
        sets.append({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                     "metadata": {"name": rs, "namespace": "app", "uid": f"uid-{rs}",
                                  "ownerReferences": [{"kind": "Deployment", "name": "jenkins",
                                                       "uid": "uid-dep", "controller": True}]}})
        p = pod(f"{rs}-x", owner=("ReplicaSet", rs, f"uid-{rs}"), node=node,
                **({"ready": True} if running else {"phase": "Pending",
                                                    "waiting": "ContainerCreating"}))
        p["spec"]["volumes"] = [{"name": "home", "persistentVolumeClaim": {"claimName": "jenkins"}}]
        pods.append(p)
    return deploy, claim, sets, pods


def test_a_multi_attach_error_names_the_pod_holding_the_volume_and_recreate_for_a_rollout():
    deploy, claim, sets, (old, new) = rollout()
    [f] = run(failed_mount, deploy, claim, *sets, old, new,
              event(new, "FailedAttachVolume", MULTI))
    assert f.summary == (f"Pod app/jenkins-6746b45c94-x cannot start: volume {VOLUME} (claim "
                         "jenkins) can be attached to one node only, and pod jenkins-5c8d7b9f6-x "
                         "holds it on node agent-0.")
    assert "strategy Recreate" in f.remediations[0].title
    assert f.remediations[1].command == "kubectl -n app delete pod jenkins-5c8d7b9f6-x"


def test_a_multi_attach_error_takes_the_holder_the_event_names():
    deploy, claim, sets, (old, new) = rollout()
    holder = pod("bootstrap-withings-sync", node="agent-2", ready=True)
    [f] = run(failed_mount, claim, holder, new, event(new, "FailedAttachVolume", USED_BY))
    assert "pod bootstrap-withings-sync holds it" in f.summary
    assert not any("Recreate" in r.title for r in f.remediations)


def test_a_multi_attach_error_without_a_holder_is_a_stale_attachment():
    _, claim, _, (_, new) = rollout()
    [f] = run(failed_mount, claim, new, event(new, "FailedAttachVolume", MULTI))
    assert "no pod there uses it: an attachment that outlived its pod or node" in f.summary
    assert f.remediations[0].command == f"kubectl get volumeattachments | grep {VOLUME}"
