from kubetriage.checks import probe_failed
from tests.checks.conftest import event, pod, run


def unhealthy(p, message, container="app"):
    return event(p, "Unhealthy", message, count=50, field_path=f"spec.containers{{{container}}}")


def test_fires_when_the_app_answers_429():
    p = pod("d", running=True, restarts=598)
    [f] = run(probe_failed, p, unhealthy(p, "Liveness probe failed: HTTP probe failed with "
                                            "statuscode: 429"))
    assert "429 Too Many Requests" in f.summary and f.facts["probes"] == ["liveness"]


def test_fires_when_the_path_is_404_and_names_it():
    p = pod("m", running=True, spec={"startupProbe": {"httpGet": {"path": "/health/health",
                                                                  "port": 8000}}})
    [f] = run(probe_failed, p, unhealthy(p, "Startup probe failed: HTTP probe failed with "
                                            "statuscode: 404"))
    assert "404: /health/health does not exist" in f.summary


def test_fires_when_refused_on_a_port_no_container_declares():
    p = pod("m", running=True, container="proxy",
            spec={"livenessProbe": {"httpGet": {"path": "/liveness", "port": 9801}}})
    message = ('Liveness probe failed: Get "http://10.0.0.5:9801/liveness": dial tcp '
               "10.0.0.5:9801: connect: connection refused")
    [f] = run(probe_failed, p, unhealthy(p, message, "proxy"))
    assert "port 9801, which no container declares" in f.summary


def test_silent_when_the_container_is_ready_and_never_restarted():
    p = pod("d", ready=True)
    assert run(probe_failed, p, unhealthy(p, "Readiness probe failed: statuscode: 500")) == []
