"""KT-206: a pod the scheduler cannot place, with the scheduler's own reason.

PodScheduled=False with reason Unschedulable, and the latest FailedScheduling event, whose
message says how many nodes were considered and why each was rejected.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import condition, event_line, events, kubectl, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-206", title="Pod cannot be scheduled", severity="error",
              kinds=("Pod", "Event"), doc=__doc__)


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for pod in snap.of_kind("Pod"):
        if str_at(pod, "status", "phase") != "Pending":
            continue
        scheduled = condition(pod, "PodScheduled")
        if str_at(scheduled, "status") != "False":
            continue
        said = [e for e in events(snap, pod, "Pod") if str_at(e, "reason") == "FailedScheduling"]
        why = str_at(scheduled, "message") or (str_at(said[0], "message") if said else "") or \
            "the scheduler gives no reason"
        obj = ref(pod, "Pod")
        yield CHECK.finding(obj, f"Pod {obj.namespace}/{obj.name} cannot be scheduled: "
                                 f"{why.rstrip('. ')}.",
                            [f"PodScheduled=False {str_at(scheduled, 'reason')}: "
                             f"{str_at(scheduled, 'message')}",
                             *(event_line(e) for e in said[:1])],
                            [Remediation(title="Compare its requests, selectors and tolerations with "
                                               "the nodes", command=kubectl("describe", obj),
                                         action="describe")])
