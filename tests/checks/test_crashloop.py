import pytest

from kubetriage.checks import crashloop
from tests.checks.conftest import event, owned, pod, run

LOOPING = dict(waiting="CrashLoopBackOff", restarts=67, last={"exitCode": 1, "reason": "Error"})
PREFIX = "Container app of pod app/w is crash-looping (67 restarts): "


def test_fires_when_nginx_cannot_resolve_upstream_from_previous_log():
    p = pod("front-1", **LOOPING)
    line = 'nginx: [emerg] host not found in upstream "backend" in /etc/nginx/nginx.conf:34'
    logs = {("app", "front-1", "app", True): ["starting", line],
            ("app", "front-1", "app", False): ["the current instance says nothing"]}
    [f] = run(crashloop, p, event(p, "BackOff", "Back-off restarting failed container",
                                  count=40, field_path="spec.containers{app}"), logs=logs)
    assert f.id == "KT-201/Pod/app/front-1/app" and f.severity == "error"
    assert f.summary == ("Container app of pod app/front-1 is crash-looping (67 restarts): nginx "
                         'cannot resolve its upstream host "backend".')
    assert f.evidence == ["app: CrashLoopBackOff, 67 restarts", "last exit: code 1 (Error)", line,
                          "Warning BackOff (x40) [spec.containers{app}]: Back-off restarting "
                          "failed container"]
    assert f.facts["unresolved_host"] == "backend"
    assert f.remediations[0].command == "kubectl logs pod/front-1 -n app -c app --previous"


@pytest.mark.parametrize("line, cause", [
    ("ERROR [alembic.util.messaging] Multiple head revisions are present for given argument "
     "'head'; please specify a specific target revision",
     "the alembic migration fails: multiple head revisions (diverged migrations)"),
    ("ModuleNotFoundError: No module named 'dapr'",
     "Python module 'dapr' is not installed in the image"),
    ("/usr/local/bin/python3.13: can't open file '/root/.local/bin/uvicorn': [Errno 13] "
     "Permission denied", "permission denied on /root/.local/bin/uvicorn for the container's user"),
    ("exec /app/run.sh: permission denied",
     "permission denied on /app/run.sh for the container's user"),
    ("RuntimeError: Observability not initialized",
     "crashes at import: RuntimeError: Observability not initialized"),
    ("Caused by: java.net.SocketTimeoutException: connect timed out",
     "Java socket timeouts talking to its peers"),
    ('psql: error: could not translate host name "db" to address: Name or service not known',
     'cannot resolve host "db"'),
    ("panic: runtime error: invalid memory address or nil pointer dereference",
     "panics: runtime error: invalid memory address or nil pointer dereference"),
], ids=["fires_when_alembic_has_multiple_heads", "fires_when_a_python_module_is_missing",
        "fires_when_permission_denied_on_a_file_it_runs", "fires_when_exec_is_denied",
        "fires_when_not_initialized_at_import", "fires_when_java_sockets_time_out",
        "fires_when_a_host_does_not_resolve", "fires_when_it_panics"])
def test_fires_with_the_cause_from_the_previous_log(line, cause):
    logs = {("app", "w", "app", True): ["Traceback (most recent call last):", "  ...", line]}
    [f] = run(crashloop, pod("w", **LOOPING), logs=logs)
    assert f.summary == f"{PREFIX}{cause}."
    assert f.evidence[-1] == line


def test_fires_when_oomkilled_even_with_exit_code_1():
    p = pod("w", waiting="CrashLoopBackOff", restarts=3,
            last={"exitCode": 1, "reason": "OOMKilled"},
            spec={"resources": {"limits": {"memory": "256Mi"}}})
    [f] = run(crashloop, p, logs={("app", "w", "app", True): ["ValueError: a red herring"]})
    assert f.summary == ("Container app of pod app/w is crash-looping (3 restarts): it is killed "
                         "for exceeding its memory limit of 256Mi (OOMKilled).")


def test_fires_when_exit_0_completed_under_a_deployment():
    rs = owned("ReplicaSet", "w-rs")
    p = pod("w-1", waiting="CrashLoopBackOff", restarts=5,
            last={"exitCode": 0, "reason": "Completed"}, owner=("ReplicaSet", "w-rs", "uid-w-rs"))
    [f] = run(crashloop, rs, p)
    assert f.summary == ("Container app of pod app/w-1 is crash-looping (5 restarts): it exits "
                         "with code 0 (Completed), yet its workload restarts it forever: a "
                         "one-shot program run as a service.")


def test_fires_with_cause_unknown_when_exit_0_outside_a_serving_workload():
    """A bare pod exiting 0 with restartPolicy Always: nothing states it is meant to serve."""
    p = pod("w", waiting="CrashLoopBackOff", restarts=5,
            last={"exitCode": 0, "reason": "Completed"})
    [f] = run(crashloop, p, logs={("app", "w", "app", True): ["listening on :8080", "bye"]})
    assert f.summary == ("Container app of pod app/w is crash-looping (5 restarts): cause unknown, "
                         "the log does not say why.")


