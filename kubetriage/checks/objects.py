"""Reading objects safely: cluster objects can miss any field or hold the wrong type in it, and a
check must say less rather than crash. Also the walks every check shares: a pod's owners up to its
workload, the HelmRelease that installed an object, the events about an object."""

from __future__ import annotations  # pyright: ignore[reportAssignmentType]  # annotations() reuses the name

import shlex
from datetime import datetime
from typing import Any

from kubetriage.checks.finding import ObjectRef
from kubetriage.core.snapshot import Snapshot


def at(node: Any, *path: str | int) -> Any:
    """node[path[0]][path[1]]..., or None as soon as a step is missing or of the wrong type."""
    for step in path:
        if type(node) is dict and type(step) is str:  # nearly every step: the fast path
            node = node.get(step)
        elif isinstance(step, int):
            node = node[step] if isinstance(node, list) and -len(node) <= step < len(node) else None
        else:
            node = node.get(step) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def str_at(node: Any, *path: str | int) -> str:
    """A string field, or "" when missing or not a string."""
    value = at(node, *path)
    return value if isinstance(value, str) else ""


def int_at(node: Any, *path: str | int) -> int:
     value = at(node, *path)
     return value if isinstance(value, int) and not isinstance(value, bool) else 0


def dicts(node: Any, *path: str | int) -> list[dict[str, Any]]:
    """The dict items of a list field; anything else is skipped."""
    value = at(node, *path) if path else node
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def mapping(node: Any, *path: str | int) -> dict[str, Any]:
    value = at(node, *path)
    return value if isinstance(value, dict) else {}


def name(obj: Any) -> str:
    return str_at(obj, "metadata", "name")


def namespace(obj: Any) -> str | None:
    return str_at(obj, "metadata", "namespace") or None


def labels(obj: Any) -> dict[str, Any]:
    return mapping(obj, "metadata", "labels")


def annotations(obj: Any) -> dict[str, Any]:
    return mapping(obj, "metadata", "annotations")


def ref(obj: Any, kind: str | None = None) -> ObjectRef:
    return ObjectRef(kind=kind or str_at(obj, "kind"), namespace=namespace(obj), name=name(obj))


def condition(obj: Any, type_: str) -> dict[str, Any] | None:
    for cond in dicts(obj, "status", "conditions"):
        if cond.get("type") == type_:
            return cond
    return None


def is_false(cond: dict[str, Any] | None) -> bool:
    return cond is not None and cond.get("status") == "False"


_CONTAINER_FIELDS = (("initContainerStatuses", "initContainers", True),
                     ("containerStatuses", "containers", False))


def containers(pod: Any) -> list[tuple[dict[str, Any], dict[str, Any], bool]]:
    """(status, spec, is_init) of every container with a status, init containers first; a status
    without a matching spec gets {}."""
    found: list[tuple[dict[str, Any], dict[str, Any], bool]] = []
    status = pod.get("status") if isinstance(pod, dict) else None
    if not isinstance(status, dict):
        return found
    spec = pod.get("spec")
    for status_field, spec_field, init in _CONTAINER_FIELDS:
        statuses = status.get(status_field)
        if not statuses or not isinstance(statuses, list):
            continue  # most pods have no init containers: no spec lookup for them
        specs = spec.get(spec_field) if isinstance(spec, dict) else None
        specs = specs if isinstance(specs, list) else ()
        for st in statuses:
            if isinstance(st, dict):
                wanted = str_at(st, "name")
                # a pod has a handful of containers: a scan beats building a dict per pod
                match = next((c for c in reversed(specs)
                              if isinstance(c, dict) and str_at(c, "name") == wanted), {})
                found.append((st, match, init))
    return found


Container = tuple[dict[str, Any], dict[str, Any], dict[str, Any], bool]  # pod, status, spec, init


def all_containers(snap: Snapshot) -> list[Container]:
    """(pod, status, spec, is_init) of every container with a status in the snapshot."""
    return snap.derived("containers", lambda snap: [
        (pod, status, spec, init) for pod in snap.of_kind("Pod")
        for status, spec, init in containers(pod)])


def waiting(snap: Snapshot, *reasons: str) -> list[Container]:
    """The containers waiting for one of these reasons (CrashLoopBackOff, ...), in pod order."""
    every = snap.derived("waiting", lambda snap: [
        (str_at(c[1], "state", "waiting", "reason"), c) for c in all_containers(snap)
        if at(c[1], "state", "waiting") is not None])
    return [c for reason, c in every if reason in reasons]


def owners(snap: Snapshot, obj: Any) -> list[dict[str, Any]]:
    """The owner chain by uid, nearest first: a pod's ReplicaSet, then its Deployment."""
    chain: list[dict[str, Any]] = []
    seen = set()
    while True:
        refs = dicts(obj, "metadata", "ownerReferences")
        owner = next((o for r in refs if r.get("controller") is True
                      and (o := _owner(snap, obj, r))), None) \
            or next((o for r in refs if (o := _owner(snap, obj, r))), None)
        if owner is None or id(owner) in seen:
            return chain
        seen.add(id(owner))
        chain.append(owner)
        obj = owner


def _owner(snap: Snapshot, obj: Any, ref: dict[str, Any]) -> dict[str, Any] | None:
    """The object an owner reference names: by uid, of the kind it states (a dump may hold a
    Service with its Deployment's uid), else by that kind and name in the object's namespace."""
    found = snap.by_uid.get(str_at(ref, "uid"))
    kind = str_at(ref, "kind")
    if found is not None and (not kind or found.get("kind") == kind):
        return found
    return snap.get(kind, namespace(obj), str_at(ref, "name")) if kind else None


