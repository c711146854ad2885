"""Which object a request path names: /api/v1/namespaces/NS/pods/NAME/log and the like."""

from __future__ import annotations

from dataclasses import dataclass

from kubetriage.core import resources
from kubetriage.core.resources import Resource
from kubetriage.sim.errors import StatusError


@dataclass(frozen=True)
class PathTarget:
    resource: Resource
    namespace: str | None = None
    name: str | None = None
    subresource: str | None = None
    watch: bool = False  # the deprecated /watch/ path prefix

    @property
    def rbac_resource(self) -> str:
        r = self.resource.plural
        return f"{r}/{self.subresource}" if self.subresource else r


def parse(parts: list[str]) -> PathTarget:
    """The target of a resource path (already split on "/"); raises NotFound for anything else."""
    if parts[0] == "api" and len(parts) >= 3:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[0] == "apis" and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        raise StatusError.path_not_found()
    watch = rest[0] == "watch"
    if watch:
        rest = rest[1:]
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        inner = resources.by_plural(group, version, rest[2])
        if inner is not None and inner.namespaced:
            namespace, rest = rest[1], rest[2:]
    if not rest or len(rest) > 3:
        raise StatusError.path_not_found()
    res = resources.by_plural(group, version, rest[0])
    if res is None:
        raise StatusError.path_not_found()
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else None
    if sub is not None and sub not in res.subresources:
        raise StatusError.path_not_found()
    return PathTarget(res, namespace, name, sub, watch)