def test_says_no_log_was_read_when_the_input_holds_none():
    """A `kubectl get -o json` dump has no logs: the log cannot be said to be silent."""
    p = pod("w", waiting="CrashLoopBackOff", restarts=5,
            last={"exitCode": 0, "reason": "Completed"})
    [f] = run(crashloop, p)
    assert f.summary == ("Container app of pod app/w is crash-looping (5 restarts): cause unknown: "
                         "no log of it was read (the input holds none).")


def test_fires_for_init_containers_with_cause_unknown_when_log_is_silent():
    p = pod("w", waiting="CrashLoopBackOff", restarts=2, init=True, container="wait-db",
            last={"exitCode": 2, "reason": "Error", "message": "wait-db: timeout"})
    [f] = run(crashloop, p, logs={("app", "w", "wait-db", True): ["starting", "bye"]})
    assert f.id == "KT-201/Pod/app/w/wait-db" and f.facts["init"] is True
    assert f.summary == ("Init container wait-db of pod app/w is crash-looping (2 restarts): "
                         "cause unknown, the log does not say why: wait-db: timeout.")


def test_fires_from_the_current_log_when_no_previous_one_was_kept():
    logs = {("app", "w", "app", False): ["ModuleNotFoundError: No module named 'dapr'"]}
    [f] = run(crashloop, pod("w", **LOOPING), logs=logs)
    assert f.summary == f"{PREFIX}Python module 'dapr' is not installed in the image."


def test_silent_when_running_or_merely_restarted():
    assert run(crashloop, pod("w", running=True, restarts=3, ready=True)) == []


def test_silent_when_waiting_for_another_reason():
    assert run(crashloop, pod("w", waiting="ContainerCreating")) == []


def test_fires_with_the_latest_crash_when_the_logs_disagree():
    """In back-off the kubelet serves the instance that crashed last as the current log; the
    previous log may hold an older crash (the dapr-local seed: a fixed import, then a new error)."""
    logs = {("app", "w", "app", True): ["ModuleNotFoundError: No module named 'dapr'"],
            ("app", "w", "app", False): ["exec /app/run.sh: permission denied"]}
    [f] = run(crashloop, pod("w", **LOOPING), logs=logs)
    assert f.summary == f"{PREFIX}permission denied on /app/run.sh for the container's user."


def test_fires_from_the_previous_log_when_the_current_one_does_not_say():
    logs = {("app", "w", "app", True): ["ModuleNotFoundError: No module named 'dapr'"],
            ("app", "w", "app", False): ["starting"]}
    [f] = run(crashloop, pod("w", **LOOPING), logs=logs)
    assert f.summary == f"{PREFIX}Python module 'dapr' is not installed in the image."


def probe_killed(probe: str, exit_code: int, reason: str) -> list[dict]:
    """A serving container the kubelet restarts for its failing probe, and a sidecar's back-off
    in the same pod whose pod name holds this container's name."""
    rs = owned("ReplicaSet", "mcp-rs")
    p = pod("mcp-1", waiting="CrashLoopBackOff", restarts=10, container="mcp",
            last={"exitCode": exit_code, "reason": reason}, owner=("ReplicaSet", "mcp-rs",
                                                                 "uid-mcp-rs"))
    path = "spec.containers{mcp}"
    return [rs, p,
            event(p, "Unhealthy", f"{probe.capitalize()} probe failed: HTTP probe failed with "
                                  "statuscode: 404", count=312, field_path=path),
            event(p, "Killing", f"Container mcp failed {probe} probe, will be restarted",
                  count=10, field_path=path),
            event(p, "BackOff", "Back-off restarting failed container proxy in pod mcp-1_app",
                  count=30, field_path="spec.containers{proxy}")]


def test_fires_when_killed_by_its_startup_probe_not_as_a_one_shot_program():
    [f] = run(crashloop, *probe_killed("startup", 0, "Completed"))
    assert f.summary == ("Container mcp of pod app/mcp-1 is crash-looping (10 restarts): the "
                         "kubelet kills it because its startup probe fails (it exits 0 when told "
                         "to stop), not because it exits by itself.")
    assert "Job" not in " ".join(r.title for r in f.remediations)
    assert f.evidence[2:] == [
        "Warning Killing (x10) [spec.containers{mcp}]: Container mcp failed startup probe, will "
        "be restarted",
        "Warning Unhealthy (x312) [spec.containers{mcp}]: Startup probe failed: HTTP probe failed "
        "with statuscode: 404"]
    assert not any("proxy" in line for line in f.evidence), "another container's back-off"


def test_fires_when_exit_143_follows_a_liveness_probe_kill():
    [f] = run(crashloop, *probe_killed("liveness", 143, "Error"))
    assert "its liveness probe fails (exit 143: SIGTERM)" in f.summary
    assert f.facts["probe_killed"] == "liveness"
    assert "failed liveness probe" in f.evidence[2]
