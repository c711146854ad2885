"""KT-702: a node that is NotReady or under disk, memory or PID pressure, and the pods it evicts
or turns away.

Read from the node's conditions and taints (`node.kubernetes.io/disk-pressure:NoSchedule`,
`unreachable:NoExecute`, ...). Its symptoms are linked to it: pods on it the kubelet evicted
("The node was low on resource: ..."), Pending pods whose scheduler message names one of its
taints, and failing pods still bound to a node that stopped reporting. One root per node, not per
pod. Evicted pods of a node that is healthy now are history and left alone.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, ObjectRef, Remediation
from kubetriage.checks.objects import (
    condition,
    dicts,
    event_line,
    events,
    labels,
    mapping,
    name,
    namespace,
    ref,
    str_at,
)
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-702", title="Node not ready or under pressure", severity="error",
              kinds=("Node", "Pod", "Event"), doc=__doc__)

PRESSURES = ("DiskPressure", "MemoryPressure", "PIDPressure")
_TAINT = re.compile(r"taint \{([\w./-]+):")
_FIXES = {
    "DiskPressure": "Free disk on the node (`crictl rmi --prune`, old logs, large emptyDir "
                    "volumes) or grow it; the kubelet lifts the taint by itself. Give pods that "
                    "write a lot an ephemeral-storage request so they are not the victims",
    "MemoryPressure": "Find what uses the node's memory (`kubectl top pods -A --sort-by=memory`) "
                      "and give it limits, or add memory",
    "PIDPressure": "Find the process leaking threads or processes and limit it (pod pids limit)",
    "NotReady": "Bring the kubelet back (`systemctl status kubelet` / containerd / network on "
                "the node), or drain and delete the node so its pods run elsewhere",
}


def _trouble(node: dict) -> list[tuple[str, dict]]:
    found = []
    ready = condition(node, "Ready")
    if ready is not None and str_at(ready, "status") != "True":
        found.append(("NotReady", ready))
    for kind in PRESSURES:
        cond = condition(node, kind)
        if str_at(cond, "status") == "True":
            found.append((kind, cond or {}))
    return found


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    troubled = [(node, t) for node in snap.of_kind("Node") if (t := _trouble(node))]
    if not troubled:
        return
    pending = [(p, str_at(e, "message")) for p in snap.of_kind("Pod")
               if str_at(p, "status", "phase") == "Pending"
               for e in events(snap, p, "Pod")[:1] if str_at(e, "reason") == "FailedScheduling"]
    for node, trouble in troubled:
        yield _finding(snap, node, trouble, pending)


def _finding(snap: Snapshot, node: dict, trouble: list[tuple[str, dict]],
             pending: list[tuple[dict, str]]) -> Finding:
    obj: ObjectRef = ref(node, "Node")
    taints = [str_at(t, "key") for t in dicts(node, "spec", "taints")]
    on_node = [p for p in snap.of_kind("Pod") if str_at(p, "spec", "nodeName") == obj.name]
    evicted = [p for p in on_node if str_at(p, "status", "reason") == "Evicted"]
    turned_away = [(p, message) for p, message in pending
                   if any(key in taints for key in _TAINT.findall(message))]
    stranded = [p for p in on_node if p not in evicted and trouble[0][0] == "NotReady"]
    kinds = [k for k, _ in trouble]
    what = " and ".join("NotReady" if k == "NotReady" else f"under {k}" for k in kinds)
    effects = []
    if evicted:
        effects.append(f"{len(evicted)} pod{'s' if len(evicted) != 1 else ''} evicted from it")
    if turned_away:
        effects.append(f"{len(turned_away)} Pending pod{'s' if len(turned_away) != 1 else ''} "
                       "its taint turns away")
    if stranded:
        effects.append(f"{len(stranded)} pod{'s' if len(stranded) != 1 else ''} left on it")
    summary = f"Node {obj.name} is {what}" + (f": {', '.join(effects)}" if effects else "") + "."
    evidence = [f"{k} {str_at(c, 'status')} {str_at(c, 'reason')}: {str_at(c, 'message')}"
                for k, c in trouble]
    if taints:
        evidence.append("taints: " + ", ".join(
            f"{str_at(t, 'key')}:{str_at(t, 'effect')}" for t in dicts(node, "spec", "taints")))
    for p in evicted[:1]:
        evidence.append(f"pod {namespace(p)}/{name(p)} Evicted: {str_at(p, 'status', 'message')}")
    for p, message in turned_away[:1]:
        evidence.append(f"pod {namespace(p)}/{name(p)} FailedScheduling: {message}")
    for p in on_node:
        for e in events(snap, p, "Pod"):
            if str_at(e, "reason") == "TaintManagerEviction" and len(evidence) < 6:
                evidence.append(f"pod {namespace(p)}/{name(p)}: {event_line(e)}")
    fixes = [Remediation(title=_FIXES[k]) for k in kinds]
    if evicted:
        fixes.append(Remediation(title="Then delete the Evicted pod objects",
                                 command="kubectl delete pod -A --field-selector=status.phase=Failed"))
    fixes.append(Remediation(title="See the node's conditions, taints and pods",
                             command=f"kubectl describe node {shlex.quote(obj.name)}"))
    linked = [*evicted, *(p for p, _ in turned_away), *stranded]
    breaks: list[tuple] = [("Pod", namespace(p), name(p)) for p in linked]
    # a Service whose only pods are stranded there has no ready endpoint because of it
    for svc in {(namespace(s), name(s)): s for p in stranded
                for s in snap.in_namespace("Service", namespace(p))
                if (sel := mapping(s, "spec", "selector"))
                and all(labels(p).get(k) == v for k, v in sel.items())}.values():
        breaks.append(("Service", namespace(svc), name(svc), ("KT-401",)))
    return CHECK.finding(obj, summary, evidence, fixes, conditions=kinds, breaks=breaks)
