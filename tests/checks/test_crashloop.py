from kubetriage.checks import crashloop
from tests.checks.conftest import event, owned, pod, run

LOOPING = dict(waiting="CrashLoopBackOff", restarts=67, last={"exitCode": 1, "reason": "Error"})


def test_fires_when_nginx_cannot_resolve_upstream_from_previous_log():
    p = pod("front-1", **LOOPING)
    logs = {("app", "front-1", "app", True): [
        'nginx: [emerg] host not found in upstream "backend" in /etc/nginx/nginx.conf:34']}
    [f] = run(crashloop, p, event(p, "BackOff", "Back-off restarting failed container",
                                  count=40, field_path="spec.containers{app}"), logs=logs)
    assert f.id == "KT-201/Pod/app/front-1/app" and f.severity == "error"
    assert 'nginx cannot resolve its upstream host "backend"' in f.summary
    assert "67 restarts" in f.summary
    assert any("host not found in upstream" in line for line in f.evidence)
    assert any("BackOff (x40)" in line for line in f.evidence)
    assert f.facts["unresolved_host"] == "backend"


def test_fires_when_oomkilled_even_with_exit_code_1():
    p = pod("w", waiting="CrashLoopBackOff", restarts=3,
            last={"exitCode": 1, "reason": "OOMKilled"},
            spec={"resources": {"limits": {"memory": "256Mi"}}})
    [f] = run(crashloop, p)
    assert "memory limit of 256Mi (OOMKilled)" in f.summary


def test_fires_when_exit_0_under_a_deployment():
    rs = owned("ReplicaSet", "w-rs")
    p = pod("w-1", waiting="CrashLoopBackOff", restarts=5,
            last={"exitCode": 0, "reason": "Completed"}, owner=("ReplicaSet", "w-rs", "uid-w-rs"))
    [f] = run(crashloop, rs, p)
    assert "exits with code 0 (Completed)" in f.summary


def test_fires_for_init_containers_with_cause_unknown_when_log_is_silent():
    p = pod("w", waiting="CrashLoopBackOff", restarts=2, init=True,
            last={"exitCode": 2, "reason": "Error"})
    [f] = run(crashloop, p, logs={("app", "w", "app", True): ["starting", "bye"]})
    assert f.summary.startswith("Init container app")
    assert "cause unknown" in f.summary


def test_fires_with_each_known_log_cause():
    cases = {"ModuleNotFoundError: No module named 'dapr'": "Python module 'dapr'",
             "/usr/local/bin/python3.13: can't open file '/root/.local/bin/uvicorn': "
             "[Errno 13] Permission denied": "permission denied on /root/.local/bin/uvicorn",
             "RuntimeError: Observability not initialized": "crashes at import: RuntimeError",
             "ERROR [alembic.util.messaging] Multiple head revisions are present for given "
             "argument 'head'": "multiple head revisions",
             "java.net.SocketTimeoutException: connect timed out 10.0.0.7:7800":
                 "Java socket timeouts"}
    for line, expected in cases.items():
        [f] = run(crashloop, pod("w", **LOOPING), logs={("app", "w", "app", True): [line]})
        assert expected in f.summary, line


def test_silent_when_running_or_merely_restarted():
    assert run(crashloop, pod("w", running=True, restarts=3, ready=True)) == []
