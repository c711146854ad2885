"""What the Flux views show, as plain data, laid out as the flux CLI prints it: `flux get sources
all` (NAME REVISION SUSPENDED READY MESSAGE), `flux tree ks` (the objects a Kustomization
applied, and under each HelmRelease the objects of its Helm release), `flux events --for` (one
object's events, a HelmRelease's chart's too) and `flux logs --kind --name` (the controller's
lines about one object). Pure (reads a store-like lookup), no Textual, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import orjson

from kubetriage.core.durations import human_duration, parse_time
from kubetriage.core.types import Obj

SOURCE_KINDS = ("OCIRepository", "Bucket", "GitRepository", "HelmRepository", "HelmChart")
KS_NAME = "kustomize.toolkit.fluxcd.io/name"
KS_NAMESPACE = "kustomize.toolkit.fluxcd.io/namespace"
RELEASE_NAME = "meta.helm.sh/release-name"
RELEASE_NAMESPACE = "meta.helm.sh/release-namespace"
HR_NAME = "helm.toolkit.fluxcd.io/name"
CONTROLLERS = {"HelmRelease": "helm-controller", "Kustomization": "kustomize-controller",
               **{k: "source-controller" for k in SOURCE_KINDS}}
_HEX = re.compile(r"([0-9a-f]{8})[0-9a-f]{8,}")
# what the tree looks for under a release: the kinds a chart's manifest usually holds
RELEASE_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "Service", "ConfigMap",
                 "Secret", "Ingress", "HorizontalPodAutoscaler", "PersistentVolumeClaim")


class Lookup(Protocol):
    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None: ...

    def list(self, kind: str, namespace: str | None = None) -> list[Obj]: ...

    def kinds(self) -> list[str]: ...


def _meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def _ready(obj: Obj) -> Obj:
    return next((c for c in (obj.get("status") or {}).get("conditions") or []
                 if c.get("type") == "Ready"), {})


def ref(obj: Obj) -> str:
    """`Kind/namespace/name` as flux tree names an object (`Kind/name` cluster-wide)."""
    meta = _meta(obj)
    ns = meta.get("namespace")
    return f"{obj.get('kind')}/{ns}/{meta.get('name')}" if ns else \
        f"{obj.get('kind')}/{meta.get('name')}"


@dataclass(frozen=True)
class SourceRow:
    key: tuple[str, str | None, str]
    name: str  # kind/name in lower case, as `flux get sources all`
    namespace: str
    revision: str
    suspended: str  # True/False
    ready: str  # True/False/Unknown
    message: str


def revision(obj: Obj) -> str:
    """The artifact revision, hex shortened to 8 (a HelmChart's keeps its SemVer)."""
    status = obj.get("status") or {}
    text = str((status.get("artifact") or {}).get("revision") or
               status.get("lastAppliedRevision") or "")
    return text if obj.get("kind") == "HelmChart" else _HEX.sub(r"\1", text)


def sources(store: Lookup, namespace: str | None = None) -> list[SourceRow]:
    rows = []
    for kind in SOURCE_KINDS:
        for obj in sorted(store.list(kind, namespace), key=lambda o: (
                _meta(o).get("namespace") or "", _meta(o).get("name") or "")):
            meta, ready = _meta(obj), _ready(obj)
            status = ready.get("status") or "False"
            message = ready.get("message") or ("" if ready else "waiting to be reconciled")
            rows.append(SourceRow((kind, meta.get("namespace"), meta.get("name") or ""),
                                  f"{kind.lower()}/{meta.get('name')}",
                                  meta.get("namespace") or "", revision(obj),
                                  str(bool((obj.get("spec") or {}).get("suspend"))), status,
                                  message))
    return rows


@dataclass
class TreeNode:
    obj_ref: str
    key: tuple[str, str | None, str] | None
    children: list[TreeNode] = field(default_factory=list)


def _release_objects(release: Obj, store: Lookup) -> list[Obj]:
    spec, meta = release.get("spec") or {}, _meta(release)
    name = spec.get("releaseName") or meta.get("name")
    ns = spec.get("targetNamespace") or meta.get("namespace")
    out = []
    for kind in RELEASE_KINDS:
        if kind not in store.kinds():
            continue
        for obj in store.list(kind, ns):
            m = _meta(obj)
            ann, labels = m.get("annotations") or {}, m.get("labels") or {}
            if kind == "Secret" and (obj.get("type") == "helm.sh/release.v1"):
                continue  # Helm's own storage, not the release's manifest
            if ann.get(RELEASE_NAME) == name and ann.get(RELEASE_NAMESPACE, ns) == ns or \
                    labels.get(HR_NAME) == meta.get("name"):
                out.append(obj)
    return sorted(out, key=lambda o: (o.get("kind") or "", _meta(o).get("name") or ""))


def _inventory(ks: Obj, store: Lookup) -> list[Obj]:
    """What a Kustomization applied: status.inventory, else the objects its labels claim."""
    entries = ((ks.get("status") or {}).get("inventory") or {}).get("entries") or []
    out = []
    if entries:
        for entry in entries:  # id: <namespace>_<name>_<group>_<kind>
            parts = str(entry.get("id") or "").split("_")
            if len(parts) >= 4:
                ns, name, kind = parts[0] or None, "_".join(parts[1:-2]), parts[-1]
                obj = store.get(kind, ns, name)
                out.append(obj if obj is not None else {
                    "kind": kind, "metadata": {"name": name, "namespace": ns}})
        return out
    meta = _meta(ks)
    for kind in store.kinds():
        for obj in store.list(kind):
            labels = _meta(obj).get("labels") or {}
            if labels.get(KS_NAME) == meta.get("name") and \
                    labels.get(KS_NAMESPACE, meta.get("namespace")) == meta.get("namespace"):
                out.append(obj)
    return sorted(out, key=lambda o: (o.get("kind") != "Namespace", o.get("kind") or "",
                                      _meta(o).get("namespace") or "",
                                      _meta(o).get("name") or ""))


def tree(obj: Obj, store: Lookup, depth: int = 0) -> TreeNode:
    """`flux tree`: a Kustomization's inventory (child Kustomizations walked into), and under
    each HelmRelease the objects of its Helm release."""
    meta = _meta(obj)
    node = TreeNode(ref(obj), (obj.get("kind") or "", meta.get("namespace"),
                               meta.get("name") or ""))
    if depth > 4:
        return node
    if obj.get("kind") == "Kustomization":
        for child in _inventory(obj, store):
            if child is obj or _meta(child).get("uid") == meta.get("uid") and meta.get("uid"):
                continue
            node.children.append(tree(child, store, depth + 1))
    elif obj.get("kind") == "HelmRelease":
        node.children = [tree(child, store, depth + 1)
                         for child in _release_objects(obj, store)]
    return node


@dataclass(frozen=True)
class EventRow:
    last_seen: str  # kubectl's: 5m, or 2m (x8 over 40m)
    type: str
    reason: str
    object: str  # Kind/name
    namespace: str
    message: str
    at: float


def _last_seen(ev: Obj, now: datetime) -> tuple[str, float]:
    last = parse_time(ev.get("lastTimestamp")) or parse_time(ev.get("eventTime"))
    first = parse_time(ev.get("firstTimestamp")) or last
    count = int(ev.get("count") or 1)
    if last is None:
        return "<unknown>", 0.0
    seen = human_duration(now - last)
    if count > 1 and first is not None:
        seen += f" (x{count} over {human_duration(now - first)})"
    return seen, last.timestamp()


def events_for(obj: Obj, store: Lookup, now: datetime) -> list[EventRow]:
    """`flux events --for Kind/name`: the object's events, and for a HelmRelease its
    HelmChart's, oldest first."""
    meta = _meta(obj)
    wanted = {(obj.get("kind"), meta.get("namespace"), meta.get("name"))}
    chart = str((obj.get("status") or {}).get("helmChart") or "")
    if obj.get("kind") == "HelmRelease" and "/" in chart:
        cns, cname = chart.split("/", 1)
        wanted.add(("HelmChart", cns, cname))
    rows = []
    for ns in {w[1] for w in wanted}:
        for ev in store.list("Event", ns):
            inv = ev.get("involvedObject") or {}
            if (inv.get("kind"), inv.get("namespace") or _meta(ev).get("namespace"),
                    inv.get("name")) not in wanted:
                continue
            seen, at = _last_seen(ev, now)
            rows.append(EventRow(seen, ev.get("type") or "", ev.get("reason") or "",
                                 f"{inv.get('kind')}/{inv.get('name')}",
                                 _meta(ev).get("namespace") or "",
                                 " ".join(str(ev.get("message") or "").split()), at))
    return sorted(rows, key=lambda r: r.at)


def controller_pods(kind: str, store: Lookup, flux_namespace: str = "flux-system") -> list[Obj]:
    """The pods of the controller that reconciles `kind` (by their app label or name)."""
    controller = CONTROLLERS.get(kind)
    if controller is None:
        return []
    return [p for p in store.list("Pod", flux_namespace)
            if (_meta(p).get("labels") or {}).get("app") == controller
            or (_meta(p).get("name") or "").startswith(controller + "-")]


def controller_lines(lines: Iterable[str], kind: str, name: str,
                     namespace: str | None) -> list[str]:
    """`flux logs --kind K --name N -n NS`: the controller's JSON lines about one object, as
    `<time> <level> Kind/name.namespace - <msg> <error>`."""
    out = []
    for line in lines:
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(entry, dict):
            continue
        entry_kind = entry.get("controllerKind") or (entry.get("reconciler kind") or "")
        if str(entry_kind).lower() != kind.lower() or entry.get("name") != name:
            continue
        if namespace and entry.get("namespace") not in (None, namespace):
            continue
        out.append(f"{entry.get('ts', '')} {entry.get('level', '')} {kind}/{name}."
                   f"{entry.get('namespace', '')} - {entry.get('msg', '')} "
                   f"{entry.get('error', '')}".rstrip())
    return out
