"""A workload's pods failing one way, told once: the pods of a Deployment (StatefulSet, DaemonSet,
Job, or a ReplicaSet no Deployment owns) with findings of one check, about one container, stating
one cause, stand behind one finding about the workload, with the count:

    3 of 4 pods of Deployment staging/mcp: startup probe of container mcp fails: the app answers 404

A pass over the linked findings (chains.edges), not a check: what caused any of the pods' findings
now causes the group's (c -> pod becomes c -> group), and the group leads to each pod's finding
(group -> pod), which keeps its own effects. So a cause is rooted once, at the workload, and the
pods stay in its chain: the dashboard marks their rows, and `check` lists them briefly.

"The same way" is the finding's own words with the pod taken out: its summary without the pod's
name and restart count (a check may state it in facts["way"] instead).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from kubetriage.checks.finding import SEVERITY_RANK, Finding, ObjectRef
from kubetriage.checks.objects import name, namespace, owners, str_at
from kubetriage.core.snapshot import Key, Snapshot

Edge = tuple[str, str]
GROUPED_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet")
MIN_PODS = 2  # one pod failing is told as it is
NAMES_SHOWN = 4  # pods named in the group's first evidence line; the rest are counted
_RESTARTS = re.compile(r" \(\d+ restarts?\)")


def group(snap: Snapshot, findings: list[Finding],
          edges: set[Edge]) -> tuple[list[Finding], set[Edge]]:
    """The findings with a group finding added for each workload's pods failing one way, and
    the edges rewired through it (see the module's docstring)."""
    groups: dict[tuple[Key, str, str, str], list[Finding]] = defaultdict(list)
    workloads: dict[Key, dict[str, Any]] = {}
    for f in findings:
        if f.object.kind != "Pod":
            continue
        pod = snap.get("Pod", f.object.namespace, f.object.name)
        workload = _workload(snap, pod) if pod is not None else None
        if workload is None:
            continue
        key: Key = (workload["kind"], namespace(workload), name(workload))
        workloads[key] = workload
        container = str(f.facts.get("container") or "")
        groups[(key, f.check, container, _way(f))].append(f)
    out, wired, taken = list(findings), set(edges), {f.id for f in findings}
    for (key, _, container, way), members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        if len(members) < MIN_PODS:
            continue
        members.sort(key=lambda m: m.id)  # not the order the checks happened to find them in
        g = _finding(snap, workloads[key], members, container, way, taken)
        taken.add(g.id)
        ids = {m.id for m in members}
        into = {(a, b) for a, b in wired if b in ids and a not in ids}
        wired = (wired - into) | {(a, g.id) for a, _ in into} | {(g.id, m) for m in ids}
        out.append(g)
    return out, wired


def members_of(f: Finding) -> list[str]:
    """The pods' findings a group finding stands for (none for any other finding)."""
    return list(f.facts.get("members") or ())


def _workload(snap: Snapshot, pod: dict[str, Any]) -> dict[str, Any] | None:
    """The outermost workload controlling the pod (its Deployment over its ReplicaSet); a Job's
    pods group under the Job, not the CronJob (each run is its own)."""
    found = None
    for owner in owners(snap, pod):
        kind = owner.get("kind")
        if kind not in GROUPED_KINDS:
            break
        found = owner
        if kind == "Job":
            break
    return found


def _pods_of(snap: Snapshot, workload: dict[str, Any]) -> list[dict[str, Any]]:
    uid = str_at(workload, "metadata", "uid")
    owned = snap.owned_by(uid) if uid else []
    pods = [o for o in owned if o.get("kind") == "Pod"]
    for rs in owned:
        if rs.get("kind") == "ReplicaSet":
            pods += [p for p in snap.owned_by(str_at(rs, "metadata", "uid")) if p.get("kind") == "Pod"]
    return pods


def _way(f: Finding) -> str:
    if f.facts.get("way"):
        return str(f.facts["way"])
    pod = f"{f.object.namespace}/{f.object.name}"
    text = f.summary.removeprefix(f"Pod {pod} ")
    for said in (f" in pod {pod}", f" of pod {pod}", f" for pod {pod}"):
        text = text.replace(said, "")
    return _RESTARTS.sub("", text)


def _finding(snap: Snapshot, workload: dict[str, Any], members: list[Finding], container: str,
             way: str, taken: set[str]) -> Finding:
    first = members[0]
    obj = ObjectRef(kind=workload["kind"], namespace=namespace(workload), name=name(workload))
    where = f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name
    total = max(len(_pods_of(snap, workload)), len(members))
    pods = [m.object.name for m in members]
    named = ", ".join(pods[:NAMES_SHOWN]) + (f" and {len(pods) - NAMES_SHOWN} more"
                                              if len(pods) > NAMES_SHOWN else "")
    ident = f"{first.check}/{obj.kind}/{obj.namespace or '-'}/{obj.name}" + \
        (f"/{container}" if container else "")
    n = 2
    while ident in taken:  # the same container of one workload failing two ways
        ident = f"{ident.rsplit('#', 1)[0]}#{n}"
        n += 1
    return Finding(id=ident, check=first.check, title=first.title,
                   severity=max((m.severity for m in members), key=SEVERITY_RANK.__getitem__),
                   object=obj,
                   summary=f"{len(members)} of {total} pods of {obj.kind} {where}: "
                           f"{way[:1].lower()}{way[1:]}",
                   evidence=[f"{len(members)} pods: {named}; as pod {first.object.name} shows:",
                             *first.evidence],
                   remediations=first.remediations,
                   facts={**first.facts, "members": [m.id for m in members], "way": way})
