"""The REST verbs on objects: list (with pages), get, create, update, patch, delete, the scale
subresource and SelfSubjectAccessReview. Watch and logs stream, and live beside this."""

from __future__ import annotations

import base64
import itertools
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from kubetriage.core import resources
from kubetriage.core.types import Obj
from kubetriage.sim import encoding, patches, protobuf, selectors
from kubetriage.sim.errors import StatusError
from kubetriage.sim.routes import PathTarget

if TYPE_CHECKING:
    from kubetriage.sim.server import SimServer


PATCH_TYPES = {
    "application/merge-patch+json": "merge",
    "application/json-patch+json": "json",
    "application/strategic-merge-patch+json": "strategic",
}
SNAPSHOTS_KEPT = 64  # paginated lists being read at once; an older continue token gets 410


def flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("true", "1")


def dry_run(request: web.Request, body: Obj | None = None) -> bool:
    return "All" in request.query.getall("dryRun", []) or \
        "All" in ((body or {}).get("dryRun") or [])


def matcher(request: web.Request, target: PathTarget):
    try:
        return selectors.matcher(request.query.get("labelSelector"),
                                 request.query.get("fieldSelector"), target.resource.kind)
    except selectors.SelectorError as exc:
        raise StatusError.bad_request(str(exc)) from None


async def read_json(request: web.Request) -> Any:
    if request.headers.get("Content-Type", "").startswith(protobuf.PROTOBUF):
        raise StatusError.unsupported_media_type(protobuf.PROTOBUF)
    raw = await request.read()
    try:
        return orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError as exc:
        raise StatusError.bad_request(f"the request body is not valid JSON: {exc}") from None


class Lists:
    """Paginated lists: a continue token names a snapshot taken when the first page was served,
    so every page of one list shows the cluster at one resourceVersion."""

    def __init__(self) -> None:
        self._snapshots: OrderedDict[int, tuple[str, list[Obj]]] = OrderedDict()
        self._ids = itertools.count(1)

    def page(self, server: SimServer, request: web.Request, target: PathTarget) -> web.Response:
        q = request.query
        try:
            limit = int(q.get("limit") or 0)
        except ValueError:
            raise StatusError.bad_request(f"limit: invalid value {q.get('limit')!r}") from None
        token = q.get("continue")
        if token:
            snap_id, offset = self._decode(token)
            if snap_id not in self._snapshots:
                raise StatusError.gone("The provided continue parameter is too old to display a "
                                    "consistent list result. You can start a new list without "
                                    "the continue parameter.")
            rv, items = self._snapshots[snap_id]
        else:
            match = matcher(request, target)
            items = server.state.list(target.resource, target.namespace)
            if match is not None:
                items = [o for o in items if match(o)]
            rv, snap_id, offset = server.state.resource_version, None, 0
        end = offset + limit if limit > 0 else len(items)
        page, more = items[offset:end], end < len(items)
        meta: Obj = {"resourceVersion": rv}
        if more:
            if snap_id is None:
                snap_id = next(self._ids)
                self._snapshots[snap_id] = (rv, items)
                while len(self._snapshots) > SNAPSHOTS_KEPT:
                    self._snapshots.popitem(last=False)
            meta["continue"] = self._encode(snap_id, end)
            meta["remainingItemCount"] = len(items) - end
        elif snap_id is not None:
            self._snapshots.pop(snap_id, None)
        res = target.resource
        form = encoding.wanted_form(request.headers.get("Accept"))
        if form == "Table":
            out = encoding.table(res, page, q.get("includeObject"), rv)
            out["metadata"] = meta
            return encoding.respond(out)
        if form == "PartialObjectMetadata":
            return encoding.respond({"kind": "PartialObjectMetadataList",
                                     "apiVersion": "meta.k8s.io/v1", "metadata": meta,
                                     "items": [encoding.partial_metadata(o) for o in page]})
        return encoding.respond({"kind": f"{res.kind}List", "apiVersion": res.api_version,
                                 "metadata": meta,
                                 "items": [encoding.list_item(res, o) for o in page]})

    @staticmethod
    def _encode(snap_id: int, offset: int) -> str:
        return base64.urlsafe_b64encode(orjson.dumps({"s": snap_id, "o": offset})).decode()

    @staticmethod
    def _decode(token: str) -> tuple[int, int]:
        try:
            data = orjson.loads(base64.urlsafe_b64decode(token.encode()))
            return int(data["s"]), int(data["o"])
        except Exception:
            raise StatusError.bad_request(f"invalid continue token {token[:40]!r}") from None


