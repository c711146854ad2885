"""Label and field selectors, as the API server parses and applies them.

Label selectors: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k` (exists), `!k`.
Field selectors: `path=v`, `path==v`, `path!=v` over the few field paths each kind supports (an
unsupported path is an error, as on a real server). Both raise SelectorError with the message a
real server would put in its 400 answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubetriage.core.types import Obj


class SelectorError(ValueError):
    pass


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!"
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        has = self.key in labels
        if self.op == "exists":
            return has
        if self.op == "!":
            return not has
        if self.op in ("=", "in"):
            return has and labels[self.key] in self.values
        return not has or labels[self.key] not in self.values  # != and notin


_SET_REQ = re.compile(r"^\s*(\S+)\s+(in|notin)\s+\((.*)\)\s*$")
_EQ_REQ = re.compile(r"^\s*([^=!\s]+)\s*(==|!=|=)\s*(\S*)\s*$")
_KEY = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                  r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")


def _split_top(text: str) -> list[str]:
    """Split on commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def parse_labels(text: str | None) -> tuple[Requirement, ...]:
    if not text or not text.strip():
        return ()
    reqs = []
    for part in _split_top(text):
        if m := _SET_REQ.match(part):
            values = tuple(v.strip() for v in m[3].split(",") if v.strip())
            reqs.append(Requirement(_key(m[1], text), m[2], values))
        elif m := _EQ_REQ.match(part):
            reqs.append(Requirement(_key(m[1], text), "!=" if m[2] == "!=" else "=", (m[3],)))
        elif part.strip().startswith("!"):
            reqs.append(Requirement(_key(part.strip()[1:].strip(), text), "!"))
        else:
            reqs.append(Requirement(_key(part.strip(), text), "exists"))
    return tuple(reqs)


def _key(key: str, whole: str) -> str:
    if not _KEY.match(key):
        raise SelectorError(f"unable to parse requirement: invalid label key {key!r} in {whole!r}")
    return key


def labels_match(reqs: tuple[Requirement, ...], obj: Obj) -> bool:
    if not reqs:
        return True
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return all(r.matches(labels) for r in reqs)


# Field paths each kind supports beyond metadata.name and metadata.namespace.
_FIELDS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
    "Event": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
              "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
              "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
    "Secret": ("type",),
    "Node": ("spec.unschedulable",),
    "Namespace": ("status.phase",),
    "ReplicaSet": ("status.replicas",),
    "Job": ("status.successful",),
}


@dataclass(frozen=True)
class FieldRequirement:
    path: str
    negate: bool
    value: str


def parse_fields(text: str | None, kind: str) -> tuple[FieldRequirement, ...]:
    if not text or not text.strip():
        return ()
    allowed = ("metadata.name", "metadata.namespace") + _FIELDS.get(kind, ())
    reqs = []
    for part in _split_escaped(text):
        m = re.match(r"^([^=!]+)(==|!=|=)(.*)$", part)
        if not m:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
        path = m[1].strip()
        if path not in allowed:
            raise SelectorError(f'field label not supported: {path}')
        reqs.append(FieldRequirement(path, m[2] == "!=", _unescape(m[3])))
    return tuple(reqs)


def _split_escaped(text: str) -> list[str]:
    parts, cur, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            cur.append(text[i:i + 2])
            i += 2
            continue
        if text[i] == ",":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(text[i])
        i += 1
    parts.append("".join(cur))
    return [p for p in parts if p]


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def field_value(obj: Obj, path: str) -> str:
    node: Any = obj
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if path == "source" and isinstance(node, dict):  # events: source is "component"
        node = node.get("component")
    if isinstance(node, bool):
        return "true" if node else "false"
    return "" if node is None else str(node)


def fields_match(reqs: tuple[FieldRequirement, ...], obj: Obj) -> bool:
    return all((field_value(obj, r.path) == r.value) != r.negate for r in reqs)


def matcher(label_selector: str | None, field_selector: str | None,
            kind: str) -> Callable[[Obj], bool] | None:
    """A predicate for both selectors, or None when there is nothing to filter."""
    labels = parse_labels(label_selector)
    fields = parse_fields(field_selector, kind)
    if not labels and not fields:
        return None
    return lambda obj: labels_match(labels, obj) and fields_match(fields, obj)
