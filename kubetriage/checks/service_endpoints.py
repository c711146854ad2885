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
    by_label = None  # built on the first Service without ready Endpoints: most have them
    for svc in snap.of_kind("Service"):
        selector = mapping(svc, "spec", "selector")
        if not selector or s(svc, "spec", "type") == "ExternalName":
            continue
        ns = s(svc, "metadata", "namespace") or None
        endpoints = snap.get("Endpoints", ns, name(svc))
        if endpoints is not None and any(dicts(sub, "addresses")
                                         for sub in dicts(endpoints, "subsets")):
            continue  # the common case, decided without looking at pods
        if by_label is None:
            by_label = _pods_by_label(snap, {k for svc in snap.of_kind("Service")
                                             for k in mapping(svc, "spec", "selector")})
        # the pods carrying the selector's rarest label, then the rest of it
        candidates = min((by_label.get((ns, k, v), []) if isinstance(v, str) else []
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


def _pods_by_label(snap: Snapshot, keys: set[str]) -> dict[tuple[str | None, str, str],
                                                             list[dict]]:
    """(namespace, label, value) -> pods, in snapshot order, for the labels selectors use: a
    selector then looks its pods up instead of scanning every pod."""
    index: dict[tuple[str | None, str, str], list[dict]] = {}
    for p in snap.of_kind("Pod"):
        ns = s(p, "metadata", "namespace") or None
        pod_labels = labels(p)
        for k in keys:
            v = pod_labels.get(k)
            if isinstance(v, str):
                index.setdefault((ns, k, v), []).append(p)
    return index