def answer_object(request: web.Request, target: PathTarget, obj: Obj, status: int = 200):
    form = encoding.wanted_form(request.headers.get("Accept"))
    if form == "Table":
        return encoding.respond(encoding.table(target.resource, [obj],
                                               request.query.get("includeObject")), status)
    if form == "PartialObjectMetadata":
        return encoding.respond(encoding.partial_metadata(obj), status)
    return encoding.respond(obj, status)


def get(server: SimServer, request: web.Request, target: PathTarget) -> web.Response:
    name = target.name or ""  # routed here only with a name (else it is a list)
    obj = server.state.get(target.resource, target.namespace, name)
    if obj is None:
        raise StatusError.not_found(target.resource, name)
    if target.subresource == "scale":
        return encoding.respond(_scale(target, obj))
    return answer_object(request, target, obj)


async def create(server: SimServer, request: web.Request, target: PathTarget) -> web.Response:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise StatusError.bad_request("the request body must be a Kubernetes object")
    res = target.resource
    body.setdefault("apiVersion", res.api_version)
    body.setdefault("kind", res.kind)
    if (body["apiVersion"], body["kind"]) != (res.api_version, res.kind):
        raise StatusError.bad_request(f"the API version in the data ({body['apiVersion']}) does not "
                                   f"match the expected API version ({res.api_version})")
    meta = body.setdefault("metadata", {})
    if res.namespaced:
        if meta.get("namespace") and meta["namespace"] != target.namespace:
            raise StatusError.bad_request("the namespace of the provided object does not match "
                                       "the namespace sent on the request")
        meta["namespace"] = target.namespace
    obj = server.state.create(body, dry_run=dry_run(request))
    return answer_object(request, target, obj, 201)


async def update(server: SimServer, request: web.Request, target: PathTarget) -> web.Response:
    body = await read_json(request)
    if not isinstance(body, dict) or not isinstance(body.get("metadata"), dict):
        raise StatusError.bad_request("the request body must be a Kubernetes object")
    res = target.resource
    if target.subresource == "scale":
        replicas = (body.get("spec") or {}).get("replicas")
        return await _set_replicas(server, request, target, replicas)
    if body["metadata"].get("name") != target.name:
        raise StatusError.bad_request(f"the name of the object ({body['metadata'].get('name')}) "
                                   f"does not match the name on the URL ({target.name})")
    body.setdefault("apiVersion", res.api_version)
    body.setdefault("kind", res.kind)
    body["metadata"]["namespace"] = target.namespace
    obj = server.state.update(body, dry_run=dry_run(request), **_status_rule(target))
    return answer_object(request, target, obj)


async def patch(server: SimServer, request: web.Request, target: PathTarget) -> web.Response:
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
    kind = PATCH_TYPES.get(content_type)
    if kind is None or (kind == "strategic" and encoding.is_custom(target.resource)):
        raise StatusError.unsupported_media_type(content_type)
    body = await read_json(request)
    state, res, name = server.state, target.resource, target.name or ""  # a patch names one
    if target.subresource == "scale":
        current = state.get(res, target.namespace, name)
        if current is None:
            raise StatusError.not_found(res, name)
        scale = _scale(target, current)
        scale = (patches.json_patch(scale, body) if kind == "json"
                 else patches.merge(scale, body))
        return await _set_replicas(server, request, target, scale.get("spec", {}).get("replicas"))
    opts = {"dry_run": dry_run(request), **_status_rule(target)}
    if kind == "json":
        obj = state.patch_json(res, target.namespace, name, body, **opts)
    else:
        obj = state.patch_merge(res, target.namespace, name, body,
                                strategic=kind == "strategic", **opts)
    return answer_object(request, target, obj)


