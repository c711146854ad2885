"""What the pod screen shows, as plain data: each container (init and sidecars too) with its
state, restarts and last exit, and the events about an object. Pure: no Textual, no I/O, so the
same functions serve the screen and its tests. Strings are cluster text, cleaned by the screen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from kubetriage.core.durations import human_duration, parse_time
from kubetriage.core.types import Obj

Health = Literal["ok", "warn", "error", "unknown"]
_BAD_WAITING = {"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerError",
                "CreateContainerConfigError", "RunContainerError", "InvalidImageName"}


@dataclass(frozen=True)
class ContainerRow:
    name: str
    role: str  # "init", "sidecar" (an init container with restartPolicy Always) or "app"
    state: str  # Running, Waiting: CrashLoopBackOff, Terminated: Completed (0), ...
    ready: str
    restarts: int
    last_exit: str  # "1 (Error) 3m ago", or "" when it never ended
    message: str  # the waiting/terminated message, if any
    image: str
    health: Health


def _state(state: Obj) -> tuple[str, str, Health]:
    if "running" in state:
        return "Running", "", "ok"
    if "waiting" in state:
        w = state["waiting"] or {}
        reason = w.get("reason") or "Waiting"
        return f"Waiting: {reason}", w.get("message") or "", \
            "error" if reason in _BAD_WAITING else "warn"
    if "terminated" in state:
        t = state["terminated"] or {}
        code = t.get("exitCode")
        return f"Terminated: {t.get('reason') or 'Exited'} ({code})", t.get("message") or "", \
            "ok" if code == 0 else "error"
    return "Unknown", "", "unknown"


def last_exit(status: Obj, now: datetime) -> str:
    t = ((status.get("lastState") or {}).get("terminated")) or {}
    if not t:
        return ""
    when = parse_time(t.get("finishedAt"))
    ago = f" {human_duration(now - when)} ago" if when else ""
    return f"{t.get('exitCode')} ({t.get('reason') or 'Exited'}){ago}"


def containers(pod: Obj, now: datetime, sidecars: Iterable[str] = ()) -> list[ContainerRow]:
    """Init containers first (sidecars among them named as such), then the app containers, in
    spec order. `sidecars`: names of init containers with restartPolicy Always (the store keeps
    no restartPolicy per container; the screen reads it from the full object)."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    sidecars = set(sidecars)
    out = []
    for key, skey in (("initContainers", "initContainerStatuses"),
                      ("containers", "containerStatuses")):
        statuses = {s.get("name"): s for s in status.get(skey) or []}
        for c in spec.get(key) or []:
            name = c.get("name") or ""
            s = statuses.get(name) or {}
            role = "app" if key == "containers" else "sidecar" if name in sidecars else "init"
            state, message, health = _state(s.get("state") or {}) if s else \
                ("Not started", "", "unknown")
            if role == "init" and health == "ok" and state == "Running":
                health = "warn"  # an init container still running holds the pod back
            restarts = s.get("restartCount") or 0
            if restarts and health == "ok":
                health = "warn"
            out.append(ContainerRow(name, role, state, "yes" if s.get("ready") else "no",
                                    restarts, last_exit(s, now), message,
                                    s.get("image") or c.get("image") or "", health))
    return out


def sidecar_names(full_pod: Obj) -> list[str]:
    return [c.get("name") or "" for c in (full_pod.get("spec") or {}).get("initContainers") or []
            if c.get("restartPolicy") == "Always"]


def log_containers(pod: Obj) -> list[str]:
    """Containers whose logs can be read: app containers first, then init ones."""
    spec = pod.get("spec") or {}
    return [c.get("name") or "" for c in (spec.get("containers") or []) +
            (spec.get("initContainers") or [])]


@dataclass(frozen=True)
class EventRow:
    type: str
    reason: str
    age: str
    count: int
    message: str
    health: Health


def _last(ev: Obj) -> datetime | None:
    series = ev.get("series") or {}
    return parse_time(series.get("lastObservedTime") or ev.get("lastTimestamp")
                      or ev.get("eventTime") or (ev.get("metadata") or {}).get(
                          "creationTimestamp"))


def events_about(events: Iterable[Obj], kind: str, name: str, now: datetime) -> list[EventRow]:
    """Events whose involvedObject is this object, newest first."""
    mine = [e for e in events if (e.get("involvedObject") or {}).get("kind") == kind
            and (e.get("involvedObject") or {}).get("name") == name]
    mine.sort(key=lambda e: _last(e) or datetime.min.replace(tzinfo=now.tzinfo), reverse=True)
    out = []
    for e in mine:
        when = _last(e)
        count = (e.get("series") or {}).get("count") or e.get("count") or 1
        warning = e.get("type") == "Warning"
        out.append(EventRow(e.get("type") or "", e.get("reason") or "",
                            human_duration(now - when) if when else "?", int(count),
                            e.get("message") or e.get("note") or "",
                            "warn" if warning else "ok"))
    return out
