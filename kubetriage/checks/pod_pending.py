"""KT-206: a pod the scheduler cannot place, with the scheduler's own reason.

PodScheduled=False with reason Unschedulable, and the latest FailedScheduling event, whose
message says how many nodes were considered and why each was rejected. The fix follows the
reasons it gives: a volume bound where no node can reach it (`volume node affinity conflict`: a
zonal disk whose zone has no node left), requests no node has room for (`Insufficient cpu`),
a taint nothing tolerates, a node selector or affinity no node matches.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import (
    condition,
    dicts,
    event_line,
    events,
    kubectl,
    namespace,
    ref,
    str_at,
)
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-206", title="Pod cannot be scheduled", severity="error",
              kinds=("Pod", "Event"), doc=__doc__)


_INSUFFICIENT = re.compile(r"Insufficient ([\w/-]+(?:\.[\w/-]+)*)")  # nvidia.com/gpu, not "cpu."
_TAINT = re.compile(r"untolerated taint \{([^}]{1,200})\}")


def _fixes(snap: Snapshot, pod: dict, why: str) -> list[Remediation]:
    """What the scheduler's reasons call for, most specific first."""
    ns = namespace(pod) or "default"
    fixes = []
    if "volume node affinity conflict" in why:
        claims = [str_at(v, "persistentVolumeClaim", "claimName")
                  for v in dicts(pod, "spec", "volumes") if str_at(v, "persistentVolumeClaim",
                                                                  "claimName")]
        bound = [(c, str_at(snap.get("PersistentVolumeClaim", ns, c), "spec", "volumeName"))
                 for c in claims]
        volume = next((v for _, v in bound if v), "")
        fixes.append(Remediation(
            title="Its volume can only be reached from nodes it is bound to (a zonal disk): add "
                  "a node there, or recreate the claim elsewhere if its data can go",
            command=f"kubectl get pv {shlex.quote(volume)} -o jsonpath='{{.spec.nodeAffinity}}'"
            if volume else None))
    if (m := _INSUFFICIENT.search(why)):
        fixes.append(Remediation(title=f"No node has the {m.group(1)} it requests free: lower "
                                       "its requests or add capacity"))
    if (m := _TAINT.search(why)):
        fixes.append(Remediation(title=f"Nodes carry the taint {{{m.group(1)}}} it does not "
                                       "tolerate: fix the node (a pressure taint) or add a "
                                       "toleration"))
    if "didn't match Pod's node affinity/selector" in why:
        fixes.append(Remediation(title="No node matches its nodeSelector or node affinity: "
                                       "correct them or label a node"))
    return fixes


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
                            [*_fixes(snap, pod, why),
                             Remediation(title="Compare its requests, selectors and tolerations "
                                               "with the nodes", command=kubectl("describe", obj),
                                         action="describe")])
