"""The embedded server's pod logs: each container's current and previous instance, as many lines
as a kubelet keeps, and the streams that follow them (`kubectl logs -f`).

The object store (state.py) holds one PodLogs: it loads a scenario's logs, starts a container
again (its current log becomes the previous one) and forgets a deleted pod's logs through it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kubetriage.cluster.dump import LogKey
from kubetriage.core.text import log_lines
from kubetriage.core.types import Obj

LOG_LINES = 10000  # lines kept per container instance


def now_precise() -> datetime:
    return datetime.now(UTC)


@dataclass
class LogLine:
    at: datetime
    text: str


@dataclass
class ContainerLog:
    current: deque[LogLine] = field(default_factory=lambda: deque(maxlen=LOG_LINES))
    previous: deque[LogLine] | None = None
    followers: set[asyncio.Queue] = field(default_factory=set)


class PodLogs:
    def __init__(self) -> None:
        self._logs: dict[tuple[str, str, str], ContainerLog] = {}

    def get(self, namespace: str, pod: str, container: str) -> ContainerLog:
        return self._logs.setdefault((namespace, pod, container), ContainerLog())

    def append(self, namespace: str, pod: str, container: str, lines: Iterable[str]) -> None:
        log = self.get(namespace, pod, container)
        at = now_precise()
        new = [LogLine(at, text) for text in lines]
        log.current.extend(new)
        for q in log.followers:
            q.put_nowait(new)

    def load(self, key: LogKey, text: str, started: datetime) -> None:
        """A scenario's log of one container instance, its lines dated when it started."""
        log = self.get(key.namespace, key.pod, key.container)
        lines = deque((LogLine(started, t) for t in log_lines(text)), maxlen=LOG_LINES)
        if key.previous:
            log.previous = lines
        else:
            log.current = lines

    def restart(self, namespace: str, pod: str, container: str, *, repeat: bool) -> None:
        """The container started again: its current log becomes the previous one, and a
        crash-looping container (`repeat`) prints the same lines again. Followers of the
        instance that ended are told so."""
        log = self.get(namespace, pod, container)
        log.previous = log.current
        log.current = deque(maxlen=LOG_LINES)
        if repeat:
            at = now_precise()
            log.current.extend(LogLine(at, line.text) for line in log.previous)
        _end_followers(log)

    def forget_pod(self, namespace: str, pod: str) -> None:
        """A deleted pod's logs go with it; their followers are told the stream ended."""
        for key in [k for k in self._logs if k[:2] == (namespace, pod)]:
            _end_followers(self._logs.pop(key))

    def close(self) -> None:
        """End every follow (the server is stopping)."""
        for log in self._logs.values():
            _end_followers(log)


def started_at(pod: Obj, container: str, previous: bool) -> datetime:
    """When the container's current (or previous) instance started, as its status says."""
    statuses = [s for k in ("containerStatuses", "initContainerStatuses")
                for s in (pod.get("status") or {}).get(k, [])]
    st = next((s for s in statuses if s.get("name") == container), {})
    # a waiting (crash-looping) container's current log is its last instance's
    states = [st.get("lastState")] if previous else [st.get("state"), st.get("lastState")]
    for state in states:
        for detail in (state or {}).values():
            if isinstance(detail, dict) and detail.get("startedAt"):
                return datetime.fromisoformat(detail["startedAt"].replace("Z", "+00:00"))
    return now_precise()


def _end_followers(log: ContainerLog) -> None:
    for q in log.followers:
        q.put_nowait(None)
    log.followers.clear()
