"""Following a delete until the object is gone, judged by what the server then shows.

The API server accepting a DELETE is not the object gone. A pod bound to a node is deleted
gracefully: the server sets `deletionTimestamp` and `deletionGracePeriodSeconds`, and only the
pod's kubelet, once its containers stopped, removes it. On a node that is gone nothing ever does,
and `kubectl get` shows the pod Terminating for ever; an object with finalizers waits for their
controllers in the same way. So a delete is "Deleted" when the object is gone, and "Stuck" when
it is still there past its grace period (plus a kubelet's usual lag), with what to do next.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from kubetriage.actions.catalogue import Target
from kubetriage.actions.reconcile import POLL_S, Outcome
from kubetriage.cluster.protocol import Source
from kubetriage.core.types import Obj
from kubetriage.errors import ApiError

KUBELET_LAG_S = 5.0  # a live kubelet removes a pod within seconds of its grace period's end


def grace_of(answer: Obj | None) -> int | None:
    """The grace period the server gave a delete whose object is now terminating (0 when only
    finalizers hold it), or None when the object went at once."""
    meta = (answer or {}).get("metadata") or {}
    grace = meta.get("deletionGracePeriodSeconds")
    grace = grace if isinstance(grace, int) else 0
    pending = meta.get("deletionTimestamp") and (grace > 0 or meta.get("finalizers"))
    return grace if pending else None


async def await_deletion(source: Source, target: Target, grace: int | None, sent_at: float,
                         timeout: float,
                         on_progress: Callable[[str], None] | None = None) -> Outcome:
    """Until `target` is gone ("Deleted"), or its grace period (counted from `sent_at`, the
    monotonic time the delete was answered) and KUBELET_LAG_S passed ("Stuck"), or `timeout`
    seconds from now passed first ("TimedOut": not judged yet)."""
    start = time.monotonic()
    deadline = sent_at + (grace or 0) + KUBELET_LAG_S
    last = ""
    while True:
        now = time.monotonic()
        obj = source.store.get(target.kind, target.namespace, target.name)
        if obj is None and await _gone(source, target):
            return Outcome("Deleted", f"{target} is gone", True, now - start)
        if now >= deadline:
            break
        left = max(0, round(sent_at + (grace or 0) - now))
        message = f"{target} terminating: {left} s of its {grace} s grace period left" \
            if grace and left else f"{target} terminating: waiting for it to go"
        if message != last and on_progress is not None:
            on_progress(message)
        last = message
        if now - start >= timeout:
            return Outcome("TimedOut", message, False, now - start)
        await asyncio.sleep(POLL_S)
    # past its grace period: the server's own answer, not the store's (it may lag a watch)
    try:
        obj = await source.conn.get_json(target.resource.path(target.namespace, target.name))
    except ApiError as exc:
        if exc.status == 404:
            return Outcome("Deleted", f"{target} is gone", True, time.monotonic() - start)
        raise
    return Outcome("Stuck", stuck_message(target, obj, time.monotonic() - sent_at), True,
                   time.monotonic() - start)


def stuck_message(target: Target, obj: Obj, elapsed: float) -> str:
    """What the user must read about an object that outlived its deletion."""
    meta = obj.get("metadata") or {}
    after = f"still terminating after {round(elapsed)} s"
    finalizers = [f for f in meta.get("finalizers") or [] if isinstance(f, str)]
    if finalizers:
        return f"{target} {after}: waiting for its finalizers ({', '.join(finalizers)}), " \
               "which their controllers remove"
    if target.kind == "Pod":
        node = (obj.get("spec") or {}).get("nodeName")
        grace = meta.get("deletionGracePeriodSeconds")
        return f"{target} {after} (grace period {grace} s): its node{f' {node}' if node else ''}" \
               " may be gone or its kubelet not answering; force delete?"
    return f"{target} {after}"


async def _gone(source: Source, target: Target) -> bool:
    """The store no longer has it: confirmed by the server (a watch can be behind a list)."""
    try:
        await source.conn.get_json(target.resource.path(target.namespace, target.name))
    except ApiError as exc:
        return exc.status == 404
    return False
