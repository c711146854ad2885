"""Under dropped watches, 410s, 500s and latency, the store ends exactly equal to the server."""

from __future__ import annotations

import asyncio
import copy
import random

from kubetriage.cluster.source import ClusterSource
from kubetriage.sim.faults import Faults

from .conftest import EVENT, FAST_BACKOFF, HR, POD, eventually, server_view, store_view

CHANGES = 2400


async def play_timeline(state, rng: random.Random, changes: int) -> dict[str, int]:
    """Adds, updates and deletes of pods, events and HelmReleases, written to the server's state
    a few at a time so watches deliver in between. Returns how many of each were made."""
    made = {"add": 0, "update": 0, "delete": 0}
    templates = {r: state.list(r)[0] for r in (POD, EVENT, HR)}
    for i in range(changes):
        resource = rng.choice((POD, POD, EVENT, EVENT, HR))
        objs = state.list(resource)
        op = rng.choices(("add", "update", "delete"), (3, 5, 2))[0]
        if op == "add" or not objs:
            obj = copy.deepcopy(templates[resource])
            meta = obj["metadata"]
            for key in ("uid", "resourceVersion", "creationTimestamp"):
                meta.pop(key, None)
            meta["name"] = f"t-{i}"
            state.create(obj)
            op = "add"
        elif op == "update":
            obj = rng.choice(objs)
            state.patch_merge(resource, obj["metadata"]["namespace"], obj["metadata"]["name"],
                              {"metadata": {"annotations": {"kubetriage.test/step": str(i)}}})
        else:
            obj = rng.choice(objs)
            state.delete(resource, obj["metadata"]["namespace"], obj["metadata"]["name"])
        made[op] += 1
        if i % 8 == 0:
            await asyncio.sleep(0.002)
    return made


async def test_store_converges_exactly_under_faults(small_cluster):
    # every watch is cut after its first event (or a second), every 4th is answered 410
    faults = Faults(drop_watch_every=1, gone_watch_every=4, seed=3)
    source = await ClusterSource.open(demo=small_cluster, kinds=("Pod", "Event", "HelmRelease"),
                                      idle_timeout=3.0, backoff=FAST_BACKOFF,
                                      demo_options={"bookmark_interval": 0.5, "faults": faults})
    try:
        sim = source.demo
        await source.wait_synced(20)
        sub = source.store.subscribe()
        faults.error_rate, faults.latency = 0.05, 0.003  # after connecting: the probe must pass
        made = await play_timeline(sim.state, random.Random(5), CHANGES)
        assert sum(made.values()) == CHANGES and min(made.values()) > 300

        def converged() -> bool:
            return all(store_view(source.store, r.kind) == server_view(sim, r)
                       for r in (POD, EVENT, HR))

        await eventually(converged, 30, "the store equals the server")
        deleted = {c.name for c in sub.take().changes if c.type == "DELETED"}
        assert deleted, "deletes reached the store"
        assert not any(source.store.get(k, ns, n) for (k, ns, n) in
                       [(r.kind, *key) for r in (POD, EVENT, HR) for key in store_view(
                           source.store, r.kind) if key not in server_view(sim, r)])
        relists = sum(r.relists for r in source.reflectors)
        assert relists > 10, "410s forced relists"
        assert faults._watches > 100, "watches were dropped and resumed"
        faults.drop_watch_every = faults.gone_watch_every = 0
        faults.error_rate = 0
        await eventually(lambda: {s.phase for s in source.store.states().values()} == {"live"},
                         5, "every kind live once the faults stop")
    finally:
        await source.close()
