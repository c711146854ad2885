"""The store: the latest kept form of every watched object, indexed, versioned, and observable.

One writer (the reflectors, on the event loop) and many readers. Objects are replaced, never
changed in place, so a Snapshot built from them stays valid while the store moves on.
Subscribers receive changes in batches coalesced per object (an add then a delete of the same pod
within one batch is nothing), at most as often as they ask, plus which kinds changed connection
state, so a screen redraws a few times a second whatever the churn.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from kubetriage.core.snapshot import LogRef, Snapshot
from kubetriage.core.types import Key, Obj

ChangeType = Literal["ADDED", "MODIFIED", "DELETED"]
Phase = Literal["syncing", "live", "reconnecting", "forbidden", "unavailable"]
_PHASE_ORDER = ("forbidden", "unavailable", "reconnecting", "syncing", "live")  # worst first


# read-only by convention, not frozen: a frozen dataclass costs four times as much to create,
# and a 10k-pod cluster makes 80,000 changes at start-up
@dataclass(slots=True)
class StoreChange:
    type: ChangeType
    kind: str
    namespace: str | None
    name: str
    obj: Obj  # for DELETED: the last state the store held
    version: int


@dataclass(frozen=True, slots=True)
class KindState:
    """How current the store's copy of one kind (in one namespace, or cluster-wide) is."""

    phase: Phase
    since: float  # wall-clock time this phase began
    error: str | None = None  # the last error, while reconnecting, forbidden or unavailable
    retry_at: float | None = None  # wall-clock time of the next try, while reconnecting

    def stale_for(self, now: float | None = None) -> float:
        """Seconds the data may have been behind the server: 0 while live or syncing."""
        if self.phase != "reconnecting":
            return 0.0
        return max(0.0, (now or time.time()) - self.since)


@dataclass
class Batch:
    changes: list[StoreChange]
    states: set[str]  # kinds whose connection state changed
    version: int


def key_of(obj: Mapping[str, Any]) -> Key:
    meta = obj["metadata"]
    return obj["kind"], meta.get("namespace") or None, meta["name"]


def _rv(obj: Obj) -> str | None:
    return obj["metadata"].get("resourceVersion")


class Subscription:
    """A subscriber's pending changes, coalesced per object until it takes them."""

    def __init__(self, store: Store, kinds: set[str] | None) -> None:
        self._store = store
        self._kinds = kinds
        self._pending: dict[Key, StoreChange] = {}
        self._states: set[str] = set()
        self._wake = asyncio.Event()

    def _push(self, change: StoreChange) -> None:
        if self._kinds is not None and change.kind not in self._kinds:
            return
        key = (change.kind, change.namespace, change.name)
        before = self._pending.get(key)
        if before is not None:
            if before.type == "ADDED" and change.type == "DELETED":
                del self._pending[key]  # came and went between two looks: nothing to show
                return
            if before.type == "ADDED":
                change = StoreChange("ADDED", *_fields(change))
            elif before.type == "DELETED" and change.type == "ADDED":
                change = StoreChange("MODIFIED", *_fields(change))
        self._pending[key] = change
        self._wake.set()

    def _state(self, kind: str) -> None:
        if self._kinds is None or kind in self._kinds:
            self._states.add(kind)
            self._wake.set()

    def drop(self, kind: str) -> None:
        """Forget the pending changes of a kind (its rows were just built from the store)."""
        self._pending = {k: c for k, c in self._pending.items() if c.kind != kind}

    def take(self) -> Batch:
        """What changed since the last take (possibly nothing), without waiting."""
        changes, self._pending = list(self._pending.values()), {}
        states, self._states = self._states, set()
        self._wake.clear()
        return Batch(changes, states, self._store.version)

    async def next(self, min_interval: float = 0.1) -> Batch:
        """The next non-empty batch, waiting for one; gathers for min_interval after the first
        change so bursts arrive together."""
        await self._wake.wait()
        if min_interval > 0:
            await asyncio.sleep(min_interval)
        return self.take()

    def close(self) -> None:
        self._store._subscribers.discard(self)


