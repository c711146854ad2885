"""Fixtures for the cluster source: a small generated cluster served by the embedded server."""

from __future__ import annotations

import asyncio
import time

import pytest

from kubetriage.cluster.reflector import Backoff
from kubetriage.core.resources import by_kind
from kubetriage.sim.generate import generate_scenario

POD = by_kind("v1", "Pod")
EVENT = by_kind("v1", "Event")
HR = by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")

# Tests cannot wait 0.8-30 s per failure: the same doubling, in tens of milliseconds.
FAST_BACKOFF = Backoff(initial=0.02, cap=0.3, reset_after=5.0)


@pytest.fixture
def small_cluster():
    return generate_scenario(pods=300, events=600, helmreleases=40, seed=7)


def server_view(sim, resource, namespaces=None) -> dict:
    """(namespace, name) -> resourceVersion, as the server has them."""
    return {(o["metadata"].get("namespace"), o["metadata"]["name"]): o["metadata"]["resourceVersion"]
            for o in sim.state.list(resource)
            if namespaces is None or o["metadata"].get("namespace") in namespaces}


def store_view(store, kind) -> dict:
    return {(o["metadata"].get("namespace"), o["metadata"]["name"]): o["metadata"]["resourceVersion"]
            for o in store.list(kind)}


async def eventually(predicate, timeout: float, what: str) -> float:
    """Seconds until predicate() holds; fails the test with `what` after timeout."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            pytest.fail(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - start
