"""The embedded server's object store: objects, resourceVersions, the watch window, and the pod logs
(held in podlogs.py's PodLogs).

Every method is synchronous and runs on the server's loop. A stored object is never mutated: a
change stores a new dict, so watch events and list snapshots can hold references safely.
"""

from __future__ import annotations

import asyncio
import copy
import random
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson

from kubetriage.cluster.dump import LogKey
from kubetriage.core import resources
from kubetriage.core.gcpause import gc_paused
from kubetriage.core.resources import Resource
from kubetriage.core.types import Obj
from kubetriage.sim import patches
from kubetriage.sim.errors import StatusError
from kubetriage.sim.podlogs import ContainerLog, PodLogs, started_at

GP = tuple[str, str]  # (group, plural): one stored collection, whatever version it is served at

WATCH_WINDOW = 5000  # past changes kept per resource for watches that resume
SUBSCRIBER_BACKLOG = 10000  # a watcher this far behind is closed, as a real server does


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class WatchChange:
    """One watch event as stored in the window: the object after (or, for DELETED, as deleted)
    and before the change, so a selector can turn MODIFIED into ADDED or DELETED."""

    rv: int
    type: str  # ADDED, MODIFIED, DELETED
    obj: Obj
    old: Obj | None
    resource: Resource


class Subscription:
    """A watcher's queue of Changes of one resource; closed when it falls too far behind."""

    def __init__(self, state: ClusterState, gp: GP) -> None:
        self.queue: asyncio.Queue[WatchChange | None] = asyncio.Queue()
        self.overflowed = False
        self._state, self._gp = state, gp

    def push(self, change: WatchChange) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= SUBSCRIBER_BACKLOG:
            self.overflowed = True
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(change)

    def close(self) -> None:
        self._state._subscribers.get(self._gp, set()).discard(self)


