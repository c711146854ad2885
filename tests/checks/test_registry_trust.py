from kubetriage.checks import registry_trust
from tests.checks.conftest import event, pod, run

X509 = ('Failed to pull image "reg.example:5000/app:1": tls: failed to verify certificate: '
        "x509: certificate signed by unknown authority")


def failing(name, node="node-a", message=X509):
    p = pod(name, waiting="ImagePullBackOff", node=node,
            message='Back-off pulling image "reg.example:5000/app:1"')
    return p, event(p, "Failed", message, count=12, field_path="spec.containers{app}")


def test_fires_once_per_node_and_registry_for_every_pod_it_breaks():
    objects = [o for i in range(3) for o in failing(f"p{i}")]
    [f] = run(registry_trust, *objects)
    assert f.id == "KT-203/Node/-/node-a/reg.example:5000" and f.severity == "error"
    assert f.summary == ("Node node-a does not trust the TLS certificate of registry "
                         "reg.example:5000: 3 pods cannot pull from it.")
    assert f.evidence == [f"Warning Failed (x12) [spec.containers{{app}}]: {X509}",
                          "pods failing: app/p0, app/p1, app/p2"]
    assert f.facts["pods"] == ["app/p0", "app/p1", "app/p2"]


def test_fires_per_node_when_two_nodes_lack_the_certificate():
    found = run(registry_trust, *failing("a"), *failing("b", node="node-b"))
    assert [f.object.name for f in found] == ["node-a", "node-b"]
    assert all("1 pod cannot pull" in f.summary for f in found)


def test_silent_when_the_pull_fails_for_another_reason():
    assert run(registry_trust, *failing("p", message="manifest unknown")) == []


def test_silent_when_every_image_is_pulled():
    assert run(registry_trust, pod("p", running=True, ready=True)) == []
