"""A live source on an embedded server per test, and the audit log in tmp_path."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from kubetriage.actions import Actions
from kubetriage.cluster.source import ClusterSource


async def open_source(scenario: str = "midwestmtg", **demo_options) -> ClusterSource:
    source = await ClusterSource.open(demo=scenario, demo_options={"speed": 10, **demo_options})
    await source.wait_synced(timeout=20)
    return source


async def eventually(check, timeout: float = 5.0):
    """Poll until check() is truthy (the store follows the server by watch)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = check()
        if value or loop.time() > deadline:
            return value
        await asyncio.sleep(0.05)


def audit_lines(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_text().splitlines()] if path.exists() \
        else []


@pytest.fixture
async def midwest():
    source = await open_source()
    try:
        yield source
    finally:
        await source.close()


@pytest.fixture
def actions(midwest, audit_path) -> Actions:
    return Actions(midwest)
