"""KT-503: a ResourceQuota or LimitRange refusing the pods a workload asks for.

There is no pod to look at: the refusal is in the FailedCreate events of the ReplicaSet,
StatefulSet, Job or DaemonSet (`exceeded quota: NAME, requested: ..., used: ..., limited: ...`,
`failed quota: NAME: must specify ...`, `maximum memory usage per Container is 4Gi, but limit is
8Gi`). One finding per quota or limit range, linked to the workloads it starves and the releases
that wait for them. A workload that has all its pods again is history.
"""

from __future__ import annotations

import re
import shlex
from collections import defaultdict
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, ObjectRef, Remediation
from kubetriage.checks.objects import (
    event_count,
    events,
    int_at,
    name,
    namespace,
    owners,
    release_of,
    str_at,
)
from kubetriage.core.snapshot import Key, Snapshot

CHECK = Check(code="KT-503", title="Quota or limit range refuses pods", severity="error",
              kinds=("ResourceQuota", "LimitRange", "ReplicaSet", "StatefulSet", "Job",
                     "DaemonSet", "Event", "HelmRelease"), doc=__doc__)

WORKLOADS = ("ReplicaSet", "StatefulSet", "Job", "DaemonSet")
_EXCEEDED = re.compile(r"exceeded quota: ([\w.-]+), (requested: [^\s,]+(?:,[^\s,]+)*), "
                       r"(used: [^\s,]+(?:,[^\s,]+)*), (limited: [^\s,]+(?:,[^\s,]+)*)")
_MUST = re.compile(r"failed quota: ([\w.-]+): must specify ([\w.,]+)")
_LIMIT = re.compile(r"(?:maximum|minimum) \w+ usage per (?:Container|Pod) is \S+, but "
                    r"(?:limit|request) is \S+")
_COMBINED = "(combined from similar events): "


def quota_says(message: str) -> bool:
    """Whether a FailedCreate message is a quota's or a limit range's refusal (this check's)."""
    return bool(_EXCEEDED.search(message) or _MUST.search(message) or _LIMIT.search(message))


def short(obj: dict) -> bool:
    """Whether the workload has fewer pods than it wants (a Job: it is not done and has none)."""
    kind = str_at(obj, "kind")
    if kind == "DaemonSet":
        return int_at(obj, "status", "currentNumberScheduled") < \
            int_at(obj, "status", "desiredNumberScheduled")
    if kind == "Job":
        return not int_at(obj, "status", "active") and not int_at(obj, "status", "succeeded")
    spec = obj.get("spec") or {}
    wanted = spec.get("replicas", 1) if isinstance(spec, dict) else 1
    return int_at(obj, "status", "replicas") < (wanted if isinstance(wanted, int) else 1)


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    refusals: dict[Key, list[tuple[dict, dict, str]]] = defaultdict(list)
    for kind in WORKLOADS:
        for obj in snap.of_kind(kind):
            if not short(obj):
                continue
            said = [e for e in events(snap, obj, kind) if str_at(e, "reason") == "FailedCreate"]
            if not said:
                continue
            message = str_at(said[0], "message").removeprefix(_COMBINED)
            ns = namespace(obj)
            if (m := _EXCEEDED.search(message)) or (m := _MUST.search(message)):
                refusals[("ResourceQuota", ns, m.group(1))].append((obj, said[0], message))
            elif _LIMIT.search(message):
                ranges = snap.in_namespace("LimitRange", ns)
                key = ("LimitRange", ns, name(ranges[0]) if len(ranges) == 1 else "(limit range)")
                refusals[key].append((obj, said[0], message))
    for key, refused in sorted(refusals.items(), key=lambda kv: (kv[0][1] or "", kv[0][2])):
        yield _finding(snap, key, refused)


def _finding(snap: Snapshot, key: Key, refused: list[tuple[dict, dict, str]]) -> Finding:
    kind, ns, obj_name = key
    obj = ObjectRef(kind=kind, namespace=ns, name=obj_name)
    message = refused[0][2]
    workloads = [top(snap, w) for w, _, _ in refused]
    shown = ", ".join(dict.fromkeys(f"{k} {n}" for k, _, n in workloads))
    if (m := _EXCEEDED.search(message)):
        why = f"is full ({m.group(2)}; {m.group(3)}; {m.group(4)})"
        fixes = [Remediation(title="Raise the quota's hard limits, or lower the requests/limits "
                                   "of what it refuses (or maxSurge: 0 so a rollout fits)",
                             command=f"kubectl edit resourcequota {shlex.quote(obj_name)} -n "
                                     f"{shlex.quote(ns or 'default')}")]
    elif (m := _MUST.search(message)):
        why = f"requires {m.group(2)} and the pods declare none"
        fixes = [Remediation(title=f"Give the containers {m.group(2)} (chart values), or add a "
                                   "LimitRange with defaults to the namespace")]
    else:
        why = "refuses the containers' resources: " + message.rsplit("forbidden: ", 1)[-1]
        fixes = [Remediation(title="Raise the LimitRange's max (or lower the container's limit) "
                                   "so they agree",
                             command=f"kubectl get limitrange -n {shlex.quote(ns or 'default')} "
                                     "-o yaml")]
    fixes.append(Remediation(title="The controller retries by itself; a release that gave up "
                                   "needs a reconcile once it fits"))
    releases = []
    for w, _, _ in refused:
        hr = release_of(snap, w)
        if hr is not None:
            releases.append(("HelmRelease", namespace(hr), name(hr)))
    n = len(refused)
    summary = (f"{kind} {ns}/{obj_name} {why}: it refuses the pods of {shown}"
               f"{' (' + str(n) + ' workloads)' if n > 3 else ''}.")
    evidence = [f"{str_at(e, 'involvedObject', 'kind') or str_at(w, 'kind')} {name(w)}: Warning "
                f"FailedCreate (x{event_count(e)}): {str_at(e, 'message')}" for w, e, _ in refused[:3]]
    breaks: list[Key] = list(dict.fromkeys(workloads + releases))
    return CHECK.finding(obj, summary, evidence, fixes, breaks=breaks,
                         workloads=[f"{k}/{n}" for k, _, n in workloads])


def top(snap: Snapshot, obj: dict) -> Key:
    chain = owners(snap, obj)
    top = chain[-1] if chain else obj
    return str_at(top, "kind"), namespace(top), name(top)
