from kubetriage.checks import sealed_secret, sealing_key
from tests.checks.conftest import helmrelease, owned, pod, run


def sealed(name, synced="False", message="no key could decrypt secret (TOKEN)"):
    return {"apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
            "metadata": {"name": name, "namespace": "app"},
            "spec": {"template": {"metadata": {"name": name}}},
            "status": {"conditions": [{"type": "Synced", "status": synced,
                                       "reason": "ErrUnsealFailed", "message": message}]}}


def test_fires_when_not_synced_and_names_the_releases_whose_values_use_it():
    hr = helmrelease("bot", values={"discord": {"existingSecret": "bot-secret"}})
    [f] = run(sealed_secret, sealed("bot-secret"), hr)
    assert "no key the controller holds decrypts it" in f.summary
    assert f.facts["releases"] == ["app/bot"]


def test_silent_when_synced():
    assert run(sealed_secret, sealed("s", synced="True", message="")) == []


def test_sealing_key_fires_from_the_controllers_log():
    deploy = owned("Deployment", "sealed-secrets-controller", ns="kube-system")
    ctrl = pod("ctrl-1", ns="kube-system", running=True, ready=True,
               owner=("Deployment", "sealed-secrets-controller",
                      "uid-sealed-secrets-controller"))
    logs = {("kube-system", "ctrl-1", "app", False): [
        'level=INFO msg="New key written" name=sealed-secrets-keyabc',
        'level=ERROR msg="Error updating" key=app/a error="no key could decrypt secret (X)"',
        'level=ERROR msg="Error updating" key=app/b error="no key could decrypt secret (Y)"']}
    [f] = run(sealing_key, deploy, ctrl, sealed("a"), sealed("b"), logs=logs)
    assert f.object.kind == "Deployment" and "decrypts 2 SealedSecrets" in f.summary
    assert f.facts["sealed"] == [("app", "a"), ("app", "b")]
    assert "New key written" in f.evidence[0]


def test_sealing_key_silent_without_the_controllers_word():
    assert run(sealing_key, sealed("a")) == []
