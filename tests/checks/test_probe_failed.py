import pytest

from kubetriage.checks import probe_failed
from tests.checks.conftest import event, pod, run


def unhealthy(p, message, container="app"):
    return event(p, "Unhealthy", message, count=50, field_path=f"spec.containers{{{container}}}")


@pytest.mark.parametrize("message, probe, why", [
    ("Liveness probe failed: HTTP probe failed with statuscode: 429", {},
     "the app answers 429 Too Many Requests: it rate-limits its own probe"),
    ("Startup probe failed: HTTP probe failed with statuscode: 404",
     {"startupProbe": {"httpGet": {"path": "/health/health", "port": 8000}}},
     "the app answers 404: /health/health does not exist (check the route prefix)"),
    ("Readiness probe failed: HTTP probe failed with statuscode: 503", {},
     "the app answers 503: it reports itself broken"),
    ('Liveness probe failed: Get "http://10.0.0.5:9801/liveness": dial tcp 10.0.0.5:9801: '
     "connect: connection refused",
     {"livenessProbe": {"httpGet": {"path": "/liveness", "port": 9801}}},
     "connection refused on port 9801, which no container declares: nothing listens there"),
    ('Readiness probe failed: Get "http://10.0.0.5:8080/ready": dial tcp 10.0.0.5:8080: '
     "connect: connection refused",
     {"ports": [{"containerPort": 8080, "name": "http"}],
      "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}}},
     "connection refused on port http: the process is not listening"),
    ('Liveness probe failed: Get "http://10.0.0.5:8080/healthz": context deadline exceeded '
     "(Client.Timeout exceeded while awaiting headers)", {}, "the probe times out"),
    ("Liveness probe errored: rpc error: code = Unknown desc = exec failed", {},
     "the kubelet's message below says how"),
], ids=["fires_when_the_app_answers_429", "fires_when_the_path_is_404_and_names_it",
        "fires_when_the_app_answers_5xx", "fires_when_refused_on_a_port_no_container_declares",
        "fires_when_refused_on_a_declared_port", "fires_when_the_probe_times_out",
        "fires_with_the_kubelets_word_otherwise"])
def test_fires_by_kind(message, probe, why):
    p = pod("d", running=True, restarts=598, spec=probe)
    [f] = run(probe_failed, p, unhealthy(p, message))
    kind = message.split()[0]
    assert f.id == "KT-207/Pod/app/d/app" and f.severity == "error"
    assert f.summary == f"{kind} probe of container app in pod app/d fails: {why}."
    assert f.facts["probes"] == [kind.lower()]
    assert f.evidence == [f"Warning Unhealthy (x50) [spec.containers{{app}}]: {message}"]
    # only a process that is not up (refused where it should listen, no answer) is a symptom
    assert f.facts.get("symptom", False) == any(
        w in why for w in ("not listening", "times out", "kubelet's message"))


def test_fires_once_per_container_naming_every_failing_probe():
    p = pod("d", running=True, restarts=3)
    [f] = run(probe_failed, p,
              unhealthy(p, "Readiness probe failed: HTTP probe failed with statuscode: 429"),
              unhealthy(p, "Liveness probe failed: HTTP probe failed with statuscode: 429"))
    assert f.facts["probes"] == ["liveness", "readiness"]
    assert f.summary.startswith("Liveness and readiness probes of container app in pod app/d "
                                "fail: ")


def test_silent_when_the_container_is_ready_and_never_restarted():
    p = pod("d", ready=True)
    assert run(probe_failed, p, unhealthy(p, "Readiness probe failed: statuscode: 500")) == []


def test_silent_when_the_event_names_another_pods_container():
    p = pod("d", running=True, restarts=3)
    assert run(probe_failed, p, unhealthy(p, "Liveness probe failed: statuscode: 500",
                                          container="gone")) == []