def _fields(change: StoreChange) -> tuple:
    return change.kind, change.namespace, change.name, change.obj, change.version


class Store:
    def __init__(self) -> None:
        # kind -> namespace -> name -> object: the namespace index is the layout itself
        self._objects: dict[str, dict[str | None, dict[str, Obj]]] = defaultdict(dict)
        self._by_uid: dict[str, Key] = {}
        self._by_owner: dict[str, set[Key]] = defaultdict(set)
        self._states: dict[tuple[str, str | None], KindState] = {}
        self.not_visible: dict[str, str] = {}  # kind -> what the user cannot see, and why
        self.version = 0
        self._subscribers: set[Subscription] = set()

    # -- reading -------------------------------------------------------------------------------

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        return self._objects.get(kind, {}).get(namespace or None, {}).get(name)

    def list(self, kind: str, namespace: str | None = None) -> list[Obj]:
        by_ns = self._objects.get(kind, {})
        if namespace is not None:
            return list(by_ns.get(namespace, {}).values())
        return [o for names in by_ns.values() for o in names.values()]

    def count(self, kind: str) -> int:
        return sum(len(names) for names in self._objects.get(kind, {}).values())

    def kinds(self) -> list[str]:
        return [k for k, by_ns in self._objects.items() if any(by_ns.values())]

    def namespaces(self, kind: str) -> list[str]:
        return sorted(ns for ns, names in self._objects.get(kind, {}).items() if ns and names)

    def objects(self) -> Iterator[Obj]:
        for by_ns in self._objects.values():
            for names in by_ns.values():
                yield from names.values()

    def by_uid(self, uid: str) -> Obj | None:
        key = self._by_uid.get(uid)
        return self.get(*key) if key else None

    def owned_by(self, uid: str) -> list[Obj]:
        return [o for k in self._by_owner.get(uid, ()) if (o := self.get(*k)) is not None]

    def selected(self, kind: str, namespace: str | None, selector: Mapping[str, str]) -> list[Obj]:
        """Objects of a kind in a namespace whose labels match every pair (a Service selector),
        by name. Looked for in that namespace's objects of the kind: an index of every label
        cost 7 MB at 10k pods for a question asked of one Service at a time."""
        if not selector:
            return []
        names = self._objects.get(kind, {}).get(namespace, {})
        return [names[name] for name in sorted(names)
                if all((names[name]["metadata"].get("labels") or {}).get(label) == value
                       for label, value in selector.items())]

    def snapshot(self, logs: Mapping[LogRef, list[str]] | None = None) -> Snapshot:
        """A read-only view for the checks, sharing the (immutable) objects."""
        return Snapshot.from_objects(list(self.objects()), logs)

    # -- connection state ----------------------------------------------------------------------

    def set_state(self, kind: str, phase: Phase, error: str | None = None,
                  namespace: str | None = None, retry_at: float | None = None) -> None:
        """Record the state of the reflector for kind (in namespace, or cluster-wide)."""
        old = self._states.get((kind, namespace))
        if old is not None and old.phase == phase and old.error == error and \
                old.retry_at == retry_at:
            return
        since = old.since if old is not None and old.phase == phase else time.time()
        self._states[(kind, namespace)] = KindState(phase, since, error, retry_at)
        for sub in self._subscribers:
            sub._state(kind)

    def forget_state(self, kind: str, namespace: str | None) -> None:
        """A reflector that no longer runs (cluster-wide, replaced by per-namespace ones)."""
        if self._states.pop((kind, namespace), None) is not None:
            for sub in self._subscribers:
                sub._state(kind)

    def state(self, kind: str) -> KindState | None:
        """The worst state among the kind's reflectors, the oldest `since` of that phase."""
        states = [s for (k, _), s in self._states.items() if k == kind]
        if not states:
            return None
        worst = min(states, key=lambda s: _PHASE_ORDER.index(s.phase))
        same = [s for s in states if s.phase == worst.phase]
        return min(same, key=lambda s: s.since)

    def states(self) -> dict[str, KindState]:
        return {kind: s for kind in sorted({k for k, _ in self._states})
                if (s := self.state(kind)) is not None}

    def stale_for(self, now: float | None = None) -> float:
        """How long the oldest reconnecting watch has been down: what "stale for N s" shows."""
        return max((s.stale_for(now) for s in self._states.values()), default=0.0)

    def stale_state(self) -> KindState | None:
        """The oldest reconnecting watch's state: why it is down and when it tries again."""
        down = [s for s in self._states.values() if s.phase == "reconnecting"]
        return min(down, key=lambda s: s.since) if down else None

    # -- writing (the reflectors) --------------------------------------------------------------

    def apply(self, change_type: ChangeType, obj: Obj) -> StoreChange | None:
        """Apply one watch event; returns the change, or None when nothing changed."""
        kind, namespace, name = key_of(obj)
        names = self._objects[kind].setdefault(namespace, {})
        old = names.get(name)
        if change_type == "DELETED":
            if old is None:
                return None
            del names[name]
            self._unindex((kind, namespace, name), old)
            return self._emit("DELETED", kind, namespace, name, old)
        if old is not None and _rv(old) == _rv(obj):
            return None
        names[name] = obj
        key = (kind, namespace, name)
        if old is not None:
            self._unindex(key, old)
        self._index(key, obj)
        return self._emit("ADDED" if old is None else "MODIFIED", kind, namespace, name, obj)

    def replace(self, kind: str, objs: Iterable[Obj], namespace: str | None = None) -> int:
        """A relist: the objects are now all there is of kind (in namespace, if given). Objects
        the store held that are not among them are deleted, with a notification each.
        Returns the number of changes."""
        before = self._objects[kind]
        scope = ([namespace] if namespace is not None else list(before))
        stale = {(ns, name) for ns in scope for name in before.get(ns, {})}
        changes = 0
        for obj in objs:
            _, ns, name = key_of(obj)
            stale.discard((ns, name))
            changes += self.apply("ADDED", obj) is not None
        for ns, name in sorted(stale, key=lambda k: (k[0] or "", k[1])):
            old = before[ns][name]
            changes += self.apply("DELETED", old) is not None
        return changes

    def clear(self, kind: str, namespace: str | None = None) -> None:
        """Forget a kind (in one namespace): it can no longer be seen."""
        self.replace(kind, (), namespace)

    def subscribe(self, kinds: Iterable[str] | None = None) -> Subscription:
        sub = Subscription(self, set(kinds) if kinds is not None else None)
        self._subscribers.add(sub)
        return sub

    def _emit(self, change_type: ChangeType, kind: str, namespace: str | None, name: str,
              obj: Obj) -> StoreChange:
        self.version += 1
        change = StoreChange(change_type, kind, namespace, name, obj, self.version)
        for sub in self._subscribers:
            sub._push(change)
        return change

    def _index(self, key: Key, obj: Obj) -> None:
        if key[0] == "Event":  # three objects in four, and never anyone's owner
            return
        meta = obj["metadata"]
        if uid := meta.get("uid"):
            self._by_uid[uid] = key
        for ref in meta.get("ownerReferences") or ():
            if ref.get("uid"):
                self._by_owner[ref["uid"]].add(key)

    def _unindex(self, key: Key, obj: Obj) -> None:
        if key[0] == "Event":
            return
        meta = obj["metadata"]
        uid = meta.get("uid")
        if uid and self._by_uid.get(uid) == key:
            del self._by_uid[uid]
        for ref in meta.get("ownerReferences") or ():
            _discard(self._by_owner, ref.get("uid"), key)


def _discard(index: dict[Any, set[Key]], at: Any, key: Key) -> None:
    keys = index.get(at)
    if keys is not None:
        keys.discard(key)
        if not keys:
            del index[at]

