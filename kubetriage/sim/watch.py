"""Watches: one JSON event a line, streamed as the store changes.

resourceVersion "" or "0" starts with a synthetic ADDED per current object; a number replays the
changes after it from the window (or answers 410 Expired when it is older than the window, and
504 "Too large resource version" when this server never reached it), then the watch goes live.
Bookmarks are sent when idle if asked for; timeoutSeconds ends the stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

import orjson
from aiohttp import web

from kubetriage.core.types import Obj
from kubetriage.sim import api, encoding
from kubetriage.sim.errors import StatusError
from kubetriage.sim.routes import PathTarget
from kubetriage.sim.state import WatchChange, at_version

if TYPE_CHECKING:
    from kubetriage.sim.server import SimServer

DEFAULT_TIMEOUT = 1800.0  # a real server's minRequestTimeout
IDLE_CHECK = 1.0  # how often an idle stream looks whether its client went away
DROP_AFTER = 1.0  # a dropped watch with nothing to send is cut after this long


def _visible(change: WatchChange, namespace: str | None,
             match: Callable[[Obj], bool] | None) -> str | None:
    """The event type this watcher sees for a change, or None: a MODIFIED object that starts or
    stops matching the selector is ADDED or DELETED for it, as on a real server."""
    ns = change.obj["metadata"].get("namespace")
    if namespace is not None and ns != namespace:
        return None
    if match is None:
        return change.type
    now_in = match(change.obj)
    was_in = change.old is not None and match(change.old)
    if change.type == "ADDED":
        return "ADDED" if now_in else None
    if change.type == "DELETED":
        return "DELETED" if was_in or now_in else None
    if now_in and was_in:
        return "MODIFIED"
    if now_in:
        return "ADDED"
    return "DELETED" if was_in else None


class _Stream:
    def __init__(self, request: web.Request, target: PathTarget, form: str) -> None:
        self.request, self.target, self.form = request, target, form
        self.response = web.StreamResponse(headers={"Content-Type": encoding.JSON})
        self.columns_sent = False
        self.lines = 0

    async def open(self) -> None:
        await self.response.prepare(self.request)

    def gone(self) -> bool:
        transport = self.request.transport
        return transport is None or transport.is_closing()

    async def send(self, kind: str, obj: Obj) -> None:
        if kind not in ("ERROR", "BOOKMARK"):
            obj = at_version(obj, self.target.resource)
            if self.form == "Table":
                table = encoding.table(self.target.resource, [obj],
                                       self.request.query.get("includeObject"))
                if self.columns_sent:  # as the real server: column definitions come once
                    table["columnDefinitions"] = []
                self.columns_sent = True
                obj = table
            elif self.form == "PartialObjectMetadata":
                obj = encoding.partial_metadata(obj)
        await self.response.write(orjson.dumps({"type": kind, "object": obj}) + b"\n")
        self.lines += 1


async def serve(server: SimServer, request: web.Request, target: PathTarget) -> web.StreamResponse:
    q, state, res = request.query, server.state, target.resource
    match = api.matcher(request, target)
    rv_param = q.get("resourceVersion", "")
    try:
        timeout = float(q.get("timeoutSeconds") or DEFAULT_TIMEOUT)
        since = int(rv_param) if rv_param not in ("", "0") else None
    except ValueError:
        raise StatusError.bad_request(f"invalid resourceVersion or timeoutSeconds: "
                                   f"{rv_param!r}") from None
    bookmarks = api.flag(request, "allowWatchBookmarks")
    initial_events = q.get("sendInitialEvents") == "true"
    fault = server.faults.next_watch()
    stream = _Stream(request, target, encoding.wanted_form(request.headers.get("Accept")))
    sub = state.subscribe(res)  # before reading the backlog: nothing falls in between
    try:
        backlog: list[tuple[str, Obj]] = []
        error: StatusError | None = None
        if since is None or initial_events:
            for obj in state.list(res, target.namespace):
                if match is None or match(obj):
                    backlog.append(("ADDED", obj))
        elif since > state.rv:
            # a version this server never reached (the client followed another one, or this
            # one was restored from a backup): a real server's watch cache says so
            error = StatusError.too_large_resource_version(since, state.rv)
        else:
            try:
                for change in state.changes_since(res, since):
                    kind = _visible(change, target.namespace, match)
                    if kind:
                        backlog.append((kind, change.obj))
            except StatusError as exc:
                error = exc
        if fault == "gone":
            error = StatusError.gone(f"too old resource version: {since or 0} "
                                  f"({state.resource_version})")
        await stream.open()
        if error is not None:
            await stream.send("ERROR", error.status())
            return stream.response
        for kind, obj in backlog:
            await stream.send(kind, obj)
            if fault == "drop":
                return _cut(stream)
        if initial_events:
            await stream.send("BOOKMARK", _bookmark(res, state.resource_version, initial=True))
        if fault == "stall":
            await _idle(stream, timeout)
            return stream.response
        await _live(server, stream, sub, match, timeout, bookmarks, fault == "drop")
        return _cut(stream) if fault == "drop" else stream.response
    except ConnectionResetError:  # the client went away mid-write: its watch is over
        return stream.response
    finally:
        sub.close()


async def _live(server: SimServer, stream: _Stream, sub, match, timeout: float,
                bookmarks: bool, drop: bool) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    next_bookmark = loop.time() + server.bookmark_interval
    started = loop.time()
    while not stream.gone():
        now = loop.time()
        if now >= deadline or (drop and now - started >= DROP_AFTER):
            return
        wait = min(deadline - now, IDLE_CHECK)
        try:
            change = await asyncio.wait_for(sub.queue.get(), wait)
        except TimeoutError:
            if bookmarks and loop.time() >= next_bookmark and sub.queue.empty():
                await stream.send("BOOKMARK", _bookmark(stream.target.resource,
                                                        server.state.resource_version))
                next_bookmark = loop.time() + server.bookmark_interval
            continue
        if change is None:  # fell too far behind, or the server is stopping
            return
        kind = _visible(change, stream.target.namespace, match)
        if kind:
            await stream.send(kind, change.obj)
            if drop:
                return


async def _idle(stream: _Stream, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not stream.gone() and loop.time() < deadline:
        await asyncio.sleep(IDLE_CHECK)


def _cut(stream: _Stream) -> web.StreamResponse:
    """Close the connection without ending the chunked body: the client sees a broken stream
    after the last whole line, as when a load balancer drops a watch."""
    if stream.request.transport is not None:
        stream.request.transport.close()
    return stream.response


def _bookmark(res, rv: str, initial: bool = False) -> Obj:
    meta: Obj = {"resourceVersion": rv}
    if initial:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return {"kind": res.kind, "apiVersion": res.api_version, "metadata": meta}
