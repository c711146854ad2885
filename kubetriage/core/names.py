"""The names the API server accepts, per kind (apimachinery's validation): a name that breaks
them came from a dump or a server that does not validate, and is never acted on or written as a
file name. Checked on the length first, so the patterns only ever see short text."""

from __future__ import annotations

import re

_LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
DNS1123_LABEL = re.compile(_LABEL)  # 63 at most: namespaces, container names
DNS1123_SUBDOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")  # 253 at most: most objects
DNS1035_LABEL = re.compile("[a-z](?:[-a-z0-9]*[a-z0-9])?")  # 63 at most: Services

_RULES = {
    "label": (DNS1123_LABEL, 63, "lowercase letters, digits and '-', starting and ending with "
                                 "a letter or digit, at most 63"),
    "subdomain": (DNS1123_SUBDOMAIN, 253, "lowercase letters, digits, '-' and '.', starting "
                                          "and ending with a letter or digit, at most 253"),
    "dns1035": (DNS1035_LABEL, 63, "lowercase letters, digits and '-', starting with a letter "
                                   "and ending with a letter or digit, at most 63"),
}
_BY_KIND = {"Namespace": "label", "Service": "dns1035", "container": "label"}


def name_problem(kind: str, name: str) -> str | None:
    """Why `name` is not a valid name for an object of `kind` (or "container"), or None."""
    pattern, limit, rule = _RULES[_BY_KIND.get(kind, "subdomain")]
    if not name or len(name) > limit or not pattern.fullmatch(name):
        return f"{name!r} is not a valid Kubernetes name for a {kind} ({rule})"
    return None


def target_problem(kind: str, namespace: str | None, name: str) -> str | None:
    """name_problem for an object and its namespace."""
    if namespace is not None and (problem := name_problem("Namespace", namespace)):
        return problem
    return name_problem(kind, name)
