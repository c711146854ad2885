"""Builders for fixture objects: small dicts with the Kubernetes field paths the checks read."""

from __future__ import annotations

from typing import Any

from kubetriage.core.snapshot import Snapshot


def pod(name: str, ns: str = "app", *, waiting: str | None = None, message: str = "",
        restarts: int = 0, ready: bool | None = None, last: dict | None = None,
        owner: tuple[str, str, str] | None = None, node: str = "node-a",
        image: str = "reg.example:5000/app:1", container: str = "app", running: bool = False,
        phase: str = "Running", labels: dict | None = None, spec: dict | None = None,
        init: bool = False, conditions: list | None = None) -> dict[str, Any]:
    state = {"waiting": {"reason": waiting, "message": message}} if waiting else \
        {"running": {"startedAt": "2025-01-01T00:00:00Z"}} if running or ready else {}
    status = {"name": container, "image": image, "ready": bool(ready), "restartCount": restarts,
              "state": state, "lastState": {"terminated": last} if last else {}}
    meta: dict[str, Any] = {"name": name, "namespace": ns, "uid": f"uid-{name}",
                            "labels": labels or {},
                            "creationTimestamp": "2025-01-01T00:00:00Z"}
    if owner:
        meta["ownerReferences"] = [{"kind": owner[0], "name": owner[1], "uid": owner[2],
                                    "controller": True}]
    containers = [{"name": container, "image": image, **(spec or {})}]
    field = "initContainerStatuses" if init else "containerStatuses"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"nodeName": node, "initContainers" if init else "containers": containers},
            "status": {"phase": phase, field: [status],
                       "conditions": conditions or [{"type": "Ready",
                                                     "status": "True" if ready else "False"}]}}


def event(about: dict, reason: str, message: str, *, count: int = 1, type_: str = "Warning",
          field_path: str = "") -> dict[str, Any]:
    meta = about["metadata"]
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{meta['name']}.{reason}.{count}",
                         "namespace": meta.get("namespace")},
            "involvedObject": {"kind": about["kind"], "name": meta["name"],
                               "namespace": meta.get("namespace"), "uid": meta.get("uid"),
                               "fieldPath": field_path},
            "reason": reason, "message": message, "type": type_, "count": count,
            "lastTimestamp": "2025-01-01T00:00:00Z"}


def helmrelease(name: str, ns: str = "app", *, ready: str = "True", reason: str = "",
                message: str = "", depends_on: list | None = None, values: dict | None = None
                ) -> dict[str, Any]:
    return {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-hr-{name}"},
            "spec": {"dependsOn": depends_on or [], "values": values or {}},
            "status": {"conditions": [{"type": "Ready", "status": ready, "reason": reason,
                                       "message": message}]}}


def owned(kind: str, name: str, ns: str = "app", *, owner: tuple[str, str, str] | None = None,
          release: str | None = None, annotations: dict | None = None, **rest: Any
          ) -> dict[str, Any]:
    """A workload object (Deployment, ReplicaSet, Job) with the labels helm-controller sets."""
    meta: dict[str, Any] = {"name": name, "namespace": ns, "uid": f"uid-{name}",
                            "labels": {}, "annotations": dict(annotations or {})}
    if release:
        meta["labels"].update({"helm.toolkit.fluxcd.io/name": release,
                               "helm.toolkit.fluxcd.io/namespace": ns})
    if owner:
        meta["ownerReferences"] = [{"kind": owner[0], "name": owner[1], "uid": owner[2],
                                    "controller": True}]
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta, **rest}


def run(module, *objects, logs=None):
    return list(module.check(Snapshot.from_objects(objects, logs or {})))
