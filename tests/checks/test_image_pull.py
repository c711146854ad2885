import pytest

from kubetriage.checks import image_pull
from tests.checks.conftest import event, helmrelease, owned, pod, run

IMAGE = "reg.example:5000/app:1"
BACKOFF = f'Back-off pulling image "{IMAGE}"'
X509 = (f'Failed to pull image "{IMAGE}": tls: failed to verify certificate: '
        "x509: certificate signed by unknown authority")
NOT_FOUND = (f'Failed to pull image "{IMAGE}": rpc error: code = NotFound desc = failed to pull '
             f'and unpack image "{IMAGE}": failed to resolve reference "{IMAGE}": {IMAGE}: '
             "not found")
MANIFEST_UNKNOWN = (f'Failed to pull image "{IMAGE}": Error response from daemon: manifest for '
                    f"{IMAGE} not found: manifest unknown: manifest unknown")
DENIED = (f'Failed to pull image "{IMAGE}": failed to resolve reference "{IMAGE}": pull access '
          "denied, repository does not exist or may require authorization: server message: "
          "insufficient_scope: authorization failed")
REFUSED = (f'Failed to pull image "{IMAGE}": failed to do request: Head '
           '"https://reg.example:5000/v2/app/manifests/1": dial tcp 10.0.0.9:5000: connect: '
           "connection refused")


def failing(name="a", message=X509, node="node-a", image=IMAGE):
    p = pod(name, waiting="ImagePullBackOff", message=f'Back-off pulling image "{image}"',
            node=node, image=image)
    return p, event(p, "Failed", message, count=12, field_path="spec.containers{app}")


@pytest.mark.parametrize("message, cause, meaning", [
    (X509, "x509", "the node does not trust the registry's TLS certificate"),
    (NOT_FOUND, "manifest", "the tag does not exist in the registry"),
    (MANIFEST_UNKNOWN, "manifest", "the tag does not exist in the registry"),
    (DENIED, "denied", "the registry denies access (no such repository, or credentials needed)"),
    (REFUSED, "unreachable", "the registry cannot be reached"),
], ids=["fires_when_x509_unknown_authority", "fires_when_tag_not_found",
        "fires_when_manifest_unknown", "fires_when_pull_access_denied",
        "fires_when_registry_unreachable"])
def test_fires_and_classifies_the_cause(message, cause, meaning):
    [f] = run(image_pull, *failing(message=message))
    assert f.id == "KT-202/Pod/app/a/app" and f.severity == "error"
    assert f.summary == f"Pod app/a cannot pull {IMAGE} for container app: {meaning}."
    assert f.facts["cause"] == cause and f.facts["registry"] == "reg.example:5000"
    assert f.evidence == [f"app: ImagePullBackOff: {BACKOFF}",
                          f"Warning Failed (x12) [spec.containers{{app}}]: {message}"]


def test_fires_when_the_image_name_is_invalid():
    p = pod("a", waiting="InvalidImageName", image="reg.example:5000/App:1",
            message='Failed to apply default image tag "reg.example:5000/App:1": couldn\'t parse '
                    'image reference "reg.example:5000/App:1": invalid reference format: '
                    "repository name must be lowercase")
    [f] = run(image_pull, p)
    assert f.summary == ("Pod app/a cannot pull reg.example:5000/App:1 for container app: the "
                         "image reference is not valid.")


def test_fires_when_tag_differs_from_the_helmrelease_values():
    hr = helmrelease("front", values={"image": {"repository": "reg.example:5000/front",
                                                "tag": "0.1.12"}})
    rs = owned("ReplicaSet", "front-rs", release="front")
    p = pod("front-1", waiting="ImagePullBackOff", image="reg.example:5000/front:0.12.0",
            owner=("ReplicaSet", "front-rs", "uid-front-rs"))
    [f] = run(image_pull, hr, rs, p, event(p, "Failed", "reg.example:5000/front:0.12.0: not found",
                                           field_path="spec.containers{app}"))
    assert f.summary == ("Pod app/front-1 cannot pull reg.example:5000/front:0.12.0 for container "
                         "app: it asks for tag 0.12.0, but the HelmRelease's values say 0.1.12; "
                         "the tag does not exist in the registry.")
    assert f.remediations[0].action == "reconcile"


def test_fires_node_specific_when_image_without_registry_runs_elsewhere():
    bad = pod("fa-bad", waiting="ImagePullBackOff", image="family:fix", node="asuna")
    good = pod("fa-good", running=True, ready=True, image="100.81.76.55:30500/family:me",
               node="pesubuntu")
    [f] = run(image_pull, bad, good, event(bad, "Failed", DENIED.replace(IMAGE, "family:fix"),
                                           field_path="spec.containers{app}"))
    assert f.summary == ("Pod app/fa-bad cannot pull family:fix for container app: the image has "
                         "no registry host, so node asuna pulls it from Docker Hub; the registry "
                         "denies access (no such repository, or credentials needed); it runs on "
                         "node pesubuntu, so the failure is specific to node asuna.")
    assert f.facts["registry"] is None
    assert "on node pesubuntu, pod app/fa-good runs 100.81.76.55:30500/family:me" in f.evidence


def test_fires_when_image_has_no_registry_host_on_its_only_node():
    [f] = run(image_pull, *failing(message=DENIED.replace(IMAGE, "family:fix"), image="family:fix"))
    assert "no registry host, so node node-a pulls it from Docker Hub" in f.summary
    assert "specific to node" not in f.summary


def test_fires_node_specific_when_the_same_image_runs_on_another_node():
    good = pod("b", running=True, ready=True, node="node-b")
    [f] = run(image_pull, *failing(), good)
    assert f.summary == (f"Pod app/a cannot pull {IMAGE} for container app: the node does not "
                         "trust the registry's TLS certificate; it runs on node node-b, so the "
                         "failure is specific to node node-a.")


def test_fires_with_cause_unknown_when_status_and_events_do_not_say():
    [f] = run(image_pull, pod("a", waiting="ErrImagePull"))
    assert f.summary == (f"Pod app/a cannot pull {IMAGE} for container app: cause unknown: "
                         "neither status nor events say why.")
    assert f.facts["cause"] == "unknown"


def test_fires_for_an_init_container():
    p = pod("a", waiting="ImagePullBackOff", init=True, container="wait", image="busybox:1.36")
    limited = "toomanyrequests: You have reached your pull rate limit"
    [f] = run(image_pull, p, event(p, "Failed", limited, field_path="spec.initContainers{wait}"))
    assert f.id == "KT-202/Pod/app/a/wait" and f.facts["cause"] == "rate-limited"
    assert f.summary == ("Pod app/a cannot pull busybox:1.36 for container wait: the image has no "
                         "registry host, so node node-a pulls it from Docker Hub; the registry "
                         "rate-limits pulls (Docker Hub's anonymous limit).")


def test_silent_when_the_image_is_pulled():
    assert run(image_pull, pod("a", running=True, ready=True)) == []


def test_silent_for_an_old_failed_event_once_the_container_runs():
    p = pod("a", running=True, ready=True)
    assert run(image_pull, p, event(p, "Failed", X509, field_path="spec.containers{app}")) == []
