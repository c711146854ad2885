"""A reflector: keeps the store's copy of one kind (cluster-wide or in one namespace) exact.

client-go's semantics, because they are the ones known to be right:
- list in pages, then watch from the list's resourceVersion with allowWatchBookmarks and a
  randomised timeoutSeconds; record the resourceVersion of every event, bookmarks included;
- a watch that ends normally is resumed from the last resourceVersion, at once;
- 410 Gone (on the watch or as an ERROR event) means the server forgot that version: relist, and
  the relist replaces the kind in the store, deleting whatever vanished meanwhile;
- any other failure: back off 0.8 s doubling to 30 s with jitter (reset after 2 healthy minutes)
  and try again, forever;
- a server whose history does not continue ours (a resourceVersion going backwards, a watch
  answered "too large resource version", a relist older than what we saw) was replaced or
  restored from a backup: relist, and tell the source (`on_diverged`), which relists every kind;
  after a failure, before watching again, ask the source whether the server is still the same
  one (`check_server`);
- a watch that receives nothing for `idle_timeout` (bookmarks included) is presumed dead (a
  half-open TCP connection otherwise hangs for 15 minutes) and re-established.

Raw bytes in, decoded straight into what the store keeps (pods and events, most of a cluster)
or by orjson and slimmed at the edge; the client's model classes are never used.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from kubetriage.cluster.connect import Connection, api_error
from kubetriage.cluster.slim import decode_list, slim
from kubetriage.cluster.store import Store
from kubetriage.core.gcpause import gc_paused
from kubetriage.core.resources import Resource
from kubetriage.errors import ApiError

log = logging.getLogger(__name__)

PAGE_SIZE = 500
PREFETCH_TURNS = 2  # loop turns for aiohttp to send a request on a pooled connection
IDLE_TIMEOUT_S = 90.0
MIN_WATCH_TIMEOUT_S = 300  # client-go's minWatchTimeout; each watch asks for 1-2x this


class Gone(Exception):
    """410: the resourceVersion asked for is older than the server remembers."""


class Diverged(Exception):
    """The server's history does not continue the one we followed: it was replaced or restored."""


