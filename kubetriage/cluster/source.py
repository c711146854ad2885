"""The cluster source: the one place that talks to an API server.

    source = await ClusterSource.open(context="prod")       # or demo="midwestmtg"
    await source.wait_synced()
    source.store ...                                         # live, indexed, observable
    await source.logs("ns", "pod", "app", previous=True)     # last lines
    async for line in source.follow("ns", "pod", "app"): ... # a live tail
    snap = await source.snapshot()                           # for the checks, logs included
    await source.close()

It connects (connect.py), discovers which kinds the server offers (discovery.py) and runs one
reflector per kind (reflector.py) into the store. When a kind may not be listed across all
namespaces it falls back to the namespaces the user may list, and records in
`store.not_visible` what cannot be seen and why. `--demo` starts the embedded server in this
process on a free loopback port and connects to it through the very same path, kubeconfig
included.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from collections.abc import AsyncGenerator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
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
)
from kubetriage.cluster.slim import LAST_APPLIED
from kubetriage.cluster.store import Store
from kubetriage.core.resources import Resource
from kubetriage.core.snapshot import LOG_TAIL, LogRef, Snapshot
from kubetriage.errors import ApiError

if TYPE_CHECKING:  # the embedded server is imported only when a demo is asked for
    from kubetriage.sim.scenario import Scenario

LOG_LIMIT_BYTES = 512 * 1024  # per log request: a tail, never a whole 1 GB log
LOG_CONCURRENCY = 8
CURRENT_LOG_TTL_S = 15.0  # a running container's log is refetched at most this often
LOG_REFRESHES_PER_ROUND = 50  # running containers' logs refetched per diagnosis, at most
LogVersion = tuple[int, bool]  # (restart count, running): a container's log changes with either
FORBIDDEN_RETRY_S = 60.0  # a kind the user may not see is asked for again this often
_FAILING_REASONS = {"CrashLoopBackOff", "Error", "RunContainerError", "OOMKilled",
                    "CreateContainerError", "ContainerCannotRun"}


class ClusterSource:
    def __init__(self, conn: Connection, store: Store | None = None, *,
                 namespaces: list[str] | None = None, kinds: tuple[str, ...] = WATCHED,
                 idle_timeout: float = IDLE_TIMEOUT_S, page_size: int = PAGE_SIZE,
                 min_watch_timeout: int = MIN_WATCH_TIMEOUT_S,
                 backoff: Backoff | None = None) -> None:
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
        self._log_cache: dict[LogRef, tuple[float, LogVersion, list[str]]] = {}
        self._demo: Any = None
        self._demo_dir: str | None = None
        self._fallbacks = 0  # kinds still finding the namespaces they may be seen in

    @classmethod
    async def open(cls, kubeconfig: str | None = None, context: str | None = None, *,
                   demo: str | Scenario | None = None, demo_options: dict[str, Any] | None = None,
                   **options: Any) -> ClusterSource:
        """Connect (raising UsageError with the line a user reads), discover, start watching."""
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
            conn = await connect(kubeconfig, context)
        except BaseException:
            if sim is not None:
                await sim.stop()
            if demo_dir is not None:
                shutil.rmtree(demo_dir, ignore_errors=True)
            raise
        source = cls(conn, **options)
        source._demo, source._demo_dir = sim, demo_dir
        await source.start()
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
        r = Reflector(self.conn, resource, self.store, namespace=namespace,
                      backoff=Backoff(**vars(self._backoff)) if self._backoff else None,
                      **self._options)
        self.reflectors.append(r)
        return r

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

    # -- logs ----------------------------------------------------------------------------------

    async def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False,
                   tail: int = LOG_TAIL) -> list[str]:
        """The last `tail` lines of a container (of its previous instance with previous=True)."""
        params = {"container": container, "previous": previous, "tailLines": tail,
                  "limitBytes": LOG_LIMIT_BYTES}
        try:
            data = await self.conn.get_bytes(f"/api/v1/namespaces/{namespace}/pods/{pod}/log",
                                             params)
        except ApiError as exc:
            if exc.status in (400, 404):  # no previous instance, or the pod is gone
                return []
            raise
        return data.decode("utf-8", "replace").splitlines()[-tail:]

    async def follow(self, namespace: str, pod: str, container: str, *,
                     tail: int = 100) -> AsyncGenerator[str, None]:
        """The last `tail` lines, then every new line until the container ends. Nothing is
        buffered here beyond one line: a slow reader slows the stream (TCP), memory stays flat.
        Read it inside `contextlib.aclosing(...)` so that stopping early closes the stream."""
        params = {"container": container, "follow": True, "tailLines": tail}
        resp = await self.conn.request(
            "GET", f"/api/v1/namespaces/{namespace}/pods/{pod}/log", params,
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=None))
        async with resp:
            if resp.status >= 300:
                raise api_error(resp.status, resp.reason or "", await resp.read())
            while True:
                try:
                    line = await resp.content.readline()
                except ValueError:  # a line longer than the read buffer: skip to the next
                    await resp.content.readuntil(b"\n")
                    continue
                if not line:
                    return
                yield line.decode("utf-8", "replace").rstrip("\r\n")

    # -- snapshot for the checks ---------------------------------------------------------------

    async def snapshot(self, with_logs: bool = True) -> Snapshot:
        """The store as a Snapshot, with the last lines of every failing container's logs
        (current and previous instance). Indexing 40,000 objects happens in a thread: the
        store's objects are replaced, never changed, so the list taken here stays as it was."""
        objects = list(self.store.objects())
        logs = await self.failing_container_logs() if with_logs else {}
        return await asyncio.to_thread(Snapshot.from_objects, objects, logs)

    async def failing_container_logs(self) -> dict[LogRef, list[str]]:
        """The last lines of every failing container's logs, as the snapshot holds them.

        Logs are fetched again only when they can have changed: a new restart (a new previous
        instance), a container starting or stopping, or, for a running container, its log
        being older than CURRENT_LOG_TTL_S, stalest first and at most LOG_REFRESHES_PER_ROUND
        of those a round. After the first round a round fetches only what changed."""
        wanted = await asyncio.to_thread(_wanted_logs, self.store.list("Pod"))
        now = time.monotonic()
        fetch, refresh = [], []
        for ref, version in wanted.items():
            cached = self._log_cache.get(ref)
            if cached is None or cached[1] != version:
                fetch.append(ref)
            elif version[1] and now - cached[0] >= CURRENT_LOG_TTL_S:
                refresh.append(ref)
        refresh.sort(key=lambda ref: self._log_cache[ref][0])
        limit = asyncio.Semaphore(LOG_CONCURRENCY)

        async def get(ref: LogRef) -> None:
            ns, pod, container, previous = ref
            async with limit:
                with contextlib.suppress(ApiError, aiohttp.ClientError):
                    lines = await self.logs(ns, pod, container, previous=previous)
                    self._log_cache[ref] = (time.monotonic(), wanted[ref], lines)

        await asyncio.gather(*(get(ref) for ref in fetch + refresh[:LOG_REFRESHES_PER_ROUND]))
        self._log_cache = {ref: c for ref, c in self._log_cache.items() if ref in wanted}
        return {ref: c[2] for ref, c in self._log_cache.items()}


