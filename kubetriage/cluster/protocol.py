"""The cluster as the dashboard, verify and the actions see it: what they call of a source.

ClusterSource (source.py) is the one implementation; they are typed against this protocol so that
what crosses the boundary is written down in one place, and a method they start to use is added
here on purpose. The store is read, never written, above this line; mutations go through the
connection's `request` (actions/runner.py), after an access review and a server dry run.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from typing import Any, Protocol

from kubetriage.cluster.connect import Connection
from kubetriage.cluster.store import Store
from kubetriage.core.resources import Resource
from kubetriage.core.snapshot import LOG_TAIL, LogRef, Snapshot
from kubetriage.core.types import Obj
from kubetriage.core.unseen import Unseen


class Source(Protocol):
    @property
    def store(self) -> Store: ...

    @property
    def conn(self) -> Connection: ...

    @property
    def read_only(self) -> bool:
        """Opened with --read-only: its connection sends no change."""
        ...

    @property
    def demo(self) -> object | None:
        """The embedded server when the source runs one (`--demo`), else None."""
        ...

    async def wait_synced(self, timeout: float | None = None,
                          kinds: Iterable[str] | None = None) -> None: ...

    def first_pages_in(self) -> bool:
        """Every kind has answered its first list request (a page, the whole list, or no)."""
        ...

    def listing(self) -> dict[str, tuple[int, int | None]]:
        """The kinds still being listed: objects read, of how many (None: not said)."""
        ...

    def partial(self, kind: str) -> list[Obj]:
        """The objects of a kind still being listed, read so far (not in the store yet)."""
        ...

    async def close(self) -> None: ...

    async def access_review(self, verb: str, resource: Resource, namespace: str | None,
                            name: str = "", subresource: str = "") -> dict[str, Any]: ...

    async def get_object(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]: ...

    async def helm_release_secrets(self, namespace: str, release: str) -> list[dict[str, Any]]: ...

    async def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False,
                   tail: int = LOG_TAIL) -> list[str]: ...

    def follow(self, namespace: str, pod: str, container: str, *,
               tail: int = 100) -> AsyncGenerator[str, None]: ...

    async def snapshot(self, with_logs: bool = True) -> Snapshot: ...

    async def diagnosis_logs(self, objects: list[Obj] | None = None
                             ) -> dict[LogRef, list[str]]: ...

    def unseen(self, *, unsynced: bool = False, logs: bool = True) -> Unseen:
        """What the user cannot see now (kinds, logs), and why: core/unseen.py."""
        ...
