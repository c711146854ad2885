"""KT-208: a container that keeps being restarted while it runs: a restart storm.

Many restarts (RESTARTS or more) on a container that is running now, so KT-201 does not already
report it; the rate comes from the pod's age and the last exit from lastState. A failing liveness
probe on the same container (KT-207) is usually the cause, and the chain says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import age, all_containers, get, kubectl, make, n, ref, s
from kubetriage.core.snapshot import Snapshot

CODE = "KT-208"
TITLE = "Restart storm"
KINDS = ("Pod",)
SEVERITY = "warning"
RESTARTS = 20


def check(snap: Snapshot) -> Iterator[Finding]:
    for pod, status, _, _ in all_containers(snap):
        restarts = n(status, "restartCount")
        if restarts < RESTARTS or get(status, "state", "running") is None:
            continue
        container = s(status, "name")
        last = get(status, "lastState", "terminated") or {}
        how = s(last, "reason") or "unknown"
        code = get(last, "exitCode")
        since = age(snap, s(pod, "metadata", "creationTimestamp"))
        obj = ref(pod, "Pod")
        yield make(__name__, obj,
                   f"Container {container} of pod {obj.namespace}/{obj.name} has restarted "
                   f"{restarts} times{f' in {since}' if since else ''}; the last exit was "
                   f"{how}{f' (code {code})' if code is not None else ''}.",
                   [f"{container}: restartCount {restarts}, running, last exit {how}"
                    + (f" code {code}" if code is not None else "")
                    + (f" at {s(last, 'finishedAt')}" if s(last, "finishedAt") else "")],
                   [Remediation(title="Read the log of the instance before the last restart",
                                command=kubectl("logs", obj, f"-c {container}",
                                                "--previous"), action="logs-previous")],
                   part=container, container=container)
