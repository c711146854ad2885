"""The endpoints controller of the embedded cluster: a Service's Endpoints follow the pods its
selector picks, ready ones in `addresses`, the others in `notReadyAddresses`, as kube-controller-
manager keeps them. It reacts to changes only, so a scenario's recorded Endpoints stand until a pod
or Service of theirs changes."""

from __future__ import annotations

from kubetriage.core import resources
from kubetriage.core.types import Obj
from kubetriage.sim.state import ClusterState, WatchChange

POD = resources.known("v1", "Pod")
SERVICE = resources.known("v1", "Service")
ENDPOINTS = resources.known("v1", "Endpoints")
TRIGGER = "endpoints.kubernetes.io/last-change-trigger-time"


def affected(change: WatchChange) -> list[str] | None:
    """The names of the Services whose Endpoints this change may move (None: every Service of
    the namespace), or [] when it moves none."""
    kind = change.resource.kind
    if change.resource.group:
        return []
    if kind == "Service":
        return [change.obj["metadata"]["name"]]
    if kind == "Pod" and _address_view(change.obj) != _address_view(change.old or {}):
        return None
    return []


def sync(state: ClusterState, namespace: str, names: list[str] | None, now: str) -> None:
    """Bring the Endpoints of these Services (or all of the namespace's) in line with their pods."""
    if names is None:
        services = state.list(SERVICE, namespace)
        names = [s["metadata"]["name"] for s in services]
    else:
        services = [state.get(SERVICE, namespace, n) for n in names]
    pods = None
    for name, service in zip(names, services):
        current = state.get(ENDPOINTS, namespace, name)
        if service is None:
            if current is not None:
                state.delete(ENDPOINTS, namespace, name)
            continue
        selector = (service.get("spec") or {}).get("selector")
        if not selector:  # a Service without a selector has Endpoints someone else manages
            continue
        if pods is None:
            pods = state.list(POD, namespace)
        subsets = _subsets(service, [p for p in pods if _selects(selector, p)])
        if current is None:
            state.create({"apiVersion": "v1", "kind": "Endpoints", "metadata": {
                "name": name, "namespace": namespace,
                "labels": dict(service["metadata"].get("labels") or {}),
                "annotations": {TRIGGER: now}}, "subsets": subsets})
        elif (current.get("subsets") or []) != subsets:
            state.patch_merge(ENDPOINTS, namespace, name, {
                "metadata": {"annotations": {TRIGGER: now}}, "subsets": subsets or None})


def _selects(selector: Obj, pod: Obj) -> bool:
    labels = pod["metadata"].get("labels") or {}
    return all(labels.get(k) == v for k, v in selector.items())


def _address_view(pod: Obj) -> tuple:
    """What of a pod its Endpoints show: labels, IP, readiness, node, deletion."""
    meta, status = pod.get("metadata") or {}, pod.get("status") or {}
    return (tuple(sorted((meta.get("labels") or {}).items())), status.get("podIP"),
            _ready(pod), (pod.get("spec") or {}).get("nodeName"),
            meta.get("deletionTimestamp"))


def _ready(pod: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def _subsets(service: Obj, pods: list[Obj]) -> list[Obj]:
    ready, not_ready = [], []
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        ip = (pod.get("status") or {}).get("podIP")
        if not ip or pod["metadata"].get("deletionTimestamp"):
            continue
        address = {"ip": ip, "targetRef": {"kind": "Pod", "namespace": pod["metadata"]["namespace"],
                                          "name": pod["metadata"]["name"],
                                          "uid": pod["metadata"].get("uid", "")}}
        if (pod.get("spec") or {}).get("nodeName"):
            address["nodeName"] = pod["spec"]["nodeName"]
        (ready if _ready(pod) else not_ready).append(address)
    if not ready and not not_ready:
        return []
    subset: Obj = {}
    if ready:
        subset["addresses"] = ready
    if not_ready:
        subset["notReadyAddresses"] = not_ready
    subset["ports"] = [_port(p, pods) for p in (service.get("spec") or {}).get("ports") or []]
    return [subset]


def _port(port: Obj, pods: list[Obj]) -> Obj:
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, str):  # a named port: the number the pods' containers declare
        target = next((cp.get("containerPort") for pod in pods
                       for c in (pod.get("spec") or {}).get("containers") or []
                       for cp in c.get("ports") or [] if cp.get("name") == target),
                      port.get("port"))
    out = {"port": target, "protocol": port.get("protocol", "TCP")}
    if port.get("name"):
        out["name"] = port["name"]
    return out
