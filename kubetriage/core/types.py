"""The shapes every layer names: a cluster object as decoded JSON, and how objects are keyed."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]
"""A Kubernetes object (or any part of one) as decoded JSON: read it defensively."""

Key = tuple[str, str | None, str]
"""(kind, namespace or None for cluster-scoped, name): how the store, snapshot and rows key objects."""

LogRef = tuple[str, str, str, bool]
"""(namespace, pod, container, previous): one container log, or its previous instance's."""
