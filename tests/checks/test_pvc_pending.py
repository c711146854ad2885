from kubetriage.checks import pvc_pending
from tests.checks.conftest import event, pod, run

NO_CLASS = "no persistent volumes available for this claim and no storage class is set"
UNBOUND = ("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
           "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")


def claim(name="hub-db-dir", ns="jhub", phase="Pending", storage_class=None):
    spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    if storage_class:
        spec["storageClassName"] = storage_class
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-pvc-{name}"},
            "spec": spec, "status": {"phase": phase}}


def storage_class(name, default=False):
    ann = {"storageclass.kubernetes.io/is-default-class": "true"} if default else {}
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": name, "annotations": ann}, "provisioner": "ebs.csi.aws.com"}


def mounting_pod(claim_name="hub-db-dir", ns="jhub"):
    p = pod("hub-5b8d96f64b-qk86l", ns, phase="Pending",
            conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                         "message": UNBOUND}])
    p["spec"]["volumes"] = [{"name": "pvc", "persistentVolumeClaim": {"claimName": claim_name}}]
    return p


def test_fires_when_no_class_is_named_and_none_is_default():
    c = claim()
    [f] = run(pvc_pending, c, event(c, "FailedBinding", NO_CLASS, count=303, type_="Normal"),
              storage_class("gp3"), mounting_pod())
    assert f.id == "KT-701/PersistentVolumeClaim/jhub/hub-db-dir"
    assert f.summary == ("PersistentVolumeClaim jhub/hub-db-dir is Pending: it names no "
                         "StorageClass and no StorageClass is the cluster's default; 1 pod "
                         "mounting it cannot start.")
    assert f.evidence[0] == f"Normal FailedBinding (x303): {NO_CLASS}"
    assert "is-default-class" in f.remediations[0].command
    assert f.remediations[1].command == "kubectl delete pvc hub-db-dir -n jhub"
    assert f.facts["breaks"] == [("Pod", "jhub", "hub-5b8d96f64b-qk86l")]


def test_fires_when_the_named_class_does_not_exist():
    c = claim("prometheus-data-prometheus-0", "monitoring", storage_class="standard")
    [f] = run(pvc_pending, c, event(c, "ProvisioningFailed",
                                    'storageclass.storage.k8s.io "standard" not found', count=39),
              storage_class("gp3", default=True))
    assert "it asks for StorageClass standard, which does not exist" in f.summary
    assert "gp3 (default)" in f.evidence[-1]


def test_silent_while_waiting_for_its_first_consumer():
    c = claim(storage_class="local-path")
    assert run(pvc_pending, c, storage_class("local-path", default=True),
               event(c, "WaitForFirstConsumer", "waiting for first consumer to be created before "
                     "binding", type_="Normal")) == []


def test_silent_when_bound():
    assert run(pvc_pending, claim(phase="Bound"), storage_class("gp3", default=True)) == []
