"""How answers go on the wire: JSON via orjson, Tables and PartialObjectMetadata by Accept header,
list items as a real server writes them."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from kubetriage.core.resources import Resource
from kubetriage.core.types import Obj
from kubetriage.sim.errors import StatusError

JSON = "application/json"


def respond(obj: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(obj), status=status, content_type=JSON)


def error(exc: StatusError) -> web.Response:
    return respond(exc.status(), exc.code)


def wanted_form(accept: str | None) -> str:
    """"Table", "PartialObjectMetadata" or "" (the object itself), from the Accept header's
    first meta.k8s.io/v1 clause a client offers."""
    for clause in (accept or "").split(","):
        params = [p.strip() for p in clause.split(";")]
        opts = dict(p.split("=", 1) for p in params[1:] if "=" in p)
        if params[0] in (JSON, "*/*") and opts.get("g") == "meta.k8s.io" \
                and opts.get("v") == "v1":
            kind = opts.get("as", "")
            if kind == "Table":
                return "Table"
            if kind in ("PartialObjectMetadata", "PartialObjectMetadataList"):
                return "PartialObjectMetadata"
        elif params[0] in (JSON, "*/*") and "as" not in opts:
            return ""
    return ""


def is_custom(resource: Resource) -> bool:
    """A custom resource (its CRD gives printer columns): list items keep kind and apiVersion."""
    return bool(resource.columns)


def list_item(resource: Resource, obj: Obj) -> Obj:
    if is_custom(resource):
        return obj
    return {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}


def partial_metadata(obj: Obj) -> Obj:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata", {})}


def table(resource: Resource, objects: list[Obj], include_object: str | None,
          resource_version: str = "") -> Obj:
    from kubetriage.sim.tables import to_table  # written beside this, imported when used
    return to_table(resource, objects, include_object=include_object or "Metadata",
                    resource_version=resource_version)
