"""Discovery documents built from the resource table: /version, /api, /apis and the
APIResourceLists kubectl reads to map `kubectl get hr` to a URL.

Only the legacy (unaggregated) form is served: kubectl asks for aggregated discovery first and
falls back to this when the answer's Content-Type is plain application/json.
"""

from __future__ import annotations

from typing import Any

from kubetriage.core import resources
from kubetriage.core.resources import Resource

SERVER_VERSION = (1, 33, 1)

# Verbs of subresources, as a real server lists them.
_SUB_VERBS = {"status": ["get", "patch", "update"], "scale": ["get", "patch", "update"],
              "log": ["get"]}
_SUB_KIND = {"scale": ("autoscaling", "v1", "Scale")}


def version(server: tuple[int, int, int] = SERVER_VERSION) -> dict[str, Any]:
    major, minor, patch = server
    return {"major": str(major), "minor": str(minor), "gitVersion": f"v{major}.{minor}.{patch}",
            "gitCommit": "kubetriage-sim", "gitTreeState": "clean",
            "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.24.0", "compiler": "gc",
            "platform": "linux/amd64"}


def api_versions(address: str) -> dict[str, Any]:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": address}]}


def served_groups(absent: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Group -> versions, less what this server leaves out: a group ("bitnami.com") or one
    version of it ("helm.toolkit.fluxcd.io/v2"), as on a cluster without that controller."""
    out = {}
    for group, versions in resources.groups().items():
        kept = [v for v in versions if group not in absent and f"{group}/{v}" not in absent]
        if kept:
            out[group] = kept
    return out


def _group(name: str, versions: list[str]) -> dict[str, Any]:
    gvs = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": gvs, "preferredVersion": gvs[0]}


def api_group_list(absent: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {"kind": "APIGroupList", "apiVersion": "v1",
            "groups": [_group(g, vs) for g, vs in served_groups(absent).items() if g]}


def api_group(name: str, absent: frozenset[str] = frozenset()) -> dict[str, Any] | None:
    versions = served_groups(absent).get(name)
    if not name or not versions:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group(name, versions)}


def resource_list(group: str, version: str,
                  absent: frozenset[str] = frozenset()) -> dict[str, Any] | None:
    if version not in served_groups(absent).get(group, ()):
        return None
    served = [r for r in resources.RESOURCES if r.group == group and r.version == version]
    if not served:
        return None
    gv = f"{group}/{version}" if group else version
    out: list[dict[str, Any]] = []
    for r in served:
        out.append(_entry(r))
        for sub in r.subresources:
            entry = {"name": f"{r.plural}/{sub}", "singularName": "", "namespaced": r.namespaced,
                     "kind": r.kind, "verbs": _SUB_VERBS.get(sub, ["get"])}
            if sub in _SUB_KIND:
                g, v, kind = _SUB_KIND[sub]
                entry.update(group=g, version=v, kind=kind)
            out.append(entry)
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": out}


def _entry(r: Resource) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": r.plural, "singularName": r.singular,
                             "namespaced": r.namespaced, "kind": r.kind, "verbs": list(r.verbs)}
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    return entry
