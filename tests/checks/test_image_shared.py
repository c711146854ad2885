from kubetriage.checks import image_shared
from tests.checks.conftest import event, pod, run

IMAGE = "ghcr.io/example/shop:1.4.2"
MISSING = (f'Failed to pull image "{IMAGE}": rpc error: code = NotFound desc = failed to pull and '
           f'unpack image "{IMAGE}": failed to resolve reference "{IMAGE}": {IMAGE}: not found')


def pulling(name):
    p = pod(name, "shop", waiting="ImagePullBackOff", image=IMAGE,
            message=f'Back-off pulling image "{IMAGE}"')
    return p, event(p, "Failed", MISSING, count=9, field_path="spec.containers{app}")


def test_fires_once_for_every_pod_failing_on_the_same_missing_tag():
    objects = [o for n in ("web-1", "web-2", "worker-1") for o in pulling(n)]
    [f] = run(image_shared, *objects)
    assert f.id == f"KT-210/Image/-/{IMAGE}/manifest"
    assert f.summary == (f"Image {IMAGE} cannot be pulled by 3 pods: the tag does not exist in "
                         "the registry.")
    assert f.evidence[0] == f"Warning Failed (x9) [spec.containers{{app}}]: {MISSING}"
    assert len(f.facts["breaks"]) == 3


def test_silent_for_a_single_pod():
    assert run(image_shared, *pulling("web-1")) == []
