"""KT-401: a Service whose selector matches no ready pod, so nothing answers it.

Read from the Endpoints object when the snapshot has one, else from the pods the selector
matches and their Ready condition. A Service without a selector (or ExternalName) is managed by
hand and left alone. Selecting no pod at all is a warning; pods that exist but are all unready
make it an error, and their findings are linked as the cause.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import condition, dicts, labels, mapping, name, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-401", title="Service without ready endpoints", severity="error",
              kinds=("Service", "Endpoints", "Pod"), doc=__doc__)


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    if not snap.has_kind("Pod"):
        return
    matching: dict[tuple[str | None, tuple[str, ...]], dict[tuple, list[dict]]] = {}
    for svc in snap.of_kind("Service"):
        selector = mapping(svc, "spec", "selector")
        if not selector or str_at(svc, "spec", "type") == "ExternalName":
            continue
        ns = str_at(svc, "metadata", "namespace") or None
        endpoints = snap.get("Endpoints", ns, name(svc))
        if endpoints is not None and any(dicts(sub, "addresses")
                                         for sub in dicts(endpoints, "subsets")):
            continue  # the common case, decided without looking at pods
        pods = _selected(snap, matching, ns, selector)
        if endpoints is None and any(str_at(condition(p, "Ready"), "status") == "True" for p in pods):
            continue
        obj = ref(svc, "Service")
        shown = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
        if pods:
            what = f"its selector {shown} matches {len(pods)} pod" \
                   f"{'s' if len(pods) != 1 else ''}, none ready"
        else:
            what = f"its selector {shown} matches no pod"
        yield CHECK.finding(obj, f"Service {obj.namespace}/{obj.name} has no ready endpoint: "
                                 f"{what}.",
                            [f"selector {shown}; pods: " + (", ".join(name(p) for p in pods[:5]) or
                                                            "none")],
                            [Remediation(title="Compare the selector with the pods' labels",
                                         command=f"kubectl get pods -n {obj.namespace} -l {shown}")],
                            severity="error" if pods else "warning",
                            pods=[name(p) for p in pods])


def _selected(snap: Snapshot, matching: dict, namespace: str | None,
              selector: dict[str, object]) -> list[dict]:
    """The namespace's pods carrying every label of the selector, in snapshot order. Pods are
    indexed once per namespace and set of selector keys (a namespace's Services mostly share
    one), by their values for those keys: a lookup then, instead of a scan per Service."""
    if not all(isinstance(v, str) for v in selector.values()):
        return []  # a label value is a string: nothing matches anything else
    keys = tuple(sorted(selector, key=str))
    index = matching.get((namespace, keys))
    if index is None:
        index = matching[(namespace, keys)] = {}
        for p in snap.in_namespace("Pod", namespace):
            have = labels(p)
            index.setdefault(tuple(have.get(k) for k in keys), []).append(p)
    return index.get(tuple(selector[k] for k in keys), [])
