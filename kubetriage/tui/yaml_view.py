"""Any object as YAML for reading, with Secret values masked: the keys show, the values never.
Pure (no Textual): the YAML screen highlights what this returns."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from kubetriage.core.text import clean

MASK = "••••"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"  # may hold a Secret's data


def masked(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy without managedFields, with every value of a Secret's data and stringData (and
    the last-applied annotation that can repeat them) replaced by MASK."""
    out = copy.deepcopy(obj)
    meta = out.get("metadata") or {}
    meta.pop("managedFields", None)
    if out.get("kind") == "Secret":
        for field in ("data", "stringData"):
            if isinstance(out.get(field), dict):
                out[field] = {k: MASK for k in out[field]}
        annotations = meta.get("annotations") or {}
        if LAST_APPLIED in annotations:
            annotations[LAST_APPLIED] = MASK
    return out


def to_yaml(obj: dict[str, Any]) -> str:
    """The object as YAML (kubectl's key order: apiVersion, kind, metadata, spec, status, rest),
    every line cleaned of control and bidi characters."""
    data = masked(obj)
    order = ["apiVersion", "kind", "metadata", "spec", "status"]
    ordered = {k: data[k] for k in order if k in data}
    ordered.update((k, v) for k, v in data.items() if k not in ordered)
    text = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=1000)
    return "\n".join(clean(line) for line in text.splitlines()) + "\n"