class Forbidden(Exception):
    """403 on a list or watch: this user may not see the kind in this scope."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Backoff:
    """client-go's reflector backoff: 0.8 s doubling to 30 s, jitter 1.0, reset after 2 minutes
    without a failure."""

    initial: float = 0.8
    cap: float = 30.0
    reset_after: float = 120.0
    jitter: float = 1.0
    _current: float = field(default=0.0, init=False)
    _last: float = field(default=float("-inf"), init=False)

    def next(self) -> float:
        now = time.monotonic()
        if now - self._last > self.reset_after:
            self._current = self.initial
        else:
            self._current = min(self._current * 2, self.cap)
        self._last = now
        return self._current * (1 + random.random() * self.jitter)


class Reflector:
    def __init__(self, conn: Connection, resource: Resource, store: Store, *,
                 namespace: str | None = None, page_size: int = PAGE_SIZE,
                 idle_timeout: float = IDLE_TIMEOUT_S,
                 min_watch_timeout: int = MIN_WATCH_TIMEOUT_S,
                 backoff: Backoff | None = None,
                 check_server: Callable[[], Awaitable[bool]] | None = None,
                 on_diverged: Callable[[Reflector, str], None] | None = None,
                 on_first_pages: Callable[[list[dict[str, Any]]], None] | None = None) -> None:
        """on_first_pages: given each page's kept objects as it is read, until the first list
        is complete (the store has them only then)."""
        self.conn, self.resource, self.store = conn, resource, store
        self.on_first_pages = on_first_pages
        self.namespace = namespace
        self.page_size = page_size
        self.idle_timeout = idle_timeout
        self.min_watch_timeout = min_watch_timeout
        self.backoff = backoff or Backoff()
        self.synced = asyncio.Event()  # set after the first complete list
        # the first list while under way: its objects read so far (not in the store until it
        # is whole), and how many it will hold (read + the server's remainingItemCount)
        self.partial: list[dict[str, Any]] = []
        self.pages_read = 0
        self.expected: int | None = None
        self.resource_version = ""
        self.relists = 0  # how many lists were needed (1 + one per 410 or failure)
        self.forbidden = False
        self._suspect = False  # the last watch went silent: the next is live once it speaks
        self.kind = resource.kind
        self._path = resource.path(namespace)
        self.check_server = check_server  # True when the server is no longer the one listed
        self.on_diverged = on_diverged
        # the last request failed or a watch ended before its time: the server may have been
        # replaced, and a new one at the same address would take the next watch without a word
        self._doubt = False
        self._relist: str | None = None  # why the next turn must relist (set from outside)
        self._resp: aiohttp.ClientResponse | None = None  # the watch being read

    def request_relist(self, reason: str) -> None:
        """Relist at the next turn, ending the watch being read now (the source's call when
        the server is found replaced)."""
        self._relist = reason
        if self._resp is not None:
            self._resp.close()

    async def run(self) -> None:
        """List and watch forever. Raises Forbidden on a 403 (the source decides what then)."""
        self.store.set_state(self.kind, "syncing", namespace=self.namespace)
        need_list = True
        while True:
            try:
                if self._doubt and self.check_server is not None:
                    if await self.check_server():  # it also asked every reflector to relist
                        need_list = True
                    self._doubt = False
                if self._relist is not None:
                    self.store.set_state(self.kind, "reconnecting", f"server replaced "
                                         f"({self._relist}): relisting", namespace=self.namespace)
                    need_list, self._relist = True, None
                if need_list:
                    await self._list()
                    need_list = self._relist is not None  # replaced again meanwhile
                    self._relist = None
                    self.store.set_state(self.kind, "live", namespace=self.namespace)
                    if need_list:
                        continue
                started = time.monotonic()
                if await self._watch() or time.monotonic() - started > 1 or self._relist:
                    continue  # a normal end: resume from the last resourceVersion at once
                error = "watch ended at once without an event"  # client-go: "very short watch"
            except Gone:
                need_list = True
                self.store.set_state(self.kind, "reconnecting", "410 Gone: relisting",
                                     namespace=self.namespace)
                continue
            except Diverged as exc:
                need_list = True
                self.store.set_state(self.kind, "reconnecting", f"{exc}: relisting",
                                     namespace=self.namespace)
                if self.on_diverged is not None:
                    self.on_diverged(self, str(exc))
                continue
            except Forbidden as exc:
                self.forbidden = True
                self.store.set_state(self.kind, "forbidden", exc.message, namespace=self.namespace)
                raise
            except (TimeoutError, aiohttp.ServerTimeoutError):
                # read-idle: the connection may be half-open; a new watch is the only way to know
                self._suspect = True
                self.store.set_state(self.kind, "reconnecting",
                                     f"no data for {self.idle_timeout:g} s: watch presumed dead",
                                     namespace=self.namespace)
                continue
            except (ApiError, aiohttp.ClientError, OSError, ValueError) as exc:
                if self._relist is not None:
                    continue  # the watch was ended from outside: relist at once
                error = _describe(exc)
                self._doubt = True
            # a failed list is retried whole; a failed watch resumes from the last version
            # (a 410 then says if that is too old)
            delay = self.backoff.next()
            self.store.set_state(self.kind, "reconnecting", error, namespace=self.namespace,
                                 retry_at=time.time() + delay)
            log.info("%s%s: %s; retrying in %.1f s", self.kind,
                     f" in {self.namespace}" if self.namespace else "", error, delay)
            await asyncio.sleep(delay)

    async def _list(self) -> None:
        """All pages, then one replace: the store never shows a half-listed kind.

        The list's metadata precedes its items, so the next page is asked for before this one
        is decoded: the server builds it while we read this one (half the time of a 40k-object
        list is the server's)."""
        items: list[dict[str, Any]] = []
        if not self.synced.is_set():
            self.partial, self.pages_read, self.expected = items, 0, None
        params: dict[str, Any] = {"limit": self.page_size} if self.page_size else {}
        ahead: tuple[str, asyncio.Future[bytes]] | None = None  # (continue token, its page)
        try:
            while True:
                try:
                    if ahead is not None and ahead[0] == params.get("continue"):
                        body = await ahead[1]
                    else:
                        body = await self.conn.get_bytes(self._path, params)
                except ApiError as exc:
                    if exc.status == 410 and params.get("continue"):
                        # the continue token expired mid-list: start over in one piece, as
                        # client-go does
                        items, params = [], {}
                        self.partial, self.pages_read, self.expected = items, 0, None
                        continue
                    if exc.status == 404:  # the kind is no longer served here: none is left
                        self.store.replace(self.resource.kind, (), self.namespace)
                    raise _classify(exc) from None
                _drop(ahead)
                token = _continue_token(body)
                ahead = (token, asyncio.ensure_future(self.conn.get_bytes(
                    self._path, {**params, "continue": token}))) if token else None
                for _ in range(PREFETCH_TURNS):  # the request leaves before the decode blocks
                    await asyncio.sleep(0)
                read = len(items)
                meta = self._decode(body, items)
                del body
                if not self.synced.is_set():
                    self._progress(items, meta)
                    if self.on_first_pages is not None:
                        self.on_first_pages(items[read:])
                token = meta.get("continue")
                if not token:
                    break
                params = {**params, "continue": token}
        finally:
            _drop(ahead)
        before, self.resource_version = self.resource_version, meta.get("resourceVersion", "")
        self.store.replace(self.resource.kind, items, self.namespace)
        self.relists += 1
        self.synced.set()
        self.partial, self.expected = [], None  # the store has them now
        if older(self.resource_version, before) and self.on_diverged is not None:
            # a relist that disagrees: this kind is right now, the others are behind a new server
            self.on_diverged(self, f"the server's resourceVersion went back from {before} to "
                                   f"{self.resource_version}")

    def _progress(self, items: list[dict[str, Any]], meta: dict[str, Any]) -> None:
        self.pages_read += 1  # self.partial is `items` already
        remaining = meta.get("remainingItemCount")
        self.expected = len(items) + remaining if isinstance(remaining, int) else \
            None if meta.get("continue") else len(items)

    def _decode(self, body: bytes, items: list[dict[str, Any]]) -> dict[str, Any]:
        """The page's items, kept, appended to items; returns the list's metadata."""
        kind, api_version = self.resource.kind, self.resource.api_version
        # the items stay in the store: frozen, no collection walks them again and again
        with gc_paused(long_lived=True):
            if (page := decode_list(body, kind, api_version)) is not None:
                items.extend(page[0])
                return page[1]
            doc = orjson.loads(body)
            for obj in doc.get("items") or ():
                obj["kind"] = kind  # list items carry neither on a real server
                obj["apiVersion"] = api_version
                items.append(slim(obj))
        meta = doc.get("metadata")
        return meta if isinstance(meta, dict) else {}

    async def _watch(self) -> int:
        """One watch, until the server ends it or the connection drops: both are a normal end,
        as client-go's stream decoder treats an unexpected EOF. Returns the events seen."""
        params = {"watch": True, "allowWatchBookmarks": True,
                  "resourceVersion": self.resource_version,
                  "timeoutSeconds": int(self.min_watch_timeout * (1 + random.random()))}
        ends = time.monotonic() + params["timeoutSeconds"] - 1
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=self.idle_timeout)
        resp = await self.conn.request("GET", self._path, params, timeout=timeout)
        self._resp = resp
        try:
            events = await self._read_watch(resp)
        finally:
            self._resp = None
        # ended cleanly before its time: a server going away ends its watches so (an idle
        # timeout is a silent connection, not a server gone, and is not doubted)
        self._doubt = self._doubt or time.monotonic() < ends
        return events

    async def _read_watch(self, resp: aiohttp.ClientResponse) -> int:
        async with resp:
            if resp.status != 200:
                raise _classify(api_error(resp.status, resp.reason or "", await resp.read()))
            if not self._suspect:
                self.store.set_state(self.kind, "live", namespace=self.namespace)
            kind, api_version = self.resource.kind, self.resource.api_version
            apply = self.store.apply
            events = 0
            while True:
                try:
                    line = await resp.content.readline()
                except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError):
                    self.store.set_state(self.kind, "reconnecting", "watch cut off mid-stream",
                                         namespace=self.namespace)
                    return events
                if not line:
                    return events
                if not line.strip():
                    continue
                events += 1
                if self._suspect:
                    self._suspect = False
                    self.store.set_state(self.kind, "live", namespace=self.namespace)
                event = orjson.loads(line)
                etype, obj = event.get("type"), event.get("object") or {}
                if etype == "ERROR":
                    raise _classify(ApiError(int(obj.get("code") or 500),
                                             str(obj.get("reason") or "Error"),
                                             str(obj.get("message") or "")))
                rv = (obj.get("metadata") or {}).get("resourceVersion")
                if rv and older(rv, self.resource_version):
                    raise Diverged(f"the server's resourceVersion went back from "
                                   f"{self.resource_version} to {rv}")
                if etype in ("ADDED", "MODIFIED", "DELETED"):
                    obj["kind"] = kind
                    obj["apiVersion"] = api_version
                    apply(etype, slim(obj))
                if rv:
                    self.resource_version = rv  # bookmarks too: resuming from here is cheap


