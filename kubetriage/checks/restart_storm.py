"""KT-208: a container that keeps being restarted while it runs: a restart storm.

Many restarts (RESTARTS or more) on a container that is running now, so KT-201 does not already
report it; the rate comes from the pod's age and the last exit from lastState. A failing liveness
probe on the same container (KT-207) is usually the cause, and the chain says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import age, all_containers, at, int_at, kubectl, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-208", title="Restart storm", severity="warning",
              kinds=("Pod",), doc=__doc__)
RESTARTS = 20


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for pod, status, _, _ in all_containers(snap):
        restarts = int_at(status, "restartCount")
        if restarts < RESTARTS or at(status, "state", "running") is None:
            continue
        container = str_at(status, "name")
        last = at(status, "lastState", "terminated") or {}
        how = str_at(last, "reason") or "unknown"
        code = at(last, "exitCode")
        since = age(snap, str_at(pod, "metadata", "creationTimestamp"))
        obj = ref(pod, "Pod")
        yield CHECK.finding(obj,
                            f"Container {container} of pod {obj.namespace}/{obj.name} has restarted "
                            f"{restarts} times{f' in {since}' if since else ''}; the last exit was "
                            f"{how}{f' (code {code})' if code is not None else ''}.",
                            [f"{container}: restartCount {restarts}, running, last exit {how}"
                             + (f" code {code}" if code is not None else "")
                             + (f" at {str_at(last, 'finishedAt')}" if str_at(last, "finishedAt") else "")],
                            [Remediation(title="Read the log of the instance before the last restart",
                                         command=kubectl("logs", obj, f"-c {container}",
                                                         "--previous"), action="logs-previous")],
                            part=container, container=container)
