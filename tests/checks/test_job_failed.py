from kubetriage.checks import job_failed
from tests.checks.conftest import owned, pod, run

HOOK = {"helm.sh/hook": "pre-upgrade"}


def test_fires_when_a_hook_jobs_pod_keeps_failing_with_the_log_cause():
    job = owned("Job", "migrate", annotations=HOOK, status={"active": 1})
    p = pod("migrate-x", waiting="CrashLoopBackOff", restarts=6,
            last={"exitCode": 255, "reason": "Error"}, owner=("Job", "migrate", "uid-migrate"))
    logs = {("app", "migrate-x", "app", True): [
        "ERROR [alembic.util.messaging] Multiple head revisions are present"]}
    [f] = run(job_failed, job, p, logs=logs)
    assert f.id == "KT-104/Job/app/migrate" and f.severity == "error"
    assert f.summary == ("Helm pre-upgrade hook Job app/migrate keeps failing: the alembic "
                         "migration fails: multiple head revisions (diverged migrations).")
    assert f.evidence == ["pod migrate-x, container app: CrashLoopBackOff, 6 restarts",
                          "last exit: code 255 (Error)",
                          "ERROR [alembic.util.messaging] Multiple head revisions are present"]
    assert any(r.action == "delete-hook-job" for r in f.remediations)
    # still active, its pod crash-looping: the Job has not failed, it never completes
    assert f.title == "Hook Job never completes"


def test_fires_as_warning_when_a_plain_job_failed():
    job = owned("Job", "nightly", status={"conditions": [
        {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
         "message": "Job has reached the specified backoff limit"}]})
    [f] = run(job_failed, job)
    assert f.severity == "warning"
    assert f.summary == "Job app/nightly failed: cause unknown, no failing pod is left to read."
    assert f.evidence == ["Failed=True BackoffLimitExceeded: Job has reached the specified backoff "
                          "limit"]


def test_silent_when_complete_or_a_hook_still_running_fine():
    done = owned("Job", "done", status={"conditions": [{"type": "Complete", "status": "True"}]})
    hook = owned("Job", "migrate", annotations=HOOK)
    running = pod("migrate-y", running=True, owner=("Job", "migrate", "uid-migrate"))
    assert run(job_failed, done, hook, running) == []
