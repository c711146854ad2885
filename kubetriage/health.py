"""An object's health as verify judges it, and its report shows it: a pod's row and the reason it
is failing, its restarts, a release's timeout, and which changes during the stability window count
as regressions (a failing pod, a release no longer Ready) and which are something healing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubetriage.actions.reconcile import condition
from kubetriage.core import durations
from kubetriage.core.podstatus import pod_cells
from kubetriage.core.types import Obj

BAD_WAITING = {"ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff"}
DEFAULT_RELEASE_TIMEOUT_S = 300.0  # a HelmRelease without spec.timeout: flux's 5m


def name_of(obj: Obj) -> str:
    meta = obj.get("metadata") or {}
    return f"{meta.get('namespace')}/{meta.get('name')}" if meta.get("namespace") \
        else str(meta.get("name"))


def pod_row(pod: Obj) -> tuple[str, str, str, str]:
    """(name, ready, status, restarts) as kubectl get pods prints them, without the ages."""
    cells = pod_cells(pod, datetime.now(UTC))
    return str(cells[0]), str(cells[1]), str(cells[2]), str(cells[3]).split(" (")[0]


def bad_pod_reason(pod: Obj) -> str | None:
    status = pod.get("status") or {}
    for cs in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses")
                                                             or []):
        reason = ((cs.get("state") or {}).get("waiting") or {}).get("reason")
        if reason in BAD_WAITING:
            return f"{cs.get('name')}: {reason}"
    return None


def restarts(pod: Obj) -> int:
    status = pod.get("status") or {}
    return sum(cs.get("restartCount") or 0 for cs in (status.get("initContainerStatuses") or [])
               + (status.get("containerStatuses") or []))


def release_timeout(release: Obj) -> float:
    text = (release.get("spec") or {}).get("timeout")
    try:
        return durations.parse(text) if text else DEFAULT_RELEASE_TIMEOUT_S
    except durations.DurationError:
        return DEFAULT_RELEASE_TIMEOUT_S


def state_text(obj: Obj) -> str:
    if obj.get("kind") == "Pod":
        _, ready, status, count = pod_row(obj)
        return f"{status} {ready}, {count} restarts"
    ready = condition(obj, "Ready") or {}
    return f"Ready={ready.get('status', '?')} {ready.get('reason') or ''}".strip()


def regressions(baseline: dict[str, Any], now: dict[str, Any]) -> list[str]:
    out = []
    for key, value in now.items():
        before = baseline.get(key)
        if before is None:  # a new pod: a regression only when it fails
            if isinstance(value, tuple) and value[0] != "ok":
                out.append(f"{key}: new and failing: {value[0]}")
        elif value != before and not _better(before, value):
            out.append(f"{key}: {_health_text(before)} -> {_health_text(value)}")
    return out


def _health_text(value: Any) -> str:
    return f"{value[0]}, {value[1]} restarts" if isinstance(value, tuple) else str(value)


def _better(before: Any, after: Any) -> bool:
    """A change the stability window does not count against: something healing."""
    if isinstance(before, tuple):  # pods: (failing reason or ok, restarts)
        return after[0] == "ok" and after[1] <= before[1]
    return after in ("Ready", "endpoints")