def workload_pods(snap: Snapshot, kind: str, namespace: str | None, name: str
                  ) -> list[dict[str, Any]]:
    """The pods a Deployment (through its ReplicaSets), StatefulSet, DaemonSet, ReplicaSet or
    Job owns, by ownerReferences uid."""
    top = snap.get(kind, namespace, name)
    uid = str_at(top, "metadata", "uid") if top else ""
    if not uid:
        return []
    owned = snap.owned_by(uid)
    if kind == "Deployment":
        owned = [p for rs in owned if rs.get("kind") == "ReplicaSet"
                 for p in snap.owned_by(str_at(rs, "metadata", "uid"))]
    return [p for p in owned if p.get("kind") == "Pod"]


def owner_kind(obj: Any) -> str:
    """The kind of the controlling owner as the object states it, even if the owner is absent."""
    refs = dicts(obj, "metadata", "ownerReferences")
    ctrl = next((r for r in refs if r.get("controller") is True), refs[0] if refs else {})
    return str_at(ctrl, "kind")


def release_name(hr: Any) -> str:
    """The Helm release a HelmRelease manages, as helm-controller names it."""
    explicit = str_at(hr, "spec", "releaseName")
    if explicit:
        return explicit
    target = str_at(hr, "spec", "targetNamespace")
    return f"{target}-{name(hr)}" if target else name(hr)


def release_namespace(hr: Any) -> str | None:
    return str_at(hr, "spec", "targetNamespace") or namespace(hr)


def release_of(snap: Snapshot, obj: Any) -> dict[str, Any] | None:
    """The HelmRelease that installed obj or its top owner, from the labels and annotations that
    helm-controller and Helm put on what they create (never from names looking alike)."""
    for o in (obj, *owners(snap, obj)):
        lab, ann = labels(o), annotations(o)
        hr_name, hr_ns = lab.get("helm.toolkit.fluxcd.io/name"), \
            lab.get("helm.toolkit.fluxcd.io/namespace")
        if isinstance(hr_name, str) and isinstance(hr_ns, str):
            hr = snap.get("HelmRelease", hr_ns, hr_name)
            if hr is not None:
                return hr
        rel, rel_ns = ann.get("meta.helm.sh/release-name"), ann.get("meta.helm.sh/release-namespace")
        if not isinstance(rel, str) and lab.get("app.kubernetes.io/managed-by") == "Helm":
            rel, rel_ns = lab.get("app.kubernetes.io/instance"), namespace(o)
        if isinstance(rel, str):
            for hr in snap.of_kind("HelmRelease"):
                if release_name(hr) == rel and release_namespace(hr) == (rel_ns or namespace(o)):
                    return hr
    return None


def events(snap: Snapshot, obj: Any, kind: str | None = None) -> list[dict[str, Any]]:
    """Events about this object (same kind and uid, not another kind's of the same name), newest
    first."""
    found = snap.events_for(kind or str_at(obj, "kind"), namespace(obj), name(obj),
                            str_at(obj, "metadata", "uid") or None)
    return sorted(found, key=event_time, reverse=True)


def event_time(event: Any) -> str:
    return str_at(event, "lastTimestamp") or str_at(event, "eventTime") or \
        str_at(event, "metadata", "creationTimestamp")


def event_count(event: Any) -> int:
    return max(int_at(event, "count"), int_at(event, "series", "count"), 1)


def event_line(event: Any) -> str:
    count = event_count(event)
    times = f" (x{count})" if count > 1 else ""
    where = str_at(event, "involvedObject", "fieldPath")
    where = f" [{where}]" if where else ""
    return f"{str_at(event, 'type') or 'Event'} {str_at(event, 'reason')}{times}{where}: " \
           f"{str_at(event, 'message')}"




def kubectl(verb: str, obj: ObjectRef, *extra: str) -> str:
    """A kubectl command line for obj, names shell-quoted: a dump can hold any name."""
    ns = f" -n {shlex.quote(obj.namespace)}" if obj.namespace else ""
    tail = " ".join(extra)
    return f"kubectl {verb} {shlex.quote(f'{obj.kind.lower()}/{obj.name}')}{ns}" + \
        (f" {tail}" if tail else "")


def service_for_host(snap: Snapshot, host: str, from_namespace: str) -> tuple[str, str] | None:
    """(namespace, name) of the Service a cluster DNS name means, or None for an outside host:
    `S`, `S.NS` (NS a namespace the snapshot knows), `S.NS.svc[.cluster.local]`."""
    parts = host.lower().rstrip(".").split(".")
    if len(parts) == 1:
        return from_namespace, parts[0]
    if len(parts) == 2 and parts[1] in snap.by_namespace:
        return parts[1], parts[0]
    if len(parts) >= 3 and parts[2] == "svc":
        return parts[1], parts[0]
    return None


def seconds_since(snap: Snapshot, timestamp: str) -> float | None:
    """Seconds from a Kubernetes timestamp to the snapshot's now; None when it does not parse."""
    try:
        return (snap.now - datetime.fromisoformat(timestamp.replace("Z", "+00:00"))).total_seconds()
    except (ValueError, TypeError):
        return None


def age(snap: Snapshot, timestamp: str) -> str:
    """How long ago a Kubernetes timestamp was, as kubectl prints it (5d, 26h, 3m), or ""."""
    seconds = seconds_since(snap, timestamp)
    if seconds is None:
        return ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= 2 * size or (unit == "m" and seconds >= size):
            return f"{int(seconds // size)}{unit}"
    return f"{max(int(seconds), 0)}s"
