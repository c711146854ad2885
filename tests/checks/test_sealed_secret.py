from kubetriage.checks import sealed_secret
from tests.checks.conftest import helmrelease, run


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

