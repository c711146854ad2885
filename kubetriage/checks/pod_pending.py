"""KT-206: a pod the scheduler cannot place, with the scheduler's own reason.

PodScheduled=False with reason Unschedulable, and the latest FailedScheduling event, whose
message says how many nodes were considered and why each was rejected.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import condition, event_line, events, kubectl, make, ref, s
from kubetriage.core.snapshot import Snapshot

CODE = "KT-206"
TITLE = "Pod cannot be scheduled"
KINDS = ("Pod", "Event")
SEVERITY = "error"


def check(snap: Snapshot) -> Iterator[Finding]:
    for pod in snap.of_kind("Pod"):
        if s(pod, "status", "phase") != "Pending":
            continue
        scheduled = condition(pod, "PodScheduled")
        if s(scheduled, "status") != "False":
            continue
        said = [e for e in events(snap, pod, "Pod") if s(e, "reason") == "FailedScheduling"]
        why = s(scheduled, "message") or (s(said[0], "message") if said else "") or \
            "the scheduler gives no reason"
        obj = ref(pod, "Pod")
        yield make(__name__, obj, f"Pod {obj.namespace}/{obj.name} cannot be scheduled: "
                                  f"{why.rstrip('. ')}.",
                   [f"PodScheduled=False {s(scheduled, 'reason')}: {s(scheduled, 'message')}",
                    *(event_line(e) for e in said[:1])],
                   [Remediation(title="Compare its requests, selectors and tolerations with "
                                      "the nodes", command=kubectl("describe", obj),
                                action="describe")])
