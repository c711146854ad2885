"""KT-703: a Namespace left Terminating, and what holds it, in the namespace controller's words.

Read from the conditions the controller writes while it deletes (kubernetes/kubernetes#82189):
an API group it cannot list (`NamespaceDeletionDiscoveryFailure`: an aggregated API such as
metrics.k8s.io that is down keeps every namespace deletion waiting), objects whose finalizers no
controller removes (`NamespaceFinalizersRemaining`, with `NamespaceContentRemaining` naming the
resources: kubeshop/kusk-gateway#599). Removing the namespace's own `kubernetes` finalizer is not
the fix: it strands those objects in etcd (kubernetes/kubernetes#60807). A deletion younger than
STUCK_AFTER_S is the controller at work.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import age, condition, ref, seconds_since, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-703", title="Namespace stuck terminating", severity="error",
              kinds=("Namespace",), doc=__doc__)

STUCK_AFTER_S = 300.0
_DISCOVERY, _CONTENT_FAILED = "NamespaceDeletionDiscoveryFailure", "NamespaceDeletionContentFailure"
_FINALIZERS, _CONTENT = "NamespaceFinalizersRemaining", "NamespaceContentRemaining"
_FINALIZER = re.compile(r"has finalizers remaining: ([\w./-]+) in")
_RESOURCE = re.compile(r"remaining: ([\w-]+)\.([\w.-]*) has (\d+) resource instances")


def _true(ns: dict, type_: str) -> str:
    """The message of a condition of this type that is True, else ""."""
    c = condition(ns, type_)
    return str_at(c, "message") or type_ if str_at(c, "status") == "True" else ""


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for ns in snap.of_kind("Namespace"):
        deleting = str_at(ns, "metadata", "deletionTimestamp")
        since = seconds_since(snap, deleting) if deleting else None
        if since is None or since < STUCK_AFTER_S:
            continue
        yield _finding(snap, ns, deleting)


def _finding(snap: Snapshot, ns: dict, deleting: str) -> Finding:
    obj = ref(ns, "Namespace")
    name = obj.name
    said = {t: m for t in (_DISCOVERY, _CONTENT_FAILED, _FINALIZERS, _CONTENT)
            if (m := _true(ns, t))}
    evidence = [f"{t}=True: {m}" for t, m in said.items()]
    resource = _RESOURCE.search(said.get(_CONTENT, ""))
    # `configmaps.` is the core group's
    kind = (resource.group(1) + (f".{resource.group(2)}" if resource.group(2) else "")) \
        if resource else ""
    if _DISCOVERY in said:
        why = ("the namespace controller cannot list every API, so it cannot know the namespace "
               f"is empty: {said[_DISCOVERY]}")
        fixes = [Remediation(title="Bring back the aggregated API that does not answer, or "
                                   "delete its APIService if it is gone for good",
                             command="kubectl get apiservices | grep -v True")]
    elif _FINALIZERS in said:
        finalizer = _FINALIZER.search(said[_FINALIZERS])
        holder = f"finalizer {finalizer.group(1)}" if finalizer else "a finalizer"
        what = f" on {resource.group(3)} {kind}" if resource else ""
        why = f"{holder}{what} is never removed: the controller that owns it is gone or failing"
        fixes = [Remediation(title=f"Start the controller that owns {holder} again; only if it "
                                   "is gone for good, remove that finalizer from those objects "
                                   "(never the namespace's own: that strands them)",
                             command=f"kubectl get {kind} -n {shlex.quote(name)} -o name"
                             if resource else None)]
    elif said:
        why = next(iter(said.values()))
        fixes = [Remediation(title="See what the namespace controller says of it",
                             command=f"kubectl describe namespace {shlex.quote(name)}")]
    else:
        why = "no condition says why (an API server older than 1.16 writes none)"
        fixes = [Remediation(title="List what is left in it",
                             command=f"kubectl api-resources --verbs=list --namespaced -o name "
                                     f"| xargs -n 1 kubectl get --show-kind --ignore-not-found "
                                     f"-n {shlex.quote(name)}")]
    return CHECK.finding(obj, f"Namespace {name} has been Terminating for {age(snap, deleting)}: "
                              f"{why}.", evidence or [f"deletionTimestamp: {deleting}"], fixes)