async def delete(server: SimServer, request: web.Request, target: PathTarget) -> web.Response:
    body = await read_json(request) or {}
    propagation = request.query.get("propagationPolicy") or body.get("propagationPolicy") \
        or "Background"
    state, res = server.state, target.resource
    if target.name is None:  # deletecollection
        match = matcher(request, target)
        gone = [state.delete(res, o["metadata"].get("namespace"), o["metadata"]["name"],
                             dry_run=dry_run(request, body), propagation=propagation)
                for o in state.list(res, target.namespace) if match is None or match(o)]
        return encoding.respond({"kind": f"{res.kind}List", "apiVersion": res.api_version,
                                 "metadata": {"resourceVersion": state.resource_version},
                                 "items": [encoding.list_item(res, o) for o in gone]})
    pre = body.get("preconditions") or {}
    current = state.get(res, target.namespace, target.name)
    if current is None:
        raise StatusError.not_found(res, target.name)
    for field in ("uid", "resourceVersion"):
        if pre.get(field) and pre[field] != current["metadata"].get(field):
            raise StatusError.conflict(res, target.name)
    grace = _grace_period(request, body, current)
    if server.faults.kubelet_down and grace:
        # no kubelet will confirm the containers stopped: the pod stays, Terminating
        return encoding.respond(state.terminate(res, target.namespace, target.name, grace,
                                                dry_run=dry_run(request, body)))
    obj = state.delete(res, target.namespace, target.name, dry_run=dry_run(request, body),
                       propagation=propagation)
    return encoding.respond(obj)


def _grace_period(request: web.Request, body: Obj, obj: Obj) -> int:
    """The seconds a graceful deletion of `obj` waits for its kubelet, as kube-apiserver's pod
    strategy decides: 0 (deleted at once) for anything but a pod bound to a node and not
    finished; else the request's gracePeriodSeconds, or the pod's own (30 s by default)."""
    if obj.get("kind") != "Pod" or not (obj.get("spec") or {}).get("nodeName") or \
            (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return 0
    asked = body.get("gracePeriodSeconds", request.query.get("gracePeriodSeconds"))
    if asked is None:
        asked = (obj.get("spec") or {}).get("terminationGracePeriodSeconds", 30)
    try:
        return max(int(asked), 0)
    except (TypeError, ValueError):
        raise StatusError.bad_request(f"invalid gracePeriodSeconds: {asked!r}") from None


async def access_review(server: SimServer, request: web.Request) -> web.Response:
    if request.headers.get("Content-Type", "").startswith(protobuf.PROTOBUF):
        try:
            body = protobuf.access_review(await request.read())
        except protobuf.ProtobufError as exc:
            raise StatusError.bad_request(f"cannot read the protobuf body: {exc}") from None
    else:
        body = await read_json(request)
    if not isinstance(body, dict) or not isinstance(body.get("spec"), dict):
        raise StatusError.bad_request("a SelfSubjectAccessReview needs a spec")
    attrs = body["spec"].get("resourceAttributes")
    allowed = True
    if isinstance(attrs, dict):
        plural = attrs.get("resource", "")
        res = next((r for r in resources.RESOURCES if r.plural == plural
                    and r.group == attrs.get("group", "")), None)
        sub = attrs.get("subresource")
        allowed = server.rbac.allowed(
            attrs.get("verb", ""), attrs.get("group", ""), f"{plural}/{sub}" if sub else plural,
            attrs.get("namespace"), forbid_cluster_wide=server.faults.forbid_cluster_wide,
            namespaced=res.namespaced if res else True)
    status: Obj = {"allowed": allowed}  # a real RBAC "no" gives no reason either
    return encoding.respond({"kind": "SelfSubjectAccessReview",
                             "apiVersion": "authorization.k8s.io/v1",
                             "metadata": {"creationTimestamp": None}, "spec": body["spec"],
                             "status": status}, 201)


def _status_rule(target: PathTarget) -> dict[str, bool]:
    """A write to the object keeps its status; a write to /status changes only the status."""
    if target.subresource == "status":
        return {"only_status": True}
    return {"keep_status": "status" in target.resource.subresources}


def _scale(target: PathTarget, obj: Obj) -> Obj:
    meta = obj["metadata"]
    selector = (obj.get("spec") or {}).get("selector", {}).get("matchLabels") or {}
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                              "creationTimestamp") if k in meta},
            "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 1)},
            "status": {"replicas": (obj.get("status") or {}).get("replicas", 0),
                       "selector": ",".join(f"{k}={v}" for k, v in selector.items())}}


async def _set_replicas(server: SimServer, request: web.Request, target: PathTarget,
                        replicas: Any) -> web.Response:
    if not isinstance(replicas, int) or replicas < 0:
        raise StatusError.invalid(target.resource, target.name or "",
                               "spec.replicas: Invalid value: must be a non-negative integer")
    obj = server.state.patch_merge(target.resource, target.namespace, target.name or "",
                                   {"spec": {"replicas": replicas}}, dry_run=dry_run(request))
    return encoding.respond(_scale(target, obj))