def _classify(exc: ApiError) -> Exception:
    if exc.status == 410:
        return Gone(str(exc))
    if exc.status == 504 and "too large resource version" in exc.message.lower():
        # a real server's answer to a version it never reached: it was restored or replaced
        return Diverged(f"the server has not reached resourceVersion ({exc.message})")
    if exc.status == 403:
        return Forbidden(exc.message or str(exc))
    return exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ApiError):
        return str(exc)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"cannot connect: {exc.os_error.strerror or exc.os_error}"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "watch cut off mid-stream"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server closed the connection"
    return str(exc) or type(exc).__name__


def older(rv: str, than: str) -> bool:
    """rv is before `than`. resourceVersions are opaque, but every server kubetriage knows
    (etcd revisions, the embedded one) counts up; anything else is never called older."""
    return rv.isdigit() and than.isdigit() and int(rv) < int(than)


_CONTINUE = re.compile(rb'"continue":"([^"\\]*)"')


def _continue_token(body: bytes) -> str | None:
    """The continue token from the list's metadata, read before the items without decoding the
    page; None when it is not plainly there (the page is then decoded first, as before)."""
    items = body.find(b'"items":')
    m = _CONTINUE.search(body, 0, items if items >= 0 else min(len(body), 4096))
    return m.group(1).decode() if m else None


def _drop(ahead: tuple[str, asyncio.Future[bytes]] | None) -> None:
    """A page asked for ahead that will not be read: cancelled, or its error taken."""
    if ahead is None:
        return
    task = ahead[1]
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()