class ClusterState:
    def __init__(self, objects: Iterable[Obj] = (), logs: dict[LogKey, str] | None = None,
                 *, window: int = WATCH_WINDOW, adopt: bool = False) -> None:
        """adopt: the objects are this state's to keep (made for it, read by no one else): stored
        as they are, not copied (a generated 100k-pod cluster is GBs twice over)."""
        self.rv = 0
        self.window = window
        self.warnings: list[str] = []
        self._objects: dict[GP, dict[tuple[str, str], Obj]] = {}
        self._changes: dict[GP, deque[WatchChange]] = {}
        self._floor: dict[GP, int] = {}  # newest rv dropped from a window: older watches get 410
        self._subscribers: dict[GP, set[Subscription]] = {}
        self._owned: dict[str, set[tuple[GP, str, str]]] = {}  # owner uid -> dependents
        self._logs = PodLogs()
        self.listeners: list[Callable[[WatchChange], None]] = []  # controllers
        with gc_paused():
            self._load(objects, adopt)
        pods = resources.known("v1", "Pod")
        for key, text in (logs or {}).items():
            pod = self.get(pods, key.namespace, key.pod) or {}
            self._logs.load(key, text, started_at(pod, key.container, key.previous))

    def _load(self, objects: Iterable[Obj], adopt: bool) -> None:
        # events last: create() links them to the uid of the object they are about
        for obj in sorted(objects, key=lambda o: o.get("kind") == "Event"):
            res = resources.by_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
            if res is None:
                self.warnings.append(f"{obj.get('kind')} {obj['metadata'].get('name')}: "
                                     f"kind {obj.get('apiVersion')}/{obj.get('kind')} not served")
                continue
            self.create(obj, adopt=adopt)

    # -- reading -----------------------------------------------------------------------------

    @property
    def resource_version(self) -> str:
        return str(self.rv)

    def get(self, resource: Resource, namespace: str | None, name: str) -> Obj | None:
        obj = self._objects.get(_gp(resource), {}).get((_ns(resource, namespace), name))
        return at_version(obj, resource) if obj is not None else None

    def list(self, resource: Resource, namespace: str | None = None) -> list[Obj]:
        """Objects in key order (namespace, name), as etcd returns them."""
        store = self._objects.get(_gp(resource), {})
        keys = sorted(k for k in store if namespace is None or k[0] == namespace)
        return [at_version(store[k], resource) for k in keys]

    def count(self, resource: Resource) -> int:
        return len(self._objects.get(_gp(resource), {}))

    def dependents(self, uid: str) -> list[tuple[Resource, Obj]]:
        out = []
        for gp, ns, name in sorted(self._owned.get(uid, ())):
            obj = self._objects.get(gp, {}).get((ns, name))
            if obj is not None:
                out.append((_resource_of(obj), obj))
        return out

    # -- writing -----------------------------------------------------------------------------

    def create(self, obj: Obj, *, dry_run: bool = False, adopt: bool = False) -> Obj:
        """adopt: store obj itself (the caller gives it up), not a copy."""
        res = _resource_of(obj)
        if not adopt:
            obj = _copy(obj)
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = self._generate_name(res, meta.get("namespace"), meta["generateName"])
        name = meta.get("name")
        if not name:
            raise StatusError.invalid(res, "", "metadata.name: Required value: name or generateName "
                                   "is required")
        if res.namespaced:
            meta["namespace"] = meta.get("namespace") or "default"
        else:
            meta.pop("namespace", None)
        key = (_ns(res, meta.get("namespace")), name)
        if key in self._objects.get(_gp(res), {}):
            raise StatusError.already_exists(res, name)
        meta.setdefault("uid", str(uuid.uuid4()))
        meta.setdefault("creationTimestamp", now_rfc3339())
        if "spec" in obj:
            meta.setdefault("generation", 1)
        if res.kind == "Event" and not res.group:
            self._link_event(obj)
        if dry_run:
            meta["resourceVersion"] = self.resource_version
            return obj
        return self._commit(res, "ADDED", obj, None)

    def update(self, obj: Obj, *, dry_run: bool = False, keep_status: bool = False,
               only_status: bool = False) -> Obj:
        """Replace an object (PUT). A resourceVersion in the body must be the current one."""
        res = _resource_of(obj)
        meta = obj.get("metadata") or {}
        old = self._stored(res, meta.get("namespace"), meta.get("name", ""))
        sent_rv = meta.get("resourceVersion")
        if sent_rv and sent_rv != old["metadata"]["resourceVersion"]:
            raise StatusError.conflict(res, old["metadata"]["name"])
        return self._replace(res, old, copy.deepcopy(obj), dry_run, keep_status, only_status)

    def patch_merge(self, resource: Resource, namespace: str | None, name: str, patch: Obj, *,
                    strategic: bool = False, dry_run: bool = False, keep_status: bool = False,
                    only_status: bool = False) -> Obj:
        old = self._stored(resource, namespace, name)
        if not isinstance(patch, dict):
            raise StatusError.bad_request("the body of a merge patch must be a JSON object")
        sent_rv = (patch.get("metadata") or {}).get("resourceVersion")
        if sent_rv and sent_rv != old["metadata"]["resourceVersion"]:
            raise StatusError.conflict(resource, name)
        merge = patches.strategic_merge if strategic else patches.merge
        new = merge(copy.deepcopy(old), patch)
        return self._replace(resource, old, new, dry_run, keep_status, only_status)

    def patch_json(self, resource: Resource, namespace: str | None, name: str,
                   ops: list[Obj], *, dry_run: bool = False, keep_status: bool = False,
                   only_status: bool = False) -> Obj:
        old = self._stored(resource, namespace, name)
        try:
            new = patches.json_patch(copy.deepcopy(old), ops)
        except patches.PatchError as exc:
            raise StatusError.invalid(resource, name, str(exc)) from None
        return self._replace(resource, old, new, dry_run, keep_status, only_status)

    def delete(self, resource: Resource, namespace: str | None, name: str, *,
               dry_run: bool = False, propagation: str = "Background") -> Obj:
        """Delete an object; its dependents (ownerReferences) go with it unless orphaned."""
        old = self._stored(resource, namespace, name)
        if dry_run:
            return at_version(old, resource)
        gp = _gp(old_res := _resource_of(old))
        key = (_ns(old_res, namespace), name)
        del self._objects[gp][key]
        self._unindex(gp, key, old)
        gone = copy.deepcopy(old)
        gone["metadata"].setdefault("deletionTimestamp", now_rfc3339())
        if "deletionGracePeriodSeconds" in gone["metadata"]:  # was terminating: gone now
            gone["metadata"]["deletionGracePeriodSeconds"] = 0
        self.rv += 1
        gone["metadata"]["resourceVersion"] = str(self.rv)
        self._record(WatchChange(self.rv, "DELETED", gone, old, old_res))
        if old_res.kind == "Pod":
            self._logs.forget_pod(key[0], name)
        for dep_res, dep in self.dependents(old["metadata"]["uid"]):
            dep_meta = dep["metadata"]
            if propagation == "Orphan":
                refs = [r for r in dep_meta.get("ownerReferences", [])
                        if r.get("uid") != old["metadata"]["uid"]]
                self.patch_merge(dep_res, dep_meta.get("namespace"), dep_meta["name"],
                                 {"metadata": {"ownerReferences": refs or None}})
            else:
                self.delete(dep_res, dep_meta.get("namespace"), dep_meta["name"])
        return at_version(gone, resource)

    def terminate(self, resource: Resource, namespace: str | None, name: str, grace: int, *,
                  dry_run: bool = False) -> Obj:
        """A graceful deletion no kubelet completes (a node gone): deletionTimestamp at the end of
        the grace period and deletionGracePeriodSeconds set, the object kept until it is deleted
        with no grace period. A second delete may shorten the grace period, never lengthen it."""
        old = self._stored(resource, namespace, name)
        meta = old["metadata"]
        if meta.get("deletionTimestamp") and meta.get("deletionGracePeriodSeconds", 0) <= grace:
            return at_version(old, resource)
        new = copy.deepcopy(old)
        new["metadata"]["deletionTimestamp"] = (datetime.now(UTC) + timedelta(seconds=grace)) \
            .strftime("%Y-%m-%dT%H:%M:%SZ")
        new["metadata"]["deletionGracePeriodSeconds"] = grace
        if dry_run:
            return at_version(new, resource)
        return at_version(self._commit(_resource_of(old), "MODIFIED", new, old), resource)

    # -- pod logs ----------------------------------------------------------------------------

    def log(self, namespace: str, pod: str, container: str) -> ContainerLog:
        return self._logs.get(namespace, pod, container)

    def append_log(self, namespace: str, pod: str, container: str, lines: Iterable[str]) -> None:
        self._logs.append(namespace, pod, container, lines)

    def restart_container(self, namespace: str, pod: str, container: str) -> Obj:
        """The container exits and is started again: restartCount + 1, lastState.terminated with
        the same exit code and reason, CrashLoopBackOff stays CrashLoopBackOff, and the current
        log becomes the previous one (a crash-looping container prints the same again)."""
        res = resources.known("v1", "Pod")
        old = self._stored(res, namespace, pod)
        new = copy.deepcopy(old)
        statuses = [s for key in ("containerStatuses", "initContainerStatuses")
                    for s in new.get("status", {}).get(key, [])]
        st = next((s for s in statuses if s.get("name") == container), None)
        if st is None:
            raise StatusError.bad_request(f"container {container} is not valid for pod {pod}")
        now = now_rfc3339()
        before = (st.get("state") or {}).get("terminated") \
            or (st.get("lastState") or {}).get("terminated") or {}
        started = ((st.get("state") or {}).get("running") or {}).get("startedAt") \
            or before.get("startedAt") or now
        st["lastState"] = {"terminated": {
            "exitCode": before.get("exitCode", 1), "reason": before.get("reason", "Error"),
            "startedAt": started, "finishedAt": now,
            **({"containerID": st["containerID"]} if st.get("containerID") else {})}}
        st["restartCount"] = int(st.get("restartCount", 0)) + 1
        waiting = (st.get("state") or {}).get("waiting") or {}
        crash_looping = waiting.get("reason") == "CrashLoopBackOff"
        if crash_looping:
            st["state"] = {"waiting": {"reason": "CrashLoopBackOff", "message": (
                f"back-off 5m0s restarting failed container={container} pod={pod}_{namespace}"
                f"({old['metadata']['uid']})")}}
        else:
            st["state"] = {"running": {"startedAt": now}}
        result = self._replace(res, old, new, False, False, False)
        self._logs.restart(namespace, pod, container, repeat=crash_looping)
        return result

    # -- watching ----------------------------------------------------------------------------

    def subscribe(self, resource: Resource) -> Subscription:
        sub = Subscription(self, _gp(resource))
        self._subscribers.setdefault(_gp(resource), set()).add(sub)
        return sub

    def changes_since(self, resource: Resource, rv: int) -> list[WatchChange]:
        """The changes after rv; raises Gone when rv is older than the window."""
        gp = _gp(resource)
        floor = self._floor.get(gp, 0)
        if rv < floor:
            raise StatusError.gone(f"too old resource version: {rv} ({floor + 1})")
        return [c for c in self._changes.get(gp, ()) if c.rv > rv]

    def close_streams(self) -> None:
        """End every watch and log follow (the server is stopping)."""
        for subs in self._subscribers.values():
            for sub in subs:
                sub.queue.put_nowait(None)
        self._logs.close()

    # -- internals ---------------------------------------------------------------------------

    def _stored(self, resource: Resource, namespace: str | None, name: str) -> Obj:
        obj = self._objects.get(_gp(resource), {}).get((_ns(resource, namespace), name))
        if obj is None:
            raise StatusError.not_found(resource, name)
        return obj

    def _replace(self, res: Resource, old: Obj, new: Obj, dry_run: bool, keep_status: bool,
                 only_status: bool) -> Obj:
        stored_res = _resource_of(old)
        if only_status:
            status = new.get("status")
            new = copy.deepcopy(old)
            if status is not None:
                new["status"] = status
        elif keep_status:
            if "status" in old:
                new["status"] = copy.deepcopy(old["status"])
            else:
                new.pop("status", None)
        new["apiVersion"], new["kind"] = old["apiVersion"], old["kind"]
        meta = new.setdefault("metadata", {})
        old_meta = old["metadata"]
        for fixed in ("name", "namespace", "uid", "creationTimestamp"):
            if fixed in old_meta:
                meta[fixed] = old_meta[fixed]
            else:
                meta.pop(fixed, None)
        if "managedFields" in old_meta:  # a real server keeps them; clients must cope with them
            meta.setdefault("managedFields", old_meta["managedFields"])
        if "generation" in old_meta:
            changed = any(new.get(k) != old.get(k) for k in set(new) | set(old)
                          if k not in ("metadata", "status", "apiVersion", "kind"))
            meta["generation"] = old_meta["generation"] + (1 if changed else 0)
        if dry_run:
            meta["resourceVersion"] = old_meta["resourceVersion"]
            return at_version(new, res)
        meta.pop("resourceVersion", None)
        if new == {**old, "metadata": {k: v for k, v in old_meta.items()
                                       if k != "resourceVersion"}}:
            return at_version(old, res)  # a no-op write changes nothing, as on a real server
        return at_version(self._commit(stored_res, "MODIFIED", new, old), res)

    def _commit(self, res: Resource, kind: str, obj: Obj, old: Obj | None) -> Obj:
        self.rv += 1
        obj["metadata"]["resourceVersion"] = str(self.rv)
        gp = _gp(res)
        key = (_ns(res, obj["metadata"].get("namespace")), obj["metadata"]["name"])
        if old is not None:
            self._unindex(gp, key, old)
        self._objects.setdefault(gp, {})[key] = obj
        for ref in obj["metadata"].get("ownerReferences") or []:
            if ref.get("uid"):
                self._owned.setdefault(ref["uid"], set()).add((gp, *key))
        self._record(WatchChange(self.rv, kind, obj, old, res))
        return obj

    def _unindex(self, gp: GP, key: tuple[str, str], old: Obj) -> None:
        for ref in old["metadata"].get("ownerReferences") or []:
            self._owned.get(ref.get("uid"), set()).discard((gp, *key))

    def _record(self, change: WatchChange) -> None:
        gp = _gp(change.resource)
        window = self._changes.setdefault(gp, deque())
        window.append(change)
        if len(window) > self.window:
            self._floor[gp] = window.popleft().rv
        for sub in list(self._subscribers.get(gp, ())):
            sub.push(change)
        for listener in self.listeners:
            listener(change)

    def _link_event(self, event: Obj) -> None:
        """Fill in involvedObject.uid when the scenario left it out: `kubectl describe` finds a
        pod's events by uid."""
        ref = event.get("involvedObject") or {}
        if ref.get("uid") or not ref.get("name"):
            return
        res = resources.by_kind(ref.get("apiVersion", "v1"), ref.get("kind", ""))
        target = self.get(res, ref.get("namespace"), ref["name"]) if res else None
        if target is not None:
            ref["uid"] = target["metadata"]["uid"]

    def _generate_name(self, res: Resource, namespace: str | None, prefix: str) -> str:
        store = self._objects.get(_gp(res), {})
        while True:
            name = prefix + random_suffix()
            if (_ns(res, namespace), name) not in store:
                return name


def random_suffix(n: int = 5) -> str:
    """A suffix like the API server's generateName: consonants and digits."""
    return "".join(random.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(n))


def _gp(resource: Resource) -> GP:
    return resource.group, resource.plural


def _ns(resource: Resource, namespace: str | None) -> str:
    return (namespace or "") if resource.namespaced else ""


def _resource_of(obj: Obj) -> Resource:
    res = resources.by_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
    if res is None:
        raise StatusError.bad_request(f"no kind {obj.get('kind')!r} is registered for version "
                                   f"{obj.get('apiVersion')!r}")
    return res


def at_version(obj: Obj, resource: Resource) -> Obj:
    """The stored object as the requested version shows it (a HelmRelease is stored once)."""
    if obj.get("apiVersion") == resource.api_version:
        return obj
    return {**obj, "apiVersion": resource.api_version}


def _copy(obj: Obj) -> Obj:
    """A deep copy; through JSON because copy.deepcopy was 95% of loading a 10k-pod cluster."""
    try:
        return orjson.loads(orjson.dumps(obj))
    except TypeError:  # not plain JSON (a YAML datetime, say): the slow way
        return copy.deepcopy(obj)
