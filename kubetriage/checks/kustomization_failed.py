"""KT-103: a Flux Kustomization that fails to build, apply or pass its health checks.

Waiting on a dependency is KT-102's. A build failure names its cause in kustomize's innermost
words and the folder it is in (a resource defined twice, a missing file, an unknown field); a
dry run the API server refuses names the object and the server's reason; a health check failure
names the objects it waited for, which the chain builder links as the cause (and through a
workload, its failing pods); a source without an artifact is the source's finding (KT-105) first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubetriage.checks import apply_errors
from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.flux import kustomization_source, shown
from kubetriage.checks.objects import at, condition, event_line, events, is_false, ref, str_at
from kubetriage.core.snapshot import Snapshot
from kubetriage.core.text import shorten

CHECK = Check(code="KT-103", title="Kustomization failed", severity="error",
              kinds=("Kustomization", "Event"), doc=__doc__)

_DUPLICATE = re.compile(r"may not add resource with an already registered id: ([^\s]+)")
# kustomize nests its errors ("accumulating resources from 'x': ... 'y': json: unknown field"):
# the innermost, after the last quote and colon, is the one to fix, in the last path it names;
# paths are the controller's checkout (/tmp/kustomization-NNN/), shown from the repository's root
_BUILD_PATH = re.compile(r"/tmp/kustomization-\d+/([^'\s:]+)")
_BUILD_PREFIX = "kustomize build failed: "
# `CustomResourceDefinition/x dry-run failed, reason: Invalid, error: <the server's words>`
_DRY_RUN = re.compile(r"\b(\w+)/([\w.:-]+) dry-run failed(?:, reason: (\w+))?(?:, error)?: ")
SAID_LIMIT = 240  # the summary quotes the cause; the evidence holds the whole message
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
        ns = obj.namespace or "flux-system"
        reason = str_at(ready, "reason")
        facts: dict = {}
        first: list[Remediation] = []  # fixes the cause's own reading gives
        if (m := _DUPLICATE.search(message)):
            what = f"the build fails: {m.group(1)} is defined twice"
        elif reason == "BuildFailed" or _BUILD_PREFIX in message:
            what = _build_failure(message)
        elif reason == "ArtifactFailed" or "artifact not found" in message or \
                "Source is not ready" in message:
            source = kustomization_source(ks)
            facts["caused_by"] = [source] if source else []
            what = f"its source {shown(source)} has no artifact to apply" if source else \
                "its source has no artifact to apply"
        elif reason == "HealthCheckFailed" or "health check failed" in message.lower():
            facts["waits_for"] = [(k, ns, name) for k, ns, name in _HEALTH.findall(message)]
            what = "its health checks fail"
        elif (hook := apply_errors.webhook(message)):
            facts.update(hook.facts)
            first = [*hook.fixes, Remediation(
                title="Then apply without waiting for the interval",
                command=f"flux reconcile kustomization {obj.name} -n {ns}", action="reconcile")]
            what = f"its objects cannot be applied: {hook.what}"
        elif (m := _DRY_RUN.search(message)):
            facts["refused"] = [m.group(1), m.group(2)]
            said = _cut(message[m.end():])
            what = f"the API server refuses {m.group(1)}/{m.group(2)} on its dry run" + \
                (f" ({m.group(3)})" if m.group(3) else "") + f": {said}"
        else:
            what = "it fails to reconcile"
        yield CHECK.finding(obj, f"Kustomization {ns}/{obj.name}: {what}.",
                            [f"Ready=False {reason}: {message}",
                             *(event_line(e) for e in events(snap, ks, "Kustomization")
                               if str_at(e, "type") == "Warning")][:3],
                            first or _fixes(obj.name, ns, str_at(ks, "spec", "path") or ".",
                                            facts),
                            **facts)


def _build_failure(message: str) -> str:
    """What fails the build and where, in kustomize's innermost words."""
    inner = message.rsplit("': ", 1)[1] if "': " in message else \
        message.split(_BUILD_PREFIX, 1)[-1]
    paths = _BUILD_PATH.findall(message[:20_000])
    where = f" in {paths[-1].rstrip('/')}" if paths else ""
    return f"kustomize build fails{where}: {_cut(inner)}" if inner else "kustomize build fails"


def _cut(text: str) -> str:
    return shorten(text.strip().rstrip("."), SAID_LIMIT)


def _fixes(name: str, ns: str, path: str, facts: dict) -> list[Remediation]:
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
    if "refused" in facts:
        return [Remediation(title="Fix the object the server refuses, in Git; `flux diff` runs "
                                  "the same server-side dry run from a checkout",
                            command=f"flux diff kustomization {name} -n {ns} --path {path}"),
                Remediation(title="Then apply without waiting for the interval",
                            command=f"flux reconcile kustomization {name} -n {ns} --with-source",
                            action="reconcile")]
    return [Remediation(title="Reproduce the build from a checkout of its source",
                        command=f"flux build kustomization {name} -n {ns} --path {path}"),
            Remediation(title="Retry after fixing the source",
                        command=f"flux reconcile kustomization {name} -n {ns} --with-source",
                        action="reconcile")]
