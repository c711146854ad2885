"""The cluster source: the one place that talks to an API server.

    source = await ClusterSource.open(context="prod")       # or demo="midwestmtg"
    await source.wait_synced()
    source.store ...                                         # live, indexed, observable
    await source.logs("ns", "pod", "app", previous=True)     # last lines
    async for line in source.follow("ns", "pod", "app"): ... # a live tail
    snap = await source.snapshot()                           # for the checks, logs included
    await source.close()

It connects (connect.py), discovers which kinds the server offers (discovery.py) and runs one
reflector per kind (reflector.py) into the store; logs are read as source_logs.py says. When a
kind may not be listed across all namespaces it falls back to the namespaces the user may list,
and records in `store.not_visible` what cannot be seen and why; `unseen()` adds the logs the
server would not give, in its words, so a diagnosis says what it could not read. `--demo` starts
the embedded server in this process on a free loopback port and connects to it through the very
same path, kubeconfig included.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from kubetriage.cluster.connect import Connection, api_error, connect
from kubetriage.cluster.discovery import WATCHED, Discovered, discover
from kubetriage.cluster.reflector import (
    IDLE_TIMEOUT_S,
    MIN_WATCH_TIMEOUT_S,
    PAGE_SIZE,
    Backoff,
    Forbidden,
    Reflector,
    older,
)
from kubetriage.cluster.slim import LAST_APPLIED
from kubetriage.cluster.source_logs import SourceLogs
from kubetriage.cluster.store import Store
from kubetriage.core.resources import Resource
from kubetriage.core.snapshot import Snapshot
from kubetriage.core.types import Obj
from kubetriage.core.unseen import Unseen
from kubetriage.errors import ApiError

if TYPE_CHECKING:  # the embedded server is imported only when a demo is asked for
    from kubetriage.sim.scenario import Scenario

log = logging.getLogger(__name__)

FORBIDDEN_RETRY_S = 60.0  # a kind the user may not see is asked for again this often
SERVER_SETTLE_S = 2.0  # kinds telling of one replaced server within this are one change


class ClusterSource(SourceLogs):
    def __init__(self, conn: Connection, store: Store | None = None, *,
                 namespaces: list[str] | None = None, kinds: tuple[str, ...] = WATCHED,
                 idle_timeout: float = IDLE_TIMEOUT_S, page_size: int = PAGE_SIZE,
                 min_watch_timeout: int = MIN_WATCH_TIMEOUT_S,
                 backoff: Backoff | None = None, read_logs_early: bool = False) -> None:
        """read_logs_early: the logs the diagnosis reads of each failing pod are fetched as its
        page arrives, while the rest is still listed (the dashboard's first report then waits
        for none of them); a source that may never diagnose leaves them."""
        self.conn = conn
        self.store = store or Store()
        self.namespaces = namespaces  # -n: only these (cluster-scoped kinds stay cluster-wide)
        self.kinds = kinds
        self.discovered = Discovered()
        self.reflectors: list[Reflector] = []
        self._options: dict[str, Any] = dict(idle_timeout=idle_timeout, page_size=page_size,
                                             min_watch_timeout=min_watch_timeout)
        self._backoff = backoff
        self._tasks: set[asyncio.Task] = set()
        self._init_logs(read_logs_early)
        self._demo: Any = None
        self._demo_dir: str | None = None
        self._fallbacks = 0  # kinds still finding the namespaces they may be seen in
        self._server_lock = asyncio.Lock()
        self._server_checks = 0  # how many times the server was asked who it is
        self._relisted = float("-inf")  # when every kind was last told to relist
        self.replaced = 0  # how many times the server was found replaced or restored

    @classmethod
    async def open(cls, kubeconfig: str | None = None, context: str | None = None, *,
                   demo: str | Scenario | None = None, demo_options: dict[str, Any] | None = None,
                   read_only: bool = False, **options: Any) -> ClusterSource:
        """Connect (raising UsageError with the line a user reads), discover, start watching.
        read_only: the connection sends no change, whoever asks (--read-only)."""
        sim = demo_dir = None
        if demo is not None:
            from kubetriage.sim.server import SimServer
            # a scenario is YAML to parse: not on the loop
            sim = await asyncio.to_thread(SimServer, demo, **(demo_options or {}))
            await sim.start()
            demo_dir = tempfile.mkdtemp(prefix="kubetriage-demo-")
            kubeconfig = str(sim.write_kubeconfig(Path(demo_dir) / "kubeconfig"))
            context = None
        try:
            conn = await connect(kubeconfig, context, read_only=read_only)
        except BaseException:
            if sim is not None:
                await sim.stop()
            if demo_dir is not None:
                shutil.rmtree(demo_dir, ignore_errors=True)
            raise
        source = cls(conn, **options)
        source._demo, source._demo_dir = sim, demo_dir
        try:
            await source.start()
        except BaseException:  # discovery refused: nothing left open behind the error line
            await source.close()
            raise
        return source

    async def start(self) -> None:
        self.discovered = await discover(self.conn, self.kinds)
        for kind, why in self.discovered.missing.items():
            self.store.set_state(kind, "unavailable", why)
        for resource in self.discovered.resources.values():
            if resource.namespaced and self.namespaces:
                for ns in self.namespaces:
                    self._spawn(self._run_namespaced(self._reflector(resource, ns)))
            else:
                self._spawn(self._run(self._reflector(resource)))

    async def wait_synced(self, timeout: float | None = None,
                          kinds: Iterable[str] | None = None) -> None:
        """Until every kind that can be seen (of `kinds`, if given) has been listed once."""
        wanted = None if kinds is None else set(kinds)

        async def settled() -> None:
            while self._fallbacks or not all(r.synced.is_set() or r.forbidden
                                             for r in self.reflectors
                                             if wanted is None or r.kind in wanted):
                await asyncio.sleep(0.02)
        await asyncio.wait_for(settled(), timeout)

    def first_pages_in(self) -> bool:
        """Every kind has given its first page, its whole list, or an answer that it will not:
        what is shown before the lists are whole can be shown now."""
        def answered(r: Reflector) -> bool:
            state = self.store.state(r.kind)
            return r.synced.is_set() or r.forbidden or r.pages_read > 0 or \
                state is not None and state.phase != "syncing"
        return not self._fallbacks and all(answered(r) for r in self.reflectors)

    def listing(self) -> dict[str, tuple[int, int | None]]:
        """The kinds whose first list is under way: how many objects are read, of how many (None
        when the server does not say)."""
        out: dict[str, tuple[int, int | None]] = {}
        for r in self.reflectors:
            if r.synced.is_set() or r.forbidden:
                continue
            read, expected = out.get(r.kind, (0, 0))
            out[r.kind] = (read + len(r.partial), None if expected is None or r.expected is None
                           else expected + r.expected)
        return out

    def partial(self, kind: str) -> list[Obj]:
        """The objects of `kind` read so far by lists not yet whole (the store has none of them)."""
        return [o for r in list(self.reflectors) if r.kind == kind and not r.synced.is_set()
                for o in r.partial]

    @property
    def read_only(self) -> bool:
        """Opened with --read-only: its connection refuses every change."""
        return self.conn.read_only

    @property
    def demo(self) -> Any:
        """The embedded server, when started with demo=: tests drive its state and faults."""
        return self._demo

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.conn.close()
        if self._demo is not None:
            await self._demo.stop()
        if self._demo_dir is not None:
            shutil.rmtree(self._demo_dir, ignore_errors=True)

    async def __aenter__(self) -> ClusterSource:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    # -- watching ------------------------------------------------------------------------------

    def _spawn(self, coro) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _reflector(self, resource: Resource, namespace: str | None = None) -> Reflector:
        early = self._read_early if self._read_logs_early and resource.kind == "Pod" else None
        r = Reflector(self.conn, resource, self.store, namespace=namespace,
                      backoff=Backoff(**vars(self._backoff)) if self._backoff else None,
                      check_server=self._server_replaced, on_diverged=self._diverged,
                      on_first_pages=early, **self._options)
        self.reflectors.append(r)
        return r

    # -- a server replaced at the same address -------------------------------------------------

    async def _server_replaced(self) -> bool:
        """After a failure, before a reflector watches again: is the server still the one we
        listed? Not when a namespace we hold has another uid there or none of ours is left (a
        cluster recreated at the same address), nor when its resourceVersion is behind one we
        saw (restored from an etcd backup). Then every kind relists as a full replace. A
        request that fails raises (the reflector backs off and asks again)."""
        asked = self._server_checks
        async with self._server_lock:
            if self._server_checks != asked:
                return False  # asked while this one waited: had it changed, all were told
            try:
                doc = await self.conn.get_json("/api/v1/namespaces", {"limit": 500})
            except ApiError:
                return False  # may not list namespaces: the resourceVersions still tell
            self._server_checks += 1
            why = _replaced_because(self.store.list("Namespace"), doc,
                                    [r.resource_version for r in self.reflectors])
            if why is None:
                return False
            self._relist_all(why)
            return True

    def _diverged(self, reflector: Reflector, why: str) -> None:
        """A reflector saw the server's history not continue ours: every other kind relists."""
        if time.monotonic() - self._relisted < SERVER_SETTLE_S:
            return  # the same change, seen by another kind
        self._relist_all(why, but=reflector)

    def _relist_all(self, why: str, but: Reflector | None = None) -> None:
        log.info("the API server %s was replaced or restored (%s): relisting everything",
                    self.conn.server, why)
        self.replaced += 1
        self._relisted = time.monotonic()
        self._log_cache.clear()  # same pod and restart count, another server: another log
        for r in self.reflectors:
            if r is not but:
                r.request_relist(why)

    async def _run(self, reflector: Reflector) -> None:
        resource = reflector.resource
        try:
            await reflector.run()
            return
        except Forbidden as exc:
            message = exc.message
        if not resource.namespaced:
            self.store.not_visible[resource.kind] = f"not allowed: {message}"
            await self._retry_forbidden(reflector)
            return
        self._fallbacks += 1
        try:
            namespaces, denied = await self._permitted_namespaces(resource)
            self.store.not_visible[resource.kind] = _not_visible(message, namespaces, denied)
            if namespaces:
                self.store.forget_state(resource.kind, None)  # the namespaces stand for it
            reflectors = [self._reflector(resource, ns) for ns in namespaces]
        finally:
            self._fallbacks -= 1
        await asyncio.gather(*(self._run_namespaced(r) for r in reflectors))

    async def _run_namespaced(self, reflector: Reflector) -> None:
        try:
            await reflector.run()
        except Forbidden as exc:
            self.store.not_visible[f"{reflector.kind} in {reflector.namespace}"] = \
                f"not allowed: {exc.message}"
            await self._retry_forbidden(reflector)

    async def _retry_forbidden(self, reflector: Reflector) -> None:
        """Permissions change: ask again now and then, as a reflector retries forever."""
        while True:
            await asyncio.sleep(FORBIDDEN_RETRY_S)
            reflector.forbidden = False
            try:
                await reflector.run()
            except Forbidden:
                continue

    async def _permitted_namespaces(self, resource: Resource) -> tuple[list[str], list[str]]:
        """(namespaces where the user may list and watch the kind, those where not)."""
        if self.namespaces:
            candidates = list(self.namespaces)
        else:
            try:
                doc = await self.conn.get_json("/api/v1/namespaces")
                candidates = sorted(o["metadata"]["name"] for o in doc.get("items") or [])
            except ApiError:
                candidates = [self.conn.namespace or "default"]
        limit = asyncio.Semaphore(16)

        async def may(ns: str) -> bool:
            async with limit:
                return all(await asyncio.gather(self.can_i("list", resource, ns),
                                                self.can_i("watch", resource, ns)))

        allowed = await asyncio.gather(*(may(ns) for ns in candidates))
        return ([ns for ns, ok in zip(candidates, allowed) if ok],
                [ns for ns, ok in zip(candidates, allowed) if not ok])

    async def can_i(self, verb: str, resource: Resource, namespace: str | None,
                    subresource: str = "") -> bool:
        """Whether RBAC allows it; a review the server will not answer counts as no."""
        try:
            review = await self.access_review(verb, resource, namespace, subresource=subresource)
        except ApiError:
            return False
        return bool(review.get("allowed"))

    async def access_review(self, verb: str, resource: Resource, namespace: str | None,
                            name: str = "", subresource: str = "") -> dict[str, Any]:
        """The status of a SelfSubjectAccessReview (allowed, reason), as `kubectl auth can-i`
        asks; an ApiError when the server does not answer one."""
        attrs = {"verb": verb, "group": resource.group, "resource": resource.plural}
        for key, value in (("namespace", namespace), ("name", name),
                           ("subresource", subresource)):
            if value:
                attrs[key] = value
        body = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                "spec": {"resourceAttributes": attrs}}
        resp = await self.conn.request(
            "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body=body)
        async with resp:
            data = await resp.read()
        if resp.status >= 300:
            raise api_error(resp.status, resp.reason or "", data)
        return orjson.loads(data).get("status") or {}

    # -- objects on demand ---------------------------------------------------------------------

    async def get_object(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]:
        """The whole object as the server has it now (for a detail view), without managedFields.
        A Secret keeps the keys of its data with no value (None), and its last-applied
        annotation (which can repeat them) no value either: the values never leave here."""
        resource = self.discovered.resources[kind]
        obj = await self.conn.get_json(resource.path(namespace, name))
        meta = obj.get("metadata") or {}
        meta.pop("managedFields", None)
        if kind == "Secret":
            for field in ("data", "stringData"):
                if isinstance(obj.get(field), dict):
                    obj[field] = dict.fromkeys(obj[field])
                else:
                    obj.pop(field, None)
            annotations = meta.get("annotations")
            if isinstance(annotations, dict) and LAST_APPLIED in annotations:
                annotations[LAST_APPLIED] = None
        return obj

    async def helm_release_secrets(self, namespace: str, release: str) -> list[dict[str, Any]]:
        """A Helm release's history secrets (sh.helm.release.v1.<release>.vN), data included but
        still encoded, fetched now: the store never holds secret data."""
        doc = await self.conn.get_json(
            f"/api/v1/namespaces/{namespace}/secrets",
            {"labelSelector": f"owner=helm,name={release}"})
        items = [{**s, "apiVersion": "v1", "kind": "Secret"}  # a list's items come without
                 for s in doc.get("items") or []]                 # them; helm.py checks kind
        return sorted(items,
                      key=lambda s: int((s["metadata"].get("labels") or {}).get("version", 0)))

    # -- snapshot for the checks ---------------------------------------------------------------

    async def snapshot(self, with_logs: bool = True) -> Snapshot:
        """The store as a Snapshot, with the logs the diagnosis reads (core/logs_read.py) and
        what could not be read. Indexing 40,000 objects happens in a thread: the store's objects
        are replaced, never changed, so the list taken here stays as it was."""
        objects = list(self.store.objects())
        logs = await self.diagnosis_logs(objects) if with_logs else {}
        unseen = self.unseen(unsynced=True, logs=with_logs)
        return await asyncio.to_thread(Snapshot.from_objects, objects, logs, None, unseen)

    def unseen(self, *, unsynced: bool = False, logs: bool = True) -> Unseen:
        """What the user cannot see now, and why: the kinds RBAC forbids (store.not_visible)
        or whose discovery failed, the logs the last round could not read,
        and with unsynced=True the kinds not listed yet (for a check that stopped waiting)."""
        kinds = {k: why for k, why in self.discovered.missing.items()
                 if k in self.discovered.failed}
        kinds.update(self.store.not_visible)
        if unsynced:
            for r in self.reflectors:
                if not (r.synced.is_set() or r.forbidden):
                    state = self.store.state(r.kind)
                    error = state.error if state is not None and state.error else \
                        f"{len(r.partial):,} of {r.expected:,} read" if r.expected else \
                        f"{len(r.partial):,} read" if r.pages_read else "no answer"
                    kinds.setdefault(f"{r.kind} in {r.namespace}" if r.namespace else r.kind,
                                     f"not listed yet: {error}")
        return Unseen(kinds, {ref: e[2] for ref, e in self._log_errors.items()} if logs else {})

def _replaced_because(ours: list[dict[str, Any]], theirs: dict[str, Any],
                      seen: list[str]) -> str | None:
    """Why the server's namespace list says it is not the server we listed, or None."""
    known = {o["metadata"]["name"]: o["metadata"].get("uid") for o in ours}
    now = {o["metadata"]["name"]: o["metadata"].get("uid")
           for o in theirs.get("items") or () if isinstance(o, dict)}
    for name, uid in known.items():
        if uid and now.get(name) not in (None, uid):
            return f"namespace {name} has another uid"
    if known and now and not known.keys() & now.keys():
        return "none of the namespaces seen is there"
    rv = str((theirs.get("metadata") or {}).get("resourceVersion") or "")
    newest = max(seen, key=lambda v: int(v) if v.isdigit() else -1, default="")
    if older(rv, newest):
        return f"its resourceVersion {rv} is behind {newest}, seen before"
    return None


def _not_visible(message: str, namespaces: list[str], denied: list[str]) -> str:
    seen = f"showing namespaces {', '.join(namespaces)} only" if namespaces else \
        "not visible in any namespace"
    hidden = f"; not allowed in {', '.join(denied)}" if denied and namespaces else ""
    return f"not allowed across all namespaces ({message}); {seen}{hidden}"

