"""KT-504: a workload whose pods the API server refuses to create, for a reason that is not a
quota's or a limit range's (those are KT-503's).

There is no pod to look at: the refusal is in the FailedCreate events of the ReplicaSet,
StatefulSet, Job or DaemonSet, and (events expire after an hour) in a ReplicaSet's and its
Deployment's ReplicaFailure condition. Read as the API server states it: the namespace's Pod
Security level and the rules the pod breaks (`violates PodSecurity "restricted:latest":
allowPrivilegeEscalation != false (...), ...`: adyanth/cloudflare-operator#110,
tektoncd/operator#1223), an admission webhook that denies the pod or does not answer, a
ServiceAccount that does not exist; otherwise the server's own words. One finding per workload
(its Deployment, when a ReplicaSet's), linked to its release.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from kubetriage.checks import apply_errors
from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, ObjectRef, Remediation
from kubetriage.checks.objects import condition, event_count, events, name, namespace, release_of, str_at
from kubetriage.checks.quota_refused import WORKLOADS, quota_says, short, top
from kubetriage.core.snapshot import Key, Snapshot
from kubetriage.core.text import shorten

CHECK = Check(code="KT-504", title="Pods refused at creation", severity="error",
              kinds=("ReplicaSet", "StatefulSet", "Job", "DaemonSet", "Deployment", "Event",
                     "HelmRelease"), doc=__doc__)

_COMBINED = "(combined from similar events): "
_PSA = re.compile(r'violates PodSecurity "([\w.:-]+)": ')
_DENIED = re.compile(r'admission webhook "([^"\s]+)" denied the request: ')
_NO_SA = re.compile(r'serviceaccount "([^"\s]+)" not found', re.I)
_FORBIDDEN = re.compile(r"\bis forbidden: |\bError creating: |failed error: ")
SAID_LIMIT = 240


def _rules(text: str) -> list[str]:
    """The rule names of a PodSecurity refusal: each `rule (who must do what)`, split at the
    commas outside parentheses."""
    rules, depth, start = [], 0, 0
    for i, ch in enumerate(text[:4_000]):
        if ch == "(":
            if depth == 0:
                rules.append(text[start:i].strip(" ,"))
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
            if depth == 0:
                start = i + 1
    return [r for r in rules if r]


def _cut(text: str) -> str:
    return shorten(text.strip().rstrip("."), SAID_LIMIT)


def _refusal(snap: Snapshot, obj: dict, kind: str) -> tuple[str, str] | None:
    """(message, where it was read) of the newest refusal to create its pods."""
    said = [e for e in events(snap, obj, kind) if str_at(e, "reason") == "FailedCreate"]
    if said:
        return str_at(said[0], "message").removeprefix(_COMBINED), \
            f"{kind} {name(obj)}: Warning FailedCreate (x{event_count(said[0])})"
    failure = condition(obj, "ReplicaFailure")
    if str_at(failure, "status") == "True" and str_at(failure, "reason") == "FailedCreate":
        return str_at(failure, "message"), f"{kind} {name(obj)}: ReplicaFailure=True FailedCreate"
    return None


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    seen: set[Key] = set()
    for kind in WORKLOADS:
        for obj in snap.of_kind(kind):
            if not short(obj) or (refused := _refusal(snap, obj, kind)) is None:
                continue
            message, where = refused
            owner = top(snap, obj)
            if quota_says(message) or owner in seen:
                continue
            seen.add(owner)
            yield _finding(snap, obj, owner, message, where)


def _finding(snap: Snapshot, obj: dict, owner: Key, message: str, where: str) -> Finding:
    kind, ns, owner_name = owner
    facts: dict = {}
    if (m := _PSA.search(message)):
        rules = _rules(message[m.end():])
        why = (f"the namespace's Pod Security level {m.group(1)} refuses them: it breaks "
               f"{', '.join(rules) if rules else _cut(message[m.end():])}")
        facts["pod_security"] = m.group(1)
        fixes = [Remediation(title="Set what each rule names in the pod template's "
                                   "securityContext (the chart's securityContext values)"),
                 Remediation(title="Or, if it must run so, give the namespace a lower level",
                             command=f"kubectl label namespace {shlex.quote(ns or 'default')} "
                                     "pod-security.kubernetes.io/enforce=baseline --overwrite")]
    elif (m := _DENIED.search(message)):
        why = f"admission webhook {m.group(1)} denies them: {_cut(message[m.end():])}"
        fixes = [Remediation(title=f"Change the pod template to pass what {m.group(1)} "
                                   "enforces, or ask for an exception to its policy")]
    elif (hook := apply_errors.webhook(message)):
        why = hook.what
        facts.update(hook.facts)
        fixes = hook.fixes
    elif (m := _NO_SA.search(message)):
        why = f"its ServiceAccount {m.group(1)} does not exist in {ns}"
        fixes = [Remediation(title=f"Create ServiceAccount {m.group(1)} (the chart's "
                                   "serviceAccount.create) or name one that exists")]
    else:
        found = list(_FORBIDDEN.finditer(message[:8_000]))
        why = "the API server refuses them: " + _cut(message[found[-1].end():] if found
                                                     else message)
        fixes = [Remediation(title="Fix what the API server names in the pod template")]
    fixes.append(Remediation(title="The controller retries by itself; a release that gave up "
                                   "needs a reconcile once the pods are accepted"))
    hr = release_of(snap, obj)
    breaks: list[Key] = [("HelmRelease", namespace(hr), name(hr))] if hr is not None else []
    return CHECK.finding(ObjectRef(kind=kind, namespace=ns, name=owner_name),
                         f"{kind} {ns}/{owner_name} cannot create its pods: {why}.",
                         [f"{where}: {message}"], fixes, breaks=breaks, **facts)
