from kubetriage.checks import hpa_target
from tests.checks.conftest import event, owned, run


def hpa(target):
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": f"{target}-hpa", "namespace": "app", "uid": "h"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": target}}}


def test_fires_when_the_controller_says_failedgetscale():
    h = hpa("whisper")
    [f] = run(hpa_target, h, event(h, "FailedGetScale",
                                   'deployments.apps "whisper" not found', count=300))
    assert f.id == "KT-501/HorizontalPodAutoscaler/app/whisper-hpa"
    assert f.summary == ("HPA app/whisper-hpa scales Deployment whisper, which does not exist; it "
                         "fails every 15 s and fills the event stream.")
    assert f.evidence == ['Warning FailedGetScale (x300): deployments.apps "whisper" not found']


def test_silent_when_the_target_exists_and_nobody_complains():
    assert run(hpa_target, hpa("web"), owned("Deployment", "web")) == []


def test_silent_when_no_deployments_were_read():
    assert run(hpa_target, hpa("web")) == []
