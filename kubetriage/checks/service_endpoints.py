"""KT-401: a Service whose selector matches no ready pod, so nothing answers it.

Read from the Endpoints object when the snapshot has one, else from the pods the selector
matches and their Ready condition. A Service without a selector (or ExternalName) is managed by
hand and left alone. Selecting no pod at all is a warning; pods that exist but are all unready
make it an error, and their findings are linked as the cause.
"""

from __future__ import annotations

from typing import Iterator

from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import condition, dicts, labels, make, mapping, name, ref, s
from kubetriage.cluster.snapshot import Snapshot

CODE = "KT-401"
TITLE = "Service without ready endpoints"
KINDS = ("Service", "Endpoints", "Pod")
SEVERITY = "error"


def check(snap: Snapshot) -> Iterator[Finding]:
    if not snap.has_kind("Pod"):
        return
    by_label: dict[str | None, dict[tuple[str, str], list[dict]]] = {}
    for svc in snap.of_kind("Service"):
        selector = mapping(svc, "spec", "selector")
        if not selector or s(svc, "spec", "type") == "ExternalName":
            continue
        ns = s(svc, "metadata", "namespace") or None
        endpoints = snap.get("Endpoints", ns, name(svc))
        if endpoints is not None and any(dicts(sub, "addresses")
                                         for sub in dicts(endpoints, "subsets")):
            continue  # the common case, decided without looking at pods
        if ns not in by_label:
            by_label[ns] = _pods_by_label(snap, ns)
        # the pods carrying the selector's rarest label, then the rest of it
        candidates = min((by_label[ns].get((k, v), []) if isinstance(v, str) else []
                          for k, v in selector.items()), key=len)
        pods = [p for p in candidates if all(labels(p).get(k) == v for k, v in selector.items())]
        if endpoints is None and any(s(condition(p, "Ready"), "status") == "True" for p in pods):
            continue
        obj = ref(svc, "Service")
        shown = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
        if pods:
            what = f"its selector {shown} matches {len(pods)} pod" \
                   f"{'s' if len(pods) != 1 else ''}, none ready"
        else:
            what = f"its selector {shown} matches no pod"
        yield make(__name__, obj, f"Service {obj.namespace}/{obj.name} has no ready endpoint: "
                                  f"{what}.",
                   [f"selector {shown}; pods: " + (", ".join(name(p) for p in pods[:5]) or
                                                   "none")],
                   [Remediation(title="Compare the selector with the pods' labels",
                                command=f"kubectl get pods -n {obj.namespace} -l {shown}")],
                   severity="error" if pods else "warning",
                   pods=[name(p) for p in pods])


def _pods_by_label(snap: Snapshot, namespace: str | None) -> dict[tuple[str, str], list[dict]]:
    """(label, value) -> the namespace's pods, in snapshot order: built only for namespaces with
    a Service lacking ready Endpoints, so a selector looks its pods up instead of scanning."""
    index: dict[tuple[str, str], list[dict]] = {}
    for p in snap.by_namespace.get(namespace, ()):
        if p.get("kind") == "Pod":
            for k, v in labels(p).items():
                if isinstance(v, str):
                    index.setdefault((k, v), []).append(p)
    return index
