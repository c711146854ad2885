"""What the store keeps of each object: the fields the checks and the UI read, nothing else.

Decided by kubetriage/core/snapshot.py's list of what the checks read, plus the dashboard's
columns (pod status as kubectl prints it, release chart/version/revision/suspend, event counts and
times). Pods and events are most of a cluster, so they keep a projection, given as a shape; the
other kinds are few and keep everything but managedFields and the last-applied annotation.
Secrets keep metadata and type only: Helm release secrets (`sh.helm.release.v1.*`, the history)
are fetched on demand from the server, never held. Repeated short strings (namespaces, node
names, condition types, reasons) are interned, and the parts that pods of one template have in
common (containers, volumes, labels, owner) are built once and shared: kept objects are
read-only, so sharing is safe.

A page of pods or events is decoded straight into its shape (`decode_list`): msgspec builds only
the fields the shape names and skips the rest unbuilt, three times faster than decoding whole
objects and then picking (a 10,000-pod list: 0.7 -> 0.4 s, 30,000 events: 0.4 -> 0.15 s).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from hashlib import blake2b
from typing import Any, TypedDict, Union

import msgspec
import orjson

from kubetriage.core.types import Obj

# a shape: each kept key maps to None (kept whole), to the shape of what is kept of its value,
# or to [shape] for a list of such values
Shape = dict[str, Union["Shape", list["Shape"], None]]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_intern = sys.intern
_SHARED_MAX = 8192  # distinct templates remembered; past it the cache starts again
_DIGEST_OVER = 128  # bytes of JSON past which a shared value is remembered by its digest
_shared: dict[bytes, Any] = {}
_flat: dict[tuple, Any] = {}  # _share_flat's kept dicts, by their items
_MESSAGE_SHARED_MAX = 4096  # event messages up to this long are interned
# an object's events are named after it (`<object>.<id>`) and listed by name, so they share an
# involvedObject with the few just before them: a short memory keeps that (8192 keys: 2.7 MB)
_FLAT_MAX = 512
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
# an event's own uid is read by nothing (events are found by what they are about): 300,000 of
# them at 100k pods were 25 MB
_EVENT_META_KEYS = ("name", "namespace", "resourceVersion", "creationTimestamp",
                    "deletionTimestamp")
_INVOLVED_KEYS = ("kind", "namespace", "name", "uid", "apiVersion", "fieldPath")

_CONTAINER: Shape = dict.fromkeys(_CONTAINER_KEYS)
_CONTAINER_STATUS: Shape = dict.fromkeys(_STATUS_KEYS)
POD_SHAPE: Shape = {
    "metadata": dict.fromkeys(_META_KEYS),
    "spec": {**dict.fromkeys(_POD_SPEC_KEYS), "containers": [_CONTAINER],
             "initContainers": [_CONTAINER], "volumes": None},
    "status": {**dict.fromkeys(_POD_STATUS_KEYS), "conditions": [dict.fromkeys(_CONDITION_KEYS)],
               "containerStatuses": [_CONTAINER_STATUS],
               "initContainerStatuses": [_CONTAINER_STATUS]},
}
EVENT_SHAPE: Shape = {**dict.fromkeys(_EVENT_KEYS), "metadata": dict.fromkeys(_EVENT_META_KEYS),
                      "involvedObject": dict.fromkeys(_INVOLVED_KEYS),
                      "source": dict.fromkeys(("component", "host"))}
# strings repeated across many objects, interned where the shapes keep them
_POD_STATUS_SHARED = ("phase", "reason", "hostIP", "startTime", "qosClass")
_CONDITION_SHARED = ("type", "status", "reason", "lastTransitionTime")
_EVENT_SHARED = ("type", "reason", "firstTimestamp", "lastTimestamp", "reportingComponent",
                 "action")
_INVOLVED_SHARED = ("kind", "namespace", "apiVersion", "fieldPath", "name")


def slim(obj: Obj) -> Obj:
    """The kept form of an API object (a new dict; the argument is not modified)."""
    kind = obj.get("kind")
    if kind in _SHAPED:
        shape, finish = _SHAPED[kind]
        return finish(_prune(obj, shape), obj.get("apiVersion", "v1"))
    out = {k: v for k, v in obj.items() if k != "metadata"}
    if kind == "Secret":
        out.pop("data", None)
        out.pop("stringData", None)
    out["metadata"] = _meta(obj.get("metadata") or {})
    return out


def decode_list(body: bytes, kind: str, api_version: str) -> tuple[list[Obj], Obj] | None:
    """A list page of pods or events decoded straight into kept objects, and the list's
    metadata; None for other kinds, or a page that does not fit the shape (a null where an
    object belongs): decode it whole and slim each item then."""
    if kind not in _DECODERS:
        return None
    try:
        page = _DECODERS[kind].decode(body)
    except msgspec.DecodeError:
        return None
    finish = _SHAPED[kind][1]
    items = [finish(obj, api_version) for obj in page.get("items") or ()]
    meta = page.get("metadata")
    return items, meta if isinstance(meta, dict) else {}


def decode_object(raw: bytes | memoryview, kind: str, api_version: str) -> Obj | None:
    """One pod or event (JSON) decoded straight into its kept form; None for other kinds, or an
    object that does not fit the shape: decode it whole and slim it then."""
    obj = _decoded(_ITEM_DECODERS, kind, raw)
    return _SHAPED[kind][1](obj, api_version) if obj is not None else None


def decode_item(raw: bytes | memoryview, kind: str, default_kind: str | None,
                default_version: str | None) -> Obj | None:
    """A dump List's item decoded straight into its kept form in one reading, if it is a pod or
    an event of `kind` (its own kind and apiVersion, else the List's defaults); None otherwise:
    read its kind and then the item (decode_object, or whole)."""
    obj = _decoded(_DUMP_ITEM_DECODERS, kind, raw)
    if obj is None:
        return None
    version = obj.pop("apiVersion", None) or default_version
    if (obj.pop("kind", None) or default_kind) != kind or not isinstance(version, str):
        return None
    return _SHAPED[kind][1](obj, version)


def _decoded(decoders: dict[str, Any], kind: str, raw: bytes | memoryview) -> dict | None:
    """raw decoded by the kind's decoder into a dict; None when it has none or it does not fit."""
    decoder = decoders.get(kind)
    if decoder is None:
        return None
    try:
        obj = decoder.decode(raw)
    except msgspec.DecodeError:
        return None
    return obj if type(obj) is dict else None


def _prune(obj: Any, shape: Shape) -> Obj:
    """What the shape keeps of a decoded object: the same as decode_list's decoder builds."""
    if type(obj) is not dict:
        return {}
    out = {}
    for key, sub in shape.items():
        if key in obj:
            value = obj[key]
            if sub is not None and value is not None:
                value = ([_prune(v, sub[0]) for v in value] if isinstance(sub, list)
                         else _prune(value, sub))
            out[key] = value
    return out


def _typed(name: str, shape: Shape) -> type:
    """The shape as a TypedDict: msgspec decodes its fields and skips any other."""
    fields: dict[str, Any] = {}
    for key, sub in shape.items():
        inner = f"{name}_{key}"
        if sub is None:
            fields[key] = Any
        elif isinstance(sub, list):
            fields[key] = list[_typed(inner, sub[0])] | None  # type: ignore[misc]
        else:
            fields[key] = _typed(inner, sub) | None
    return TypedDict(name, fields, total=False)  # type: ignore[operator]


def _v(value: Any) -> Any:
    """Interned when a short string: repeated values cost one copy across the store."""
    return _intern(value) if type(value) is str and len(value) <= 64 else value


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
    """build(value), or the identical result built for an equal value before. A long value is
    remembered by a digest of its JSON, not the JSON itself (a pod's containers: ~4 KB each,
    20 MB of keys at 10k pods)."""
    key = orjson.dumps(value)
    if len(key) > _DIGEST_OVER:
        key = blake2b(key, digest_size=16).digest()
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


def _volumes(volumes: list[Obj]) -> list[Obj]:
    # the projected service-account token volume is in every pod, named per pod, read by nothing
    return [v for v in volumes if "projected" not in v]


def _intern_in(obj: Obj, keys: tuple[str, ...]) -> None:
    for key in keys:
        value = obj.get(key)
        if type(value) is str and len(value) <= 64:
            obj[key] = _intern(value)


def _pod(pod: Obj, api_version: str) -> Obj:
    """A pod pruned to POD_SHAPE, finished: its shared parts shared, its status interned."""
    spec = {}
    for key, value in (pod.get("spec") or {}).items():
        if key in ("containers", "initContainers"):
            if value:  # pruned of volumeMounts, which name the pod's own token volume
                spec[key] = _share(value, _deep)
        elif key == "volumes":
            if value:
                spec[key] = _share(_volumes(value), _deep)
        elif value is not None:
            spec[key] = _v(value) if type(value) is str else _share(value, _deep)
    status = pod.get("status") or {}
    _intern_in(status, _POD_STATUS_SHARED)
    for key in ("conditions", "containerStatuses", "initContainerStatuses"):
        if not status.get(key):
            status.pop(key, None)
    for condition in status.get("conditions", ()):
        _intern_in(condition, _CONDITION_SHARED)
    return {"apiVersion": api_version, "kind": "Pod",
            "metadata": _meta(pod.get("metadata") or {}), "spec": spec, "status": status}


def _event(event: Obj, api_version: str) -> Obj:
    """An event pruned to EVENT_SHAPE, finished: the parts events have in common shared (an
    object has several events, a failure the same message for many objects)."""
    event["apiVersion"] = api_version
    event["kind"] = "Event"
    _intern_in(event, _EVENT_SHARED)
    message = event.get("message")
    if type(message) is str and len(message) <= _MESSAGE_SHARED_MAX:
        event["message"] = _intern(message)
    meta = event["metadata"] = event.get("metadata") or {}
    _intern_in(meta, ("namespace", "creationTimestamp"))
    if involved := event.get("involvedObject"):
        event["involvedObject"] = _share_flat(involved, _INVOLVED_SHARED)
    else:
        event.pop("involvedObject", None)
    if source := event.get("source"):
        event["source"] = _share_flat(source, ("component", "host"))
    return event


def _share_flat(value: Any, interned: tuple[str, ...]) -> Any:
    """A flat dict of strings (an event's involvedObject or source) as the identical one kept
    before, its short strings interned; looked up by its items, which cost less than JSON."""
    if type(value) is not dict:
        return value
    try:
        key = tuple(value.items())
        found = _flat.get(key)
    except TypeError:  # an unhashable value: a malformed object, kept as it is
        return value
    if found is None:
        if len(_flat) >= _FLAT_MAX:
            _flat.clear()
        _intern_in(value, interned)
        found = _flat[key] = value
    return found


_SHAPED: dict[str, tuple[Shape, Callable[[Obj, str], Obj]]] = {
    "Pod": (POD_SHAPE, _pod), "Event": (EVENT_SHAPE, _event)}


def _decoder(kind: str, shape: Shape) -> msgspec.json.Decoder:
    items = list[_typed(kind, shape)] | None  # type: ignore[misc]
    page = TypedDict(f"{kind}List", {"metadata": Any, "items": items}, total=False)  # type: ignore  # noqa: UP013 (its item type is made at run time)
    return msgspec.json.Decoder(page)


_DECODERS = {kind: _decoder(kind, shape) for kind, (shape, _) in _SHAPED.items()}
_ITEM_DECODERS = {kind: msgspec.json.Decoder(_typed(kind, shape))
                  for kind, (shape, _) in _SHAPED.items()}
# a dump List's item, which says its kind and version
_DUMP_ITEM_DECODERS = {kind: msgspec.json.Decoder(
    _typed(f"Dump{kind}", {**shape, "kind": None, "apiVersion": None}))
    for kind, (shape, _) in _SHAPED.items()}
