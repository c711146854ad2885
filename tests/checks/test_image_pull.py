from kubetriage.checks import image_pull, registry_trust
from tests.checks.conftest import event, helmrelease, owned, pod, run

X509 = ('Failed to pull image "reg.example:5000/app:1": tls: failed to verify certificate: '
        "x509: certificate signed by unknown authority")


def test_fires_when_x509_and_names_the_cause():
    p = pod("a", waiting="ImagePullBackOff", message='Back-off pulling image "reg.example:5000/app:1"')
    [f] = run(image_pull, p, event(p, "Failed", X509, count=12, field_path="spec.containers{app}"))
    assert "does not trust the registry's TLS certificate" in f.summary
    assert f.facts["cause"] == "x509" and f.facts["registry"] == "reg.example:5000"
    assert any("Failed (x12)" in line for line in f.evidence)


def test_fires_when_tag_differs_from_the_helmrelease_values():
    hr = helmrelease("front", values={"image": {"repository": "reg.example:5000/front",
                                                "tag": "0.1.12"}})
    rs = owned("ReplicaSet", "front-rs", release="front")
    p = pod("front-1", waiting="ImagePullBackOff", image="reg.example:5000/front:0.12.0",
            owner=("ReplicaSet", "front-rs", "uid-front-rs"))
    [f] = run(image_pull, hr, rs, p, event(p, "Failed", "manifest unknown",
                                           field_path="spec.containers{app}"))
    assert "asks for tag 0.12.0, but the HelmRelease's values say 0.1.12" in f.summary


def test_fires_node_specific_when_image_without_registry_runs_elsewhere():
    bad = pod("fa-bad", waiting="ImagePullBackOff", image="family:fix", node="asuna")
    good = pod("fa-good", running=True, ready=True, image="100.81.76.55:30500/family:me",
               node="pesubuntu")
    [f] = run(image_pull, bad, good, event(bad, "Failed", "pull access denied for family",
                                           field_path="spec.containers{app}"))
    assert "has no registry host" in f.summary and "specific to node asuna" in f.summary
    assert any("100.81.76.55:30500/family:me" in line for line in f.evidence)


def test_fires_with_cause_unknown_when_nothing_says_why():
    [f] = run(image_pull, pod("a", waiting="ErrImagePull"))
    assert "cause unknown" in f.summary


def test_silent_when_the_image_is_pulled():
    assert run(image_pull, pod("a", running=True, ready=True)) == []


def test_registry_trust_fires_once_per_node_and_registry():
    pods = [pod(f"p{i}", waiting="ImagePullBackOff") for i in range(3)]
    events = [event(p, "Failed", X509, field_path="spec.containers{app}") for p in pods]
    [f] = run(registry_trust, *pods, *events)
    assert f.object.kind == "Node" and f.object.name == "node-a"
    assert "3 pods cannot pull" in f.summary and f.facts["registry"] == "reg.example:5000"


def test_registry_trust_silent_when_pull_fails_for_another_reason():
    p = pod("p", waiting="ImagePullBackOff")
    assert run(registry_trust, p, event(p, "Failed", "manifest unknown")) == []
