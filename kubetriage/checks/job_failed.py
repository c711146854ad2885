"""KT-104: a Job that failed, or a Helm hook Job whose pods keep failing.

A hook Job (annotation `helm.sh/hook`) blocks its release while it runs, so its failing pods are
reported before the Job gives up; the cause is read from its pods as KT-201 reads it. A plain Job
is reported once its Failed condition is set, as a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.crashloop import explain
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import (
    annotations,
    at,
    condition,
    containers,
    kubectl,
    labels,
    name,
    namespace,
    ref,
    str_at,
)
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-104", title="Job failed", severity="error",
              kinds=("Job", "Pod"), doc=__doc__)

_FAILING = ("CrashLoopBackOff", "Error", "RunContainerError", "CreateContainerConfigError")


def pods_of(snap: Snapshot, job: dict) -> list[dict]:
    uid = str_at(job, "metadata", "uid")
    pods = [p for p in snap.owned_by(uid) if p.get("kind") == "Pod"] if uid else []
    if not pods:  # a dump without uids: the job-name label the Job controller sets
        pods = [p for p in snap.in_namespace("Pod", namespace(job))
                if name(job) in (
                    labels(p).get("job-name"), labels(p).get("batch.kubernetes.io/job-name"))]
    return sorted(pods, key=lambda p: str_at(p, "metadata", "creationTimestamp"), reverse=True)


def failing_container(pod: dict) -> dict | None:
    for status, _, _ in containers(pod):
        waiting = str_at(status, "state", "waiting", "reason")
        code = at(status, "state", "terminated", "exitCode")
        if waiting in _FAILING or (isinstance(code, int) and code != 0):
            return status
    return None


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for job in snap.of_kind("Job"):
        hook = str_at(annotations(job), "helm.sh/hook")
        failed = str_at(condition(job, "Failed"), "status") == "True"
        complete = str_at(condition(job, "Complete"), "status") == "True"
        if complete or not (failed or hook):
            continue
        failing = [(p, c) for p in pods_of(snap, job) if (c := failing_container(p))]
        if not failed and not failing:
            continue
        yield _finding(snap, job, hook, failed, failing)


def _finding(snap: Snapshot, job: dict, hook: str, failed: bool,
             failing: list[tuple[dict, dict]]) -> Finding:
    obj = ref(job, "Job")
    evidence = []
    cond = condition(job, "Failed")
    if failed:
        evidence.append(f"Failed=True {str_at(cond, 'reason')}: {str_at(cond, 'message')}")
    cause = "cause unknown, no failing pod is left to read"
    fixes = []
    if failing:
        pod, status = failing[0]
        cause, lines, fix, _ = explain(snap, pod, status)
        evidence.append(f"pod {name(pod)}, container {str_at(status, 'name')}: "
                        f"{str_at(status, 'state', 'waiting', 'reason') or 'terminated'}, "
                        f"{at(status, 'restartCount') or 0} restarts")
        evidence += lines
        fixes.append(Remediation(title="Read the failing pod's log",
                                 command=kubectl("logs", ref(pod, "Pod"),
                                                 f"-c {str_at(status, 'name')}", "--previous"),
                                 action="logs-previous"))
        if fix:
            fixes.append(Remediation(title=fix[0].upper() + fix[1:]))
    what = f"Helm {hook} hook Job" if hook else "Job"
    verb = "failed" if failed else "keeps failing"
    if hook:
        # Helm deletes it itself before the next attempt (hook-delete-policy
        # before-hook-creation): deleting it only stops the crash loop sooner
        fixes.append(Remediation(title="Delete the stuck hook Job to stop its crash loop (Helm "
                                       "replaces it on the next attempt)",
                                 command=kubectl("delete", obj), action="delete-hook-job"))
    # a hook Job still active has not failed: its pod crash-loops and Helm's wait times out
    title = None if failed or not hook else "Hook Job never completes"
    return CHECK.finding(obj, f"{what} {obj.namespace}/{obj.name} {verb}: {cause}.",
                         evidence, fixes, severity="error" if hook else "warning",
                         title=title, hook=hook or None, pods=[name(p) for p, _ in failing])
