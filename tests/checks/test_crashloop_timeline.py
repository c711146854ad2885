"""KT-201 on a live cluster whose crash changes cause: dapr-local (seed 004) played through the
embedded server and read by the live source, as the dashboard reads it."""

from __future__ import annotations

import asyncio

from kubetriage.cluster.source import ClusterSource
from kubetriage.diagnosis import diagnose

POD = "backend-api-6d9c7b8f5d-wq7zk"
DENIED = ("/usr/local/bin/python3.13: can't open file '/root/.local/bin/uvicorn': "
          "[Errno 13] Permission denied")
ID = f"KT-201/Pod/default/{POD}/backend-api"
PREFIX = f"Container backend-api of pod default/{POD} is crash-looping"


async def crash(source: ClusterSource):
    """The crash-loop finding for the backend container, or None."""
    report = diagnose(await source.snapshot())
    return next((f for f in report.findings if f.id == ID), None)


async def test_fires_with_permission_denied_once_it_replaces_the_missing_module():
    # the timeline restarts the container at 170 s with the new error: 1.7 s at speed 100
    source = await ClusterSource.open(demo="dapr-local", demo_options={"speed": 100})
    async with source:
        await source.wait_synced(10)
        first = await crash(source)
        assert first is not None
        assert first.summary == f"{PREFIX} (12 restarts): Python module 'dapr' is not " \
                                "installed in the image."
        for _ in range(100):
            later = await crash(source)
            if later is not None and "13 restarts" in later.summary:
                break
            await asyncio.sleep(0.1)
        assert later is not None
        assert later.summary == f"{PREFIX} (13 restarts): permission denied on " \
                                "/root/.local/bin/uvicorn for the container's user."
        assert DENIED in later.evidence
        assert later.evidence[:2] == ["backend-api: CrashLoopBackOff, 13 restarts",
                                      "last exit: code 2 (Error)"]
