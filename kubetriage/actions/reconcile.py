"""Following a Flux object until its reconcile is really over.

A reconcile is done only when the controller handled *that* request
(`status.lastHandledReconcileAt` equals the requested value), `status.observedGeneration` caught
up with `metadata.generation`, and the Ready condition moved since the request. `flux reconcile
hr` once reported success on a failed upgrade by reading a Ready condition that was still the
previous attempt's (fluxcd/flux2#1760); reading a moved condition avoids that. Two states count
without a move once the request has been handled for a settle period: Ready (a reconcile with
nothing to change leaves the condition as it was) and Stalled (the controller will not retry).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from kubetriage.actions.catalogue import Target
from kubetriage.cluster.protocol import Source
from kubetriage.core.types import Obj

# Ready/Failed/TimedOut for a reconcile; Deleted/Stuck (and TimedOut) for a delete (deletion.py)
State = Literal["Ready", "Failed", "TimedOut", "Deleted", "Stuck"]
POLL_S = 0.1
SETTLE_S = 1.0


@dataclass(frozen=True)
class Outcome:
    state: State
    message: str  # the Ready condition's last message, or why it is not judged yet
    handled: bool
    elapsed: float


def condition(obj: Obj | None, type_: str) -> Obj | None:
    for c in ((obj or {}).get("status") or {}).get("conditions") or []:
        if c.get("type") == type_:
            return c
    return None


def _key(cond: Obj | None) -> tuple:
    c = cond or {}
    return tuple(c.get(k) for k in ("status", "reason", "message", "lastTransitionTime"))


def generation_caught_up(obj: Obj) -> bool:
    observed = (obj.get("status") or {}).get("observedGeneration")
    generation = (obj.get("metadata") or {}).get("generation")
    return generation is None or (isinstance(observed, int) and observed >= generation)


def ready_state(obj: Obj | None) -> tuple[State | None, str]:
    """Ready/Failed when the object says so for its current generation, None while it is on its
    way (no Ready condition, Unknown, Progressing, an older generation)."""
    if obj is None:
        return None, "not in the cluster"
    ready, stalled = condition(obj, "Ready"), condition(obj, "Stalled")
    message = (ready or {}).get("message") or ""
    if stalled is not None and stalled.get("status") == "True":
        detail = "; ".join(m for m in (stalled.get("message"), message) if m)
        return "Failed", f"stalled: {detail}"
    if ready is None:
        return None, "no Ready condition yet"
    if not generation_caught_up(obj):
        waiting = f"generation {obj['metadata'].get('generation')} not observed yet"
        return None, f"{message} ({waiting})" if message else waiting
    if ready.get("status") == "True":
        return "Ready", message
    if ready.get("status") == "False" and ready.get("reason") != "Progressing":
        return "Failed", message
    return None, message or "in progress"


def judge(obj: Obj | None, requested_at: str, before: Obj | None,
          handled_for: float) -> tuple[State | None, str]:
    """The verdict on one reconcile request, or None while it is not over. `before` is the
    Ready condition read before the request; `handled_for` seconds since it was seen handled."""
    if obj is None:
        return None, "not in the cluster"
    handled = (obj.get("status") or {}).get("lastHandledReconcileAt")
    if handled != requested_at:
        return None, f"waiting for the controller to handle the request at {requested_at}"
    state, message = ready_state(obj)
    if state is None:
        return None, message
    if _key(condition(obj, "Ready")) != _key(before):
        return state, message
    if (state == "Ready" or message.startswith("stalled: ")) and handled_for >= SETTLE_S:
        return state, message
    return None, f"handled; Ready has not moved yet ({message})" if state == "Failed" \
        else message


async def await_reconcile(source: Source, ref: Target, requested_at: str, timeout: float, *,
                          before: Obj | None = None,
                          on_progress: Callable[[str], None] | None = None) -> Outcome:
    """Follow `ref` in source.store until judge() gives a verdict or `timeout` seconds pass.
    on_progress gets each new message (the release's conditions changing)."""
    start = time.monotonic()
    handled_at: float | None = None
    if before is None:  # not read before the request: the first look stands in for it
        before = condition(source.store.get(ref.kind, ref.namespace, ref.name), "Ready")
    last = ""
    while True:
        obj = source.store.get(ref.kind, ref.namespace, ref.name)
        now = time.monotonic()
        if obj is not None and (obj.get("status") or {}).get(
                "lastHandledReconcileAt") == requested_at and handled_at is None:
            handled_at = now
        state, message = judge(obj, requested_at, before,
                               0.0 if handled_at is None else now - handled_at)
        if message != last and on_progress is not None:
            on_progress(message)
        last = message
        if state is not None:
            return Outcome(state, message, True, now - start)
        if now - start >= timeout:
            return Outcome("TimedOut", message, handled_at is not None, now - start)
        await asyncio.sleep(POLL_S)
