from kubetriage.checks import sealing_key
from tests.checks.conftest import owned, pod, run

NEW_KEY = 'time="2025-01-01T00:00:00Z" level=info msg="New key written" name=sealed-secrets-keyab'


def failed(ns, name):
    return (f'time="2025-01-01T00:00:01Z" level=error msg="Error updating" key={ns}/{name} '
            f'error="no key could decrypt secret (TOKEN)"')


def sealed(name, synced="False", message="no key could decrypt secret (TOKEN)"):
    return {"apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
            "metadata": {"name": name, "namespace": "app", "uid": f"uid-ss-{name}"},
            "spec": {"template": {"metadata": {"name": name}}},
            "status": {"conditions": [{"type": "Synced", "status": synced,
                                       "reason": "ErrUnsealFailed", "message": message}]}}


def controller():
    deploy = owned("Deployment", "sealed-secrets-controller", ns="kube-system")
    rs = owned("ReplicaSet", "sealed-secrets-controller-5d", ns="kube-system",
               owner=("Deployment", "sealed-secrets-controller", "uid-sealed-secrets-controller"))
    ctrl = pod("ctrl-1", ns="kube-system", running=True, ready=True, container="controller",
               owner=("ReplicaSet", "sealed-secrets-controller-5d",
                      "uid-sealed-secrets-controller-5d"))
    return deploy, rs, ctrl


def test_fires_on_the_controllers_deployment_from_its_log():
    logs = {("kube-system", "ctrl-1", "controller", False):
            [NEW_KEY, failed("app", "a"), failed("app", "b")]}
    [f] = run(sealing_key, *controller(), sealed("a"), sealed("b"), logs=logs)
    assert f.id == "KT-302/Deployment/kube-system/sealed-secrets-controller"
    assert f.summary == ("The sealed-secrets controller kube-system/sealed-secrets-controller "
                         "holds no key that decrypts 2 SealedSecrets: they were sealed with "
                         "another key.")
    assert f.evidence == [NEW_KEY, failed("app", "b"), "cannot decrypt: app/a, app/b"]
    assert f.facts["sealed"] == [("app", "a"), ("app", "b")]


def test_fires_only_for_the_sealed_secrets_that_fail_now():
    logs = {("kube-system", "ctrl-1", "controller", False): [failed("app", "a"),
                                                              failed("app", "fixed")]}
    [f] = run(sealing_key, *controller(), sealed("a"), sealed("fixed", synced="True", message=""),
              logs=logs)
    assert "decrypts 1 SealedSecret:" in f.summary and f.facts["sealed"] == [("app", "a")]


def test_silent_without_the_controllers_log():
    assert run(sealing_key, *controller(), sealed("a")) == []


def test_silent_when_only_the_previous_instance_failed():
    """The instance before a restart may have had another key; what counts is the running one."""
    logs = {("kube-system", "ctrl-1", "controller", True): [failed("app", "a")]}
    assert run(sealing_key, *controller(), sealed("a"), logs=logs) == []


def test_silent_when_every_sealed_secret_is_synced():
    logs = {("kube-system", "ctrl-1", "controller", False): [failed("app", "a")]}
    assert run(sealing_key, *controller(), sealed("a", synced="True", message=""),
               logs=logs) == []
