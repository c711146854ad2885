"""Helpers for the seed scenarios' HTTP tests: raw answers of kubernetes-asyncio calls, and one
server per module whose timeline waits (at this speed it never gets going)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import orjson

from kubetriage.sim.server import ThreadedSim, run_in_thread


async def raw_json(call, *args, **kwargs):
    return orjson.loads(await (await call(*args, _preload_content=False, **kwargs)).read())


async def raw_text(call, *args, **kwargs) -> str:
    return (await (await call(*args, _preload_content=False, **kwargs)).read()).decode()


@contextmanager
def still_server(scenario: str) -> Iterator[ThreadedSim]:
    """The scenario as recorded: served, with its timeline held."""
    with run_in_thread(scenario, speed=1e-6) as server:
        yield server
