"""A read-only view of the cluster at one moment: what the checks read, and nothing else.

Objects are plain dicts with the Kubernetes field paths, indexed by kind, (kind, namespace, name),
uid, owner uid and namespace; events by kind, namespace and the object they are about only
(nothing looks an event up by its own name, and they are three in four objects). Log excerpts are the last
lines of a container (`previous` = the instance before the last restart). Built from a dump with
`Dump.snapshot()`, from anything else (the live store) with `Snapshot.from_objects`. What the
source could not read (forbidden kinds, logs the server would not give) is in `unseen` (unseen.py).

Secret values never enter: a Secret keeps metadata and type only (its `data`, `stringData` and the
`kubectl.kubernetes.io/last-applied-configuration` annotation, which repeats the data, are dropped).

What the checks read, by kind (a store may keep only these; every object also needs apiVersion,
kind, metadata.name, namespace, uid, ownerReferences[].uid, creationTimestamp):

- Pod: metadata.labels, metadata.annotations (helm/flux release), spec.nodeName,
  spec.containers[] and spec.initContainers[] (name, image, ports[].containerPort,
  livenessProbe/readinessProbe/startupProbe .httpGet.path/.port, .tcpSocket.port),
  status.phase, status.conditions[] (type, status, reason, message),
  status.containerStatuses[] and status.initContainerStatuses[] (name, image, ready,
  restartCount, state.waiting/terminated/running, lastState.terminated: reason, exitCode,
  message); the logs core/logs_read.py names (last lines, current and previous).
- ReplicaSet, StatefulSet, DaemonSet: metadata.labels/annotations, ownerReferences (the walk from
  a pod to its workload and release).
- Deployment: the above plus metadata.annotations `deployment.kubernetes.io/revision` and
  `kubernetes.io/change-cause`.
- Job: metadata.labels/annotations (`helm.sh/hook`, release), status.conditions[],
  status.failed, status.active, status.succeeded.
- Service: spec.selector, spec.type, spec.ports[].port/targetPort.
- Endpoints: subsets[].addresses, subsets[].notReadyAddresses.
- Event: involvedObject (kind, namespace, name, uid, fieldPath), reason, message, type, count,
  series.count, lastTimestamp / eventTime.
- HelmRelease: spec.releaseName, spec.targetNamespace, spec.dependsOn[], spec.values,
  spec.valuesFrom[], spec.suspend, status.conditions[], status.failures,
  status.installFailures, status.upgradeFailures.
- Kustomization: spec.dependsOn[], status.conditions[].
- SealedSecret: spec.template.metadata.name, status.conditions[].
- Secret, ConfigMap: metadata only (existence).
- NetworkPolicy: spec.podSelector, spec.policyTypes, spec.ingress[], spec.egress[].
- HorizontalPodAutoscaler: spec.scaleTargetRef, status.conditions[].
- Node: metadata.name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from kubetriage.core.gcpause import gc_paused
from kubetriage.core.types import Key, LogRef
from kubetriage.core.unseen import Unseen

LOG_TAIL = 200  # lines kept per container log: enough for a cause, bounded for 10k pods

T = TypeVar("T")
_SECRET_DROPPED = ("data", "stringData")
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _without_secret_values(obj: dict[str, Any]) -> dict[str, Any]:
    slim = {k: v for k, v in obj.items() if k not in _SECRET_DROPPED}
    meta = _meta(obj)
    annotations = meta.get("annotations")
    if isinstance(annotations, dict) and _LAST_APPLIED in annotations:
        slim["metadata"] = {**meta, "annotations": {
            k: v for k, v in annotations.items() if k != _LAST_APPLIED}}
    return slim


def _place(obj: Mapping[str, Any]) -> tuple[str, str]:
    meta = obj["metadata"]  # indexed objects all have one, with a name
    ns = meta.get("namespace")
    return ns if isinstance(ns, str) else "", meta["name"]


def _kind_place(obj: Mapping[str, Any]) -> tuple[str, str, str]:
    return (obj["kind"], *_place(obj))


class Snapshot:
    """The cluster at one moment, indexed for the checks. Treat everything in it as read-only."""

    def __init__(self, objects: Iterable[Mapping[str, Any]],
                 logs: Mapping[LogRef, list[str]] | None = None,
                 now: datetime | None = None, unseen: Unseen | None = None) -> None:
        self.now = now or datetime.now(UTC)  # what ages are measured against
        self.unseen = unseen or Unseen()  # what could not be read: absence there proves nothing
        self.by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.by_key: dict[Key, dict[str, Any]] = {}
        self.by_uid: dict[str, dict[str, Any]] = {}
        self.by_owner: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.by_namespace: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
        self.events_by_object: dict[Key, list[dict[str, Any]]] = defaultdict(list)
        self.logs: dict[LogRef, list[str]] = dict(sorted((logs or {}).items()))
        self._derived: dict[str, Any] = {}
        with gc_paused():  # indexing 40k objects: the collector would rescan them all
            self._index(objects)
            self._canonical_order()

    def _index(self, objects: Iterable[Mapping[str, Any]]) -> None:
        # one pass, helpers inlined: at 10k pods and 30k events this loop is the snapshot's cost
        by_kind, by_key, by_ns = self.by_kind, self.by_key, self.by_namespace
        by_uid, by_owner, about_index = self.by_uid, self.by_owner, self.events_by_object
        for obj in objects:
            if not isinstance(obj, dict):
                continue
            kind, meta = obj.get("kind"), obj.get("metadata")
            if not kind or not isinstance(kind, str) or not isinstance(meta, dict):
                continue
            name = meta.get("name")
            if not name or not isinstance(name, str):
                continue
            if kind == "Secret":
                obj = _without_secret_values(obj)
            namespace = meta.get("namespace") or None
            if namespace is not None and not isinstance(namespace, str):
                namespace = None
            by_kind[kind].append(obj)
            by_ns[namespace].append(obj)
            if kind == "Event":  # three in four objects: indexed only by what they are about
                about = obj.get("involvedObject") or obj.get("regarding")
                if isinstance(about, dict):
                    about_kind, about_name = about.get("kind"), about.get("name")
                    if about_kind and about_name and isinstance(about_kind, str) \
                            and isinstance(about_name, str):
                        about_ns = about.get("namespace") or None
                        about_index[(about_kind, about_ns if isinstance(about_ns, str) else None,
                                     about_name)].append(obj)
                continue
            by_key[(kind, namespace, name)] = obj
            uid = meta.get("uid")
            if uid and isinstance(uid, str):
                by_uid[uid] = obj
            owners = meta.get("ownerReferences")
            if owners and isinstance(owners, list):
                for ref in owners:
                    if isinstance(ref, dict) and _str(ref.get("uid")):
                        by_owner[ref["uid"]].append(obj)

    def _canonical_order(self) -> None:
        """Each kind in the order the API server lists it (namespace, then name), whatever order
        the objects came in: a dump's files, a store's arrivals and a watch's replacements then
        give the checks the same lists, so the same findings word for word (which pod is named
        first). Events, three in four objects and read per object only, are not sorted here:
        owned_by and events_for order the few they return (30k events: 60 ms saved a round)."""
        for kind, objs in self.by_kind.items():
            if kind != "Event":
                objs.sort(key=_place)

    @classmethod
    def from_objects(cls, objects: Iterable[Mapping[str, Any]],
                     logs: Mapping[LogRef, list[str]] | None = None,
                     now: datetime | None = None, unseen: Unseen | None = None) -> Snapshot:
        return cls(objects, logs, now, unseen)


    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return self.by_kind.get(kind, [])

    def derived(self, key: str, build: Callable[[Snapshot], T]) -> T:
        """An index several checks share (every container with its status, say), built once on
        first use: at 10k pods, each check walking every pod again costs more than the load."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]

    def in_namespace(self, kind: str, namespace: str | None) -> list[dict[str, Any]]:
        """The objects of one kind in one namespace, in snapshot order: grouped once per kind on
        first use, so a check asking per namespace does not filter every event there again."""
        def group(snap: Snapshot) -> dict[str | None, list[dict[str, Any]]]:
            groups: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
            for obj in snap.of_kind(kind):
                groups[_str(_meta(obj).get("namespace"))].append(obj)
            return groups
        return self.derived(f"in-namespace:{kind}", group).get(namespace, [])

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any] | None:
        return self.by_key.get((kind, namespace, name))

    def has_kind(self, kind: str) -> bool:
        """Whether the snapshot holds any object of this kind: without it, absence proves nothing."""
        return bool(self.by_kind.get(kind))

    def owned_by(self, uid: str) -> list[dict[str, Any]]:
        """The objects an owner owns, by kind, namespace and name (see _canonical_order)."""
        return sorted(self.by_owner.get(uid, []), key=_kind_place)

    def events_for(self, kind: str, namespace: str | None, name: str,
                   uid: str | None = None) -> list[dict[str, Any]]:
        """Events about this very object: same kind, not just the same name; same uid if known.
        By name, as the API lists them (see _canonical_order)."""
        events = self.events_by_object.get((kind, namespace, name), [])
        if uid:
            events = [e for e in events
                      if _str((e.get("involvedObject") or e.get("regarding") or {}).get("uid"))
                      in (None, uid)]
        return sorted(events, key=_place)

    def log(self, namespace: str, pod: str, container: str, previous: bool = False) -> list[str]:
        return self.logs.get((namespace, pod, container, previous), [])

    def restricted_to(self, namespace: str) -> Snapshot:
        """Only this namespace's objects and the cluster-scoped ones (nodes), as `-n` means."""
        objects = [o for ns in (namespace, None) for o in self.by_namespace.get(ns, [])]
        logs = {k: v for k, v in self.logs.items() if k[0] == namespace}
        return Snapshot(objects, logs, self.now, self.unseen.restricted_to(namespace))
