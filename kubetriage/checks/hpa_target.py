"""KT-501: a HorizontalPodAutoscaler whose scale target does not exist.

Stated by the HPA controller (AbleToScale=False FailedGetScale, or FailedGetScale events), or by
the snapshot: it holds objects of the target's kind but not this one. If the snapshot holds none
of that kind, absence proves nothing and only the controller's word counts.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import condition, event_line, events, kubectl, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-501", title="HPA target missing", severity="warning",
              kinds=("HorizontalPodAutoscaler", "Deployment", "StatefulSet", "ReplicaSet",
                     "Event"), doc=__doc__)


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for hpa in snap.of_kind("HorizontalPodAutoscaler"):
        kind = str_at(hpa, "spec", "scaleTargetRef", "kind")
        target = str_at(hpa, "spec", "scaleTargetRef", "name")
        ns = str_at(hpa, "metadata", "namespace") or None
        able = condition(hpa, "AbleToScale")
        said = [e for e in events(snap, hpa, "HorizontalPodAutoscaler")
                if str_at(e, "reason") == "FailedGetScale"]
        stated = str_at(able, "reason") == "FailedGetScale" or bool(said)
        absent = snap.has_kind(kind) and snap.get(kind, ns, target) is None
        if not (stated or absent) or (not stated and not kind):
            continue
        obj = ref(hpa, "HorizontalPodAutoscaler")
        evidence = [event_line(e) for e in said[:1]]
        if able and str_at(able, "status") == "False":
            evidence.insert(0, f"AbleToScale=False {str_at(able, 'reason')}: {str_at(able, 'message')}")
        if absent:
            evidence.append(f"no {kind} {target} in namespace {ns}")
        yield CHECK.finding(obj,
                            f"HPA {obj.namespace}/{obj.name} scales {kind} {target}, which does not "
                            "exist; it fails every 15 s and fills the event stream.",
                            evidence,
                            [Remediation(title="Delete the orphaned HPA (or restore its target)",
                                         command=kubectl("delete", obj.model_copy(
                                             update={"kind": "hpa"})))],
                            target=(kind, ns, target))
