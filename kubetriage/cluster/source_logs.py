"""What the live source reads of container logs: a tail on demand, a follow, and the logs the
diagnosis reads (core/logs_read.py's rule), cached while they cannot have changed, and read
early, as the pods' pages arrive, for the dashboard's first report. A mixin of ClusterSource
(source.py), which holds the connection and the store it reads with.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator

import aiohttp

from kubetriage.cluster.connect import Connection, api_error
from kubetriage.cluster.store import Store
from kubetriage.core.logs_read import (
    LOG_RULE_KINDS,
    LogVersion,
    PodReadings,
    failing_logs,
    wanted_logs,
)
from kubetriage.core.snapshot import LOG_TAIL, LogRef
from kubetriage.core.text import log_lines
from kubetriage.core.types import Obj
from kubetriage.errors import ApiError

LOG_LIMIT_BYTES = 512 * 1024  # per log request: a tail, never a whole 1 GB log
LOG_CONCURRENCY = 8
CURRENT_LOG_TTL_S = 15.0  # a running container's log is refetched at most this often
LOG_REFRESHES_PER_ROUND = 50  # running containers' logs refetched per diagnosis, at most


class SourceLogs:
    """The log reading of a ClusterSource (its conn, store and tasks)."""

    conn: Connection
    store: Store
    _tasks: set[asyncio.Task]

    def _init_logs(self, read_logs_early: bool) -> None:
        self._log_cache: dict[LogRef, tuple[float, LogVersion, list[str]]] = {}
        self._read_logs_early = read_logs_early
        self._early_logs: dict[LogRef, tuple[LogVersion, asyncio.Task]] = {}  # being fetched
        self._early_limit = asyncio.Semaphore(LOG_CONCURRENCY)
        self._readings = PodReadings()  # what the log rule read of each pod, while unchanged
        # logs the server would not give (a node gone: 500 from the kubelet proxy; RBAC: 403)
        self._log_errors: dict[LogRef, tuple[float, LogVersion, str]] = {}

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
        return log_lines(data.decode("utf-8", "replace"))[-tail:]

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

    async def diagnosis_logs(self, objects: list[Obj] | None = None) -> dict[LogRef, list[str]]:
        """The last lines of every log the diagnosis reads about these objects (the store's now,
        without them): core/logs_read.py's rule, the one a dump's diagnosis follows too.

        Logs are fetched again only when they can have changed: a new restart (a new previous
        instance), a container starting or stopping, or, for a running container, its log
        being older than CURRENT_LOG_TTL_S, stalest first and at most LOG_REFRESHES_PER_ROUND
        of those a round. After the first round a round fetches only what changed. A log the
        server would not give is left out and said by `unseen()`."""
        if objects is None:
            lists = {kind: self.store.list(kind) for kind in LOG_RULE_KINDS}
            wanted = await asyncio.to_thread(wanted_logs, lambda kind: lists.get(kind, []),
                                             self._readings)
        else:
            wanted = await asyncio.to_thread(_wanted_in, objects, self._readings)
        if self._early_logs:  # those fetched early of the same containers are waited for
            early, self._early_logs = self._early_logs, {}
            for ref, (version, task) in early.items():
                if wanted.get(ref) != version:
                    task.cancel()  # changed since: fetched again below
            await asyncio.gather(*(task for _, task in early.values()), return_exceptions=True)
        now = time.monotonic()
        fetch, refresh = [], []
        for ref, version in wanted.items():
            cached, failed = self._log_cache.get(ref), self._log_errors.get(ref)
            if failed is not None and failed[1] == version and \
                    now - failed[0] < CURRENT_LOG_TTL_S:
                continue  # a node that is gone stays gone a while: not asked every round
            if cached is None or cached[1] != version:
                fetch.append(ref)
            elif version[1] and now - cached[0] >= CURRENT_LOG_TTL_S:
                refresh.append(ref)
        refresh.sort(key=lambda ref: self._log_cache[ref][0])
        limit = asyncio.Semaphore(LOG_CONCURRENCY)

        async def get(ref: LogRef) -> None:
            async with limit:
                await self._fetch_log(ref, wanted[ref])

        await asyncio.gather(*(get(ref) for ref in fetch + refresh[:LOG_REFRESHES_PER_ROUND]))
        self._log_cache = {ref: c for ref, c in self._log_cache.items() if ref in wanted}
        self._log_errors = {ref: e for ref, e in self._log_errors.items() if ref in wanted}
        return {ref: c[2] for ref, c in self._log_cache.items()}

    def _read_early(self, pods: list[Obj]) -> None:
        """A page of the first list of pods: the logs of its failing containers (rules 1 and 2
        of core/logs_read.py, which need no other object) are fetched now, beside the list."""
        for pod in pods:
            for ref, version in failing_logs(pod).items():
                if ref not in self._early_logs and ref not in self._log_cache:
                    task = asyncio.create_task(self._fetch_early(ref, version))
                    self._early_logs[ref] = (version, task)
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)

    async def _fetch_early(self, ref: LogRef, version: LogVersion) -> None:
        async with self._early_limit:
            await self._fetch_log(ref, version)

    async def _fetch_log(self, ref: LogRef, version: LogVersion) -> None:
        """One log into the cache, or why it could not be read."""
        ns, pod, container, previous = ref
        try:
            lines = await self.logs(ns, pod, container, previous=previous)
        except ApiError as exc:
            self._log_failed(ref, version, str(exc))
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._log_failed(ref, version, "cannot reach the API server: "
                                           f"{exc or type(exc).__name__}")
        else:
            self._log_cache[ref] = (time.monotonic(), version, lines)
            self._log_errors.pop(ref, None)

    def _log_failed(self, ref: LogRef, version: LogVersion, why: str) -> None:
        cached = self._log_cache.get(ref)
        if cached is not None and cached[1] == version:
            return  # a running container's refresh failed: what was read of it still holds
        self._log_cache.pop(ref, None)
        self._log_errors[ref] = (time.monotonic(), version, why)


def _wanted_in(objects: list[Obj], readings: PodReadings) -> dict[LogRef, LogVersion]:
    by_kind: dict[str, list[Obj]] = {kind: [] for kind in LOG_RULE_KINDS}
    for obj in objects:
        if obj.get("kind") in by_kind:
            by_kind[obj["kind"]].append(obj)
    return wanted_logs(lambda kind: by_kind.get(kind, []), readings)
