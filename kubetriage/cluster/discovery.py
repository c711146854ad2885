"""Discovery: which of the kinds kubetriage watches this server offers, and at which version.

A kind is taken at the group's preferred version when that version serves it, else at the first
served version kubetriage knows (HelmRelease v2, then v2beta2). A cluster without Flux or without
Sealed Secrets still works: the kinds it lacks are listed with the reason, for the status bar.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from kubetriage.cluster.connect import Connection
from kubetriage.core.resources import RESOURCES, Resource
from kubetriage.errors import ApiError, UsageError

# The kinds the checks and the dashboard read (kubetriage/core/snapshot.py lists the fields).
WATCHED = ("Namespace", "Node", "Pod", "Service", "Endpoints", "Event", "ConfigMap", "Secret",
           "PersistentVolumeClaim", "ResourceQuota", "LimitRange", "StorageClass", "Deployment",
           "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "HorizontalPodAutoscaler",
           "NetworkPolicy", "Ingress", "HelmRelease", "Kustomization", "GitRepository",
           "HelmRepository", "HelmChart", "OCIRepository", "Bucket", "SealedSecret",
           "Certificate", "CertificateRequest", "Issuer", "ClusterIssuer")

_PRODUCTS = {"helm.toolkit.fluxcd.io": "Flux (helm-controller)",
             "kustomize.toolkit.fluxcd.io": "Flux (kustomize-controller)",
             "source.toolkit.fluxcd.io": "Flux (source-controller)",
             "bitnami.com": "Sealed Secrets", "cert-manager.io": "cert-manager"}


@dataclass
class Discovered:
    resources: dict[str, Resource] = field(default_factory=dict)  # kind -> served Resource
    missing: dict[str, str] = field(default_factory=dict)  # kind -> why it is not watched
    # of those, the kinds the server may serve but whose discovery failed: not "not installed",
    # unseen (what the user cannot see, core/unseen.py)
    failed: set[str] = field(default_factory=set)
    server_version: str = ""


async def discover(conn: Connection, kinds: tuple[str, ...] = WATCHED) -> Discovered:
    """Which kinds the server offers. A server that will not say which groups it serves (403
    on /apis, an answer that is not JSON) is a UsageError naming it."""
    found = Discovered()
    version, groups = await asyncio.gather(_document(conn, "/version"), _document(conn, "/apis"))
    found.server_version = str(version.get("gitVersion", "")) if isinstance(version, dict) else ""
    served: dict[str, tuple[list[str], str]] = {"": (["v1"], "v1")}  # group -> (versions, pref)
    for g in groups.get("groups") or []:
        versions = [v["version"] for v in g.get("versions") or []]
        served[g["name"]] = (versions, (g.get("preferredVersion") or {}).get("version", ""))

    candidates: dict[str, list[Resource]] = {}
    for kind in kinds:
        known = [r for r in RESOURCES if r.kind == kind]
        group = known[0].group
        if group not in served:
            product = _PRODUCTS.get(group)
            found.missing[kind] = (f"{product} is not installed (the server has no {group} API)"
                                   if product else f"the server has no {group} API")
            continue
        versions, preferred = served[group]
        order = sorted((r for r in known if r.version in versions),
                       key=lambda r: (r.version != preferred, not r.preferred))
        if not order:
            found.missing[kind] = (f"{group} is served at {', '.join(versions)}, none of which "
                                   f"kubetriage reads (it knows {', '.join(r.version for r in known)})")
            continue
        candidates[kind] = order

    gvs = sorted({r.group_version for rs in candidates.values() for r in rs})
    listed = await asyncio.gather(*(_resource_list(conn, gv) for gv in gvs))
    plurals = dict(zip(gvs, listed))
    for kind, order in candidates.items():
        for r in order:
            entry = plurals[r.group_version].get(r.plural)
            if isinstance(entry, dict) and {"list", "watch"} <= set(entry.get("verbs") or ()):
                found.resources[kind] = r
                break
        else:
            entries = [plurals[r.group_version].get(r.plural) for r in order]
            why = next((e for e in entries if isinstance(e, str)), None)
            if why:
                found.failed.add(kind)
            found.missing[kind] = why or f"the server does not serve {order[0].plural} " \
                                         f"in {order[0].group or 'core'}/{order[0].version}"
    return found


async def _document(conn: Connection, path: str) -> dict:
    where = f"the API server {conn.server} (context {conn.context!r})"
    try:
        doc = await conn.get_json(path)
    except ApiError as exc:
        raise UsageError(f"{where} refused discovery: GET {path} answered {exc}") from None
    except ValueError:  # orjson's JSONDecodeError
        raise UsageError(f"{where} answered GET {path} with something that is not JSON: "
                         "is it a Kubernetes API server?") from None
    if not isinstance(doc, dict):
        raise UsageError(f"{where} answered GET {path} with a {type(doc).__name__}, not an "
                         "object: is it a Kubernetes API server?")
    return doc


async def _resource_list(conn: Connection, group_version: str) -> dict[str, dict | str]:
    """plural -> its APIResource; when the list cannot be read, plural -> the reason."""
    path = f"/apis/{group_version}" if "/" in group_version else f"/api/{group_version}"
    try:
        doc = await conn.get_json(path)
        if not isinstance(doc, dict):
            raise ValueError(f"a {type(doc).__name__}, not an APIResourceList")
    except (ApiError, ValueError) as exc:
        return {r.plural: f"discovery of {group_version} failed: {exc}" for r in RESOURCES
                if r.group_version == group_version}
    return {r["name"]: r for r in doc.get("resources") or [] if "/" not in r.get("name", "/")}
