"""KT-101: a HelmRelease whose install or upgrade failed, and in which way.

Read from the Ready, Released and Stalled conditions and the release's events: a hook failed
(pre-upgrade, post-install, ...), Helm timed out waiting for the workloads (`context deadline
exceeded`, `timed out waiting for the condition`), retries are exhausted, the chart or its source
is not ready, a values reference cannot be resolved, or Helm's error names the object it could
not apply and why (checks/apply_errors.py). Waiting on a dependency is KT-102's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubetriage.checks import apply_errors
from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.flux import helmrelease_sources
from kubetriage.checks.objects import (
    at,
    condition,
    event_line,
    events,
    int_at,
    is_false,
    ref,
    release_name,
    release_namespace,
    str_at,
)
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-101", title="HelmRelease failed", severity="error",
              kinds=("HelmRelease", "Event"), doc=__doc__)

_HOOK = re.compile(r"(pre|post)-(install|upgrade|rollback|delete) hooks? failed", re.I)
_TIMEOUT = re.compile(r"context deadline exceeded|timed out waiting for the condition|"
                      r"timeout waiting for: \[", re.I)
# kstatus's wait names each object it gave up on: `[Deployment/ns/name status: 'InProgress']`
_WAITED = re.compile(r"\b(\w+)/([\w.-]+)/([\w.-]+) status")
_SOURCE = re.compile(r"\b(HelmChart|OCIRepository|HelmRepository|GitRepository|Bucket) "
                     r"'([^'/]+)/([^']+)' is not ready")
_RETRIES = re.compile(r"retries exhausted|RetriesExceeded", re.I)
_CHART = re.compile(r"(?:HelmChart|OCIRepository) '[^']*' is not ready|chart pull error|"
                    r"no artifact|failed to (get|fetch) (source|chart|artifact)|ArtifactFailed|"
                    r"SourceNotReady", re.I)
# "chart ... not found", "source ... not found/ready": found as two words in order, since one
# pattern with `.*` between them is quadratic on a long message
_CHART_WORD = re.compile(r"(?:chart|source)", re.I)
_NOT_FOUND = re.compile(r"not (?:found|ready)", re.I)


def _chart_trouble(text: str) -> bool:
    if _CHART.search(text):
        return True
    word = _CHART_WORD.search(text)
    return word is not None and _NOT_FOUND.search(text, word.end()) is not None
_VALUES = re.compile(r"could not resolve (\w+) chart values reference '([^/']+)/([^']+)'", re.I)
_WAITING = ("DependencyNotReady",)
_DEPENDENCY = re.compile(r"dependency '[^']+' is not ready")
_ACTION = re.compile(r"(upgrade|uninstall|install|rollback)", re.I)
_ACTIONS = {"upgrade": "upgrade", "uninstall": "uninstall", "install": "install",
            "rollback": "roll back"}


def is_waiting(hr: dict) -> bool:
    ready = condition(hr, "Ready")
    return str_at(ready, "reason") in _WAITING or bool(
        _DEPENDENCY.search(str_at(ready, "message")))


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for hr in snap.of_kind("HelmRelease"):
        ready = condition(hr, "Ready")
        if not is_false(ready) or is_waiting(hr) or at(hr, "spec", "suspend") is True:
            continue
        yield _finding(snap, hr, ready or {})


def _action(ready: dict) -> str:
    """What Helm was doing, as the message (else the reason) says; a chart that never arrived
    was neither an install nor an upgrade."""
    for text in (str_at(ready, "message"), str_at(ready, "reason")):
        if (m := _ACTION.search(text)):
            return _ACTIONS[m.group(1).lower()]
    return "reconcile"


def _finding(snap: Snapshot, hr: dict, ready: dict) -> Finding:
    obj = ref(hr, "HelmRelease")
    conds = [c for c in (ready, condition(hr, "Released"), condition(hr, "Stalled"),
                         condition(hr, "Remediated")) if c]
    warnings = [e for e in events(snap, hr, "HelmRelease") if str_at(e, "type") == "Warning"]
    text = "\n".join([*(f"{str_at(c, 'reason')} {str_at(c, 'message')}" for c in conds),
                     *(str_at(e, "message") for e in warnings[:5])])
    action = _action(ready)
    helm = None
    facts: dict = {"release": release_name(hr), "release_namespace": release_namespace(hr)}
    if (m := _HOOK.search(text)):
        facts["hook"] = f"{m.group(1).lower()}-{m.group(2).lower()}"
        what = f"its {facts['hook']} hook failed"
    elif _TIMEOUT.search(text):
        facts["timeout"] = True
        facts["waits_for"] = [(k, ns, n) for k, ns, n in _WAITED.findall(str_at(ready, "message"))]
        what = "Helm timed out waiting for its workloads to become ready"
    elif (m := _VALUES.search(text)):
        facts["values_ref"] = (m.group(1), m.group(2), m.group(3))
        what = f"its values reference {m.group(1)} {m.group(2)}/{m.group(3)} cannot be resolved"
    elif (helm := apply_errors.read(text, release_namespace(hr) or obj.namespace or "default",
                                   release_name(hr), release_namespace(hr) or "default")):
        facts.update(helm.facts)
        what = helm.what
    elif (m := _SOURCE.search(str_at(ready, "message"))):
        facts["chart"] = True
        facts["caused_by"] = [(m.group(1), m.group(2), m.group(3)), *helmrelease_sources(hr)]
        said = str_at(ready, "message")[m.end():].lstrip(": ")
        what = f"its chart source {m.group(1)} {m.group(2)}/{m.group(3)} is not ready" + \
            (f" ({said})" if said else "")
    elif _chart_trouble(text):
        facts["chart"] = True
        facts["caused_by"] = helmrelease_sources(hr)
        what = "its chart or the chart's source is not ready"
    else:
        what = "cause unknown beyond the status message below"
    if _RETRIES.search(text):
        facts["exhausted"] = True
        what += "; retries are exhausted, so Flux will not try again on its own"
    evidence = [f"Ready=False {str_at(ready, 'reason')}: {str_at(ready, 'message')}"]
    evidence += [f"{str_at(c, 'type')}={str_at(c, 'status')} {str_at(c, 'reason')}: "
                 f"{str_at(c, 'message')}" for c in conds[1:]
                 if str_at(c, "message") and str_at(c, "message") != str_at(ready, "message")]
    failures = max(int_at(hr, "status", "failures"), int_at(hr, "status", "upgradeFailures"),
                   int_at(hr, "status", "installFailures"))
    if failures:
        evidence.append(f"failed attempts: {failures}")
    evidence += [event_line(e) for e in warnings[:2]]
    ns = obj.namespace or "default"
    first = [Remediation(title="Fix its chart source first (the source's finding says how); "
                               "the release follows on its own")] \
        if facts.get("chart") and facts.get("caused_by") else []
    # helm-controller does not retry an exhausted release on a plain request: Flux's docs say
    # to reset its failure counts (the whole retry budget back), or to force one attempt
    retry = Remediation(title="Reset the failure counts and retry, once the cause is fixed",
                        command=f"flux reconcile helmrelease {obj.name} -n {ns} --reset",
                        action="reset") if facts.get("exhausted") else \
        Remediation(title="Retry the release once the cause is fixed",
                    command=f"flux reconcile helmrelease {obj.name} -n {ns}", action="reconcile")
    read = helm.fixes if helm is not None else []
    if facts.get("values"):  # the values as the chart gets them, valuesFrom merged
        read = [*read, Remediation(title="See the values the chart is given",
                                   command=f"flux debug hr {obj.name} -n {ns} --show-values")]
    fixes = first + read + [retry,
             Remediation(title="See the Helm history of the release",
                         command=f"helm history {release_name(hr)} -n "
                                 f"{release_namespace(hr) or ns}")]
    return CHECK.finding(obj, f"HelmRelease {ns}/{obj.name} failed to {action}: {what}.",
                         evidence, fixes, **facts)