def _wanted_logs(pods: list[dict[str, Any]]) -> dict[LogRef, LogVersion]:
    """The logs worth reading, each with what its content depends on: of every container that
    restarted, waits on a crash, or terminated with an error (the current instance's log, and
    the previous instance's once there is one)."""
    out: dict[LogRef, LogVersion] = {}
    for pod in pods:
        meta, status = pod["metadata"], pod.get("status") or {}
        for cs in (status.get("initContainerStatuses") or []) + \
                (status.get("containerStatuses") or []):
            restarts = cs.get("restartCount") or 0
            state, last = cs.get("state") or {}, cs.get("lastState") or {}
            reason = ((state.get("waiting") or state.get("terminated") or {}).get("reason") or "")
            failed_now = reason in _FAILING_REASONS or \
                (state.get("terminated") or {}).get("exitCode", 0) not in (0, None)
            ref = (meta.get("namespace"), meta["name"], cs.get("name"))
            if failed_now or restarts:
                out[(*ref, False)] = (restarts, "running" in state)
            if restarts and last.get("terminated"):
                out[(*ref, True)] = (restarts, False)
    return out


def _not_visible(message: str, namespaces: list[str], denied: list[str]) -> str:
    seen = f"showing namespaces {', '.join(namespaces)} only" if namespaces else \
        "not visible in any namespace"
    hidden = f"; not allowed in {', '.join(denied)}" if denied and namespaces else ""
    return f"not allowed across all namespaces ({message}); {seen}{hidden}"

