"""Server-side Tables: what a real API server answers to `Accept: application/json;as=Table;...`.

`kubectl get` prints the columns and cells the server sends. Built-in kinds use the API server's
printers (printers.py); custom resources get the apiextensions table convertor: a Name column
plus the CRD's additionalPrinterColumns, `date` columns sent as ages. Kinds with neither fall
back to Name + Age, as a CRD without columns does. Pure: objects in, a Table dict out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from kubetriage.core.durations import human_duration, parse_time
from kubetriage.core.resources import Resource
from kubetriage.sim import jsonpath
from kubetriage.sim.printers import BUILTIN, NAME, Obj, Printer, col

__all__ = ["human_duration", "to_table"]


def to_table(resource: Resource, objects: list[dict], *, now: datetime | None = None,
             include_object: str = "Metadata", resource_version: str = "") -> dict:
    """The meta.k8s.io/v1 Table for `objects` (all of `resource`'s kind).

    include_object is the request's includeObject: "None", "Metadata" (the default, a
    PartialObjectMetadata kubectl reads namespace and name from) or "Object".
    """
    now = now or datetime.now(UTC)
    columns, cells_of = _printer_for(resource)
    rows = []
    for obj in objects:
        row: Obj = {"cells": cells_of(obj, now)}
        if resource.kind == "Pod" and not resource.group:
            phase = obj.get("status", {}).get("phase")
            if phase in _POD_DONE:
                row["conditions"] = [_POD_DONE[phase]]
        row["object"] = _row_object(resource, obj, include_object)
        rows.append(row)
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": resource_version},
            "columnDefinitions": columns, "rows": rows}


# --- rows and objects ---------------------------------------------------------------------------

_POD_DONE = {
    "Succeeded": {"type": "Completed", "status": "True", "reason": "Succeeded",
                  "message": "The pod has completed successfully."},
    "Failed": {"type": "Completed", "status": "True", "reason": "Failed",
               "message": "The pod failed."},
}
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _row_object(resource: Resource, obj: Obj, include: str) -> Obj | None:
    if include == "None":
        return None
    if resource.kind == "Secret" and not resource.group:
        obj = _without_secret_values(obj)
    if include == "Object":
        return {"apiVersion": resource.api_version, "kind": resource.kind, **obj}
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata", {})}


def _without_secret_values(secret: Obj) -> Obj:
    # Unlike a real server, never put a Secret value on the wire in a table: not the data, and
    # not the last-applied annotation that carries a copy of it.
    out = {k: v for k, v in secret.items() if k not in ("data", "stringData")}
    meta = dict(secret.get("metadata", {}))
    if _LAST_APPLIED in meta.get("annotations", {}):
        meta["annotations"] = {k: v for k, v in meta["annotations"].items() if k != _LAST_APPLIED}
    out["metadata"] = meta
    return out


# --- custom resources ---------------------------------------------------------------------------

@cache
def _printer_for(resource: Resource) -> Printer:
    builtin = BUILTIN.get((resource.group, resource.kind))
    if builtin:
        return builtin
    # A CRD without additionalPrinterColumns gets an Age column from the apiextensions server.
    specs = [(c.name, c.json_path, c.type, c.priority) for c in resource.columns] or [
        ("Age", ".metadata.creationTimestamp", "date", 0)]
    columns = [NAME] + [
        col(name, type_, f"Custom resource definition column (in JSONPath format): {path}",
            priority) for name, path, type_, priority in specs]
    paths = [(jsonpath.parse(path), type_) for _, path, type_, _ in specs]

    def cells(obj: Obj, now: datetime) -> list:
        out: list = [(obj.get("metadata") or {}).get("name", "")]
        for steps, type_ in paths:
            found = jsonpath.find(steps, obj)
            # Only simple paths are allowed in CRD columns: the first result is the value.
            out.append(None if not found else _crd_cell(type_, found[0], now))
        return out

    return columns, cells


def _crd_cell(type_: str, value: Any, now: datetime) -> Any:
    """The apiextensions table convertor's cell for one JSONPath result."""
    if type_ == "string":
        return jsonpath.text(value)
    if type_ == "integer" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if type_ == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if type_ == "boolean" and isinstance(value, bool):
        return value
    if type_ == "date" and isinstance(value, str):
        # The server sends a date column as an age: kubectl prints the cell as it comes.
        if value in ("", "null"):
            return "<unknown>"  # a zero time
        t = parse_time(value)
        return human_duration(now - t) if t else "<invalid>"
    return None


