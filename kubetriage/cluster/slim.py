"""What the store keeps of each object: the fields the checks and the UI read, nothing else.

Decided by kubetriage/cluster/snapshot.py's list of what the checks read, plus the dashboard's
columns (pod status as kubectl prints it, release chart/version/revision/suspend, event counts and
times). Pods and events are most of a cluster, so they keep a projection; the other kinds are
few and keep everything but managedFields and the last-applied annotation. Secrets keep metadata
and type only: Helm release secrets (`sh.helm.release.v1.*`, the history) are fetched on demand
from the server, never held. Short repeated strings (node names, images, condition types,
label values) are interned, and the parts that pods of one template have in common (containers,
volumes, labels, owner) are built once and shared: kept objects are read-only, so sharing is safe.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

import orjson

Obj = dict[str, Any]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_intern = sys.intern
_SHARED_MAX = 8192  # distinct templates remembered; past it the cache starts again
_shared: dict[bytes, Any] = {}
_META_KEYS = ("name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
              "deletionTimestamp", "labels", "annotations", "ownerReferences")
_CONTAINER_KEYS = ("name", "image", "ports", "env", "envFrom", "livenessProbe", "readinessProbe",
                   "startupProbe", "securityContext", "resources", "command", "args")
_POD_SPEC_KEYS = ("nodeName", "nodeSelector", "securityContext", "serviceAccountName",
                  "restartPolicy", "priorityClassName")
_POD_STATUS_KEYS = ("phase", "reason", "message", "hostIP", "podIP", "startTime",
                    "nominatedNodeName", "qosClass")
_CONDITION_KEYS = ("type", "status", "reason", "message", "lastTransitionTime")
_STATUS_KEYS = ("name", "image", "ready", "started", "restartCount", "state", "lastState")
_EVENT_KEYS = ("type", "reason", "message", "count", "series", "firstTimestamp",
               "lastTimestamp", "eventTime", "source", "reportingComponent", "action", "note",
               "regarding")
_INVOLVED_KEYS = ("kind", "namespace", "name", "uid", "apiVersion", "fieldPath")


def slim(obj: Obj) -> Obj:
    """The kept form of an API object (a new dict; the argument is not modified)."""
    kind = obj.get("kind")
    if kind == "Pod":
        return _pod(obj)
    if kind == "Event":
        return _event(obj)
    out = {k: v for k, v in obj.items() if k != "metadata"}
    if kind == "Secret":
        out.pop("data", None)
        out.pop("stringData", None)
    out["metadata"] = _meta(obj.get("metadata") or {})
    return out


def _v(value: Any) -> Any:
    """Interned when a short string: repeated values cost one copy across the store."""
    return _intern(value) if type(value) is str and len(value) <= 64 else value


def _pick(src: Any, keys: tuple[str, ...]) -> Obj:
    return {k: _deep(src[k]) for k in keys if k in src} if type(src) is dict else {}


def _deep(value: Any) -> Any:
    """A copy with short strings interned (dict keys are interned by the parser already)."""
    t = type(value)
    if t is str:
        return _intern(value) if len(value) <= 64 else value
    if t is dict:
        return {_v(k): _deep(v) for k, v in value.items()}
    if t is list:
        return [_deep(v) for v in value]
    return value


def _share(value: Any, build: Callable[[Any], Any]) -> Any:
    """build(value), or the identical result built for an equal value before."""
    key = orjson.dumps(value)
    found = _shared.get(key)
    if found is None:
        if len(_shared) >= _SHARED_MAX:
            _shared.clear()
        found = _shared[key] = build(value)
    return found


def _annotations(annotations: Obj) -> Obj:
    return {_v(k): _v(v) for k, v in annotations.items() if k != LAST_APPLIED}


def _meta(meta: Obj) -> Obj:
    out = {}
    for key in _META_KEYS:
        value = meta.get(key)
        if value is None:
            continue
        if key == "annotations":
            value = _share(value, _annotations)
        elif key in ("labels", "ownerReferences"):
            value = _share(value, _deep)
        elif type(value) is str and len(value) <= 64:
            value = _intern(value)
        out[key] = value
    return out


def _shallow(containers: list[Obj]) -> list[Obj]:
    return [{k: c[k] for k in _CONTAINER_KEYS if k in c} for c in containers]


def _volumes(volumes: list[Obj]) -> list[Obj]:
    # the projected service-account token volume is in every pod, named per pod, read by nothing
    return [v for v in volumes if "projected" not in v]


def _pod(obj: Obj) -> Obj:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    out_spec = {}
    for key in _POD_SPEC_KEYS:
        value = spec.get(key)
        if value is not None:
            out_spec[key] = _v(value) if type(value) is str else _share(value, _deep)
    for key in ("containers", "initContainers"):
        if spec.get(key):
            # keyed on the kept fields only: volumeMounts name the pod's own token volume
            out_spec[key] = _share(_shallow(spec[key]), _deep)
    if spec.get("volumes"):
        out_spec["volumes"] = _share(_volumes(spec["volumes"]), _deep)
    out_status = _pick(status, _POD_STATUS_KEYS)
    if status.get("conditions"):
        out_status["conditions"] = [_pick(c, _CONDITION_KEYS) for c in status["conditions"]]
    for key in ("containerStatuses", "initContainerStatuses"):
        if status.get(key):
            out_status[key] = [_pick(c, _STATUS_KEYS) for c in status[key]]
    return {"apiVersion": obj.get("apiVersion", "v1"), "kind": "Pod",
            "metadata": _meta(obj.get("metadata") or {}), "spec": out_spec, "status": out_status}


def _event(obj: Obj) -> Obj:
    out = _pick(obj, _EVENT_KEYS)
    out["apiVersion"] = obj.get("apiVersion", "v1")
    out["kind"] = "Event"
    meta = obj.get("metadata") or {}
    out["metadata"] = _pick(meta, ("name", "namespace", "uid", "resourceVersion",
                                   "creationTimestamp", "deletionTimestamp"))
    if obj.get("involvedObject"):
        out["involvedObject"] = _pick(obj["involvedObject"], _INVOLVED_KEYS)
    return out
