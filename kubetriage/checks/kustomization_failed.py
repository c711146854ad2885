"""KT-103: a Flux Kustomization that fails to build, apply or pass its health checks.

Waiting on a dependency is KT-102's. A build failure names its cause (a resource defined twice,
a missing file); a health check failure names the objects it waited for, which the chain builder
links as the cause (and through a workload, its failing pods); a source without an artifact is
the source's finding (KT-105) first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.flux import kustomization_source, shown
from kubetriage.checks.objects import at, condition, event_line, events, is_false, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-103", title="Kustomization failed", severity="error",
              kinds=("Kustomization", "Event"), doc=__doc__)

_DUPLICATE = re.compile(r"may not add resource with an already registered id: ([^\s]+)")
_HEALTH = re.compile(r"\b(\w+)/([\w.-]+)/([\w.-]+) status")


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for ks in snap.of_kind("Kustomization"):
        ready = condition(ks, "Ready")
        message = str_at(ready, "message")
        if not is_false(ready) or at(ks, "spec", "suspend") is True or \
                str_at(ready, "reason") == "DependencyNotReady" or "dependency '" in message:
            continue
        obj = ref(ks, "Kustomization")
        reason = str_at(ready, "reason")
        facts: dict = {}
        if (m := _DUPLICATE.search(message)):
            what = f"the build fails: {m.group(1)} is defined twice"
        elif reason == "BuildFailed" or "kustomize build failed" in message:
            what = "kustomize build fails"
        elif reason == "ArtifactFailed" or "artifact not found" in message or \
                "Source is not ready" in message:
            source = kustomization_source(ks)
            facts["caused_by"] = [source] if source else []
            what = f"its source {shown(source)} has no artifact to apply" if source else \
                "its source has no artifact to apply"
        elif reason == "HealthCheckFailed" or "health check failed" in message.lower():
            facts["waits_for"] = [(k, ns, name) for k, ns, name in _HEALTH.findall(message)]
            what = "its health checks fail"
        else:
            what = "it fails to reconcile"
        ns = obj.namespace or "flux-system"
        yield CHECK.finding(obj, f"Kustomization {ns}/{obj.name}: {what}.",
                            [f"Ready=False {reason}: {message}",
                             *(event_line(e) for e in events(snap, ks, "Kustomization")
                               if str_at(e, "type") == "Warning")][:3],
                            _fixes(obj.name, ns, facts), **facts)


def _fixes(name: str, ns: str, facts: dict) -> list[Remediation]:
    if facts.get("waits_for"):
        return [Remediation(title="Fix what keeps the objects it waits for from becoming ready "
                                  "(their pods' findings); raising spec.timeout fixes nothing"),
                Remediation(title="Then run the health check again",
                            command=f"flux reconcile kustomization {name} -n {ns}",
                            action="reconcile")]
    if "caused_by" in facts:
        return [Remediation(title="Fix its source first (its own finding says how)"),
                Remediation(title="Then apply without waiting for the interval",
                            command=f"flux reconcile kustomization {name} -n {ns} --with-source",
                            action="reconcile")]
    return [Remediation(title="Reproduce the build locally",
                        command=f"flux build kustomization {name} -n {ns} --path ."),
            Remediation(title="Retry after fixing the source",
                        command=f"flux reconcile kustomization {name} -n {ns} --with-source",
                        action="reconcile")]
