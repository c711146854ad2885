"""A restricted user sees what they may, and says what they may not; a stalled watch recovers."""

from __future__ import annotations

import asyncio

from kubetriage.cluster.source import ClusterSource
from kubetriage.sim.faults import Faults
from kubetriage.sim.rbac import Deny, Rbac

from .conftest import FAST_BACKOFF, POD, eventually, server_view, store_view


async def test_restricted_user_gets_the_two_permitted_namespaces_live(small_cluster):
    with_pods = sorted({o["metadata"]["namespace"] for o in small_cluster.dump.objects
                        if o["kind"] == "Pod"})
    allowed = with_pods[:2]
    denied = sorted({o["metadata"]["name"] for o in small_cluster.dump.objects
                     if o["kind"] == "Namespace"} - set(allowed))
    rbac = Rbac(deny=[Deny(verbs=("list", "watch"), namespaces=tuple(denied))])
    faults = Faults(forbid_cluster_wide=True)
    source = await ClusterSource.open(demo=small_cluster, kinds=("Namespace", "Pod", "Event"),
                                      backoff=FAST_BACKOFF,
                                      demo_options={"faults": faults, "rbac": rbac})
    try:
        sim = source.demo
        await source.wait_synced(20)
        assert store_view(source.store, "Pod") == server_view(sim, POD, allowed)
        assert store_view(source.store, "Pod")  # not an empty match
        line = source.store.not_visible["Pod"]
        assert line.startswith("not allowed across all namespaces (pods is forbidden: User "
                               '"kubetriage" cannot list resource "pods" in API group "" at the '
                               "cluster scope); ")
        assert line.endswith(f"showing namespaces {', '.join(allowed)} only; not allowed in "
                             f"{', '.join(denied)}")
        assert source.store.state("Pod").phase == "live"

        pod = sim.state.list(POD, allowed[1])[0]
        sim.state.patch_merge(POD, allowed[1], pod["metadata"]["name"],
                              {"metadata": {"labels": {"seen": "yes"}}})
        await eventually(lambda: (source.store.get("Pod", allowed[1], pod["metadata"]["name"])
                                  ["metadata"]["labels"].get("seen") == "yes"),
                         5, "a change in a permitted namespace arrives live")
    finally:
        await source.close()


async def test_stalled_watch_is_detected_and_recovered(small_cluster):
    # every watch stalls: the server sends the headers, then nothing, on an open connection
    faults = Faults(stall_watch_every=1)
    source = await ClusterSource.open(demo=small_cluster, kinds=("Pod",), idle_timeout=1.5,
                                      backoff=FAST_BACKOFF,
                                      demo_options={"faults": faults, "bookmark_interval": 0.3})
    try:
        sim = source.demo
        await source.wait_synced(20)
        await eventually(lambda: source.store.state("Pod").phase == "reconnecting", 5,
                         "the stalled watch is noticed")
        assert source.store.state("Pod").error == "no data for 1.5 s: watch presumed dead"
        pod = sim.state.list(POD)[0]
        sim.state.patch_merge(POD, pod["metadata"]["namespace"], pod["metadata"]["name"],
                              {"metadata": {"labels": {"during": "stall"}}})
        await asyncio.sleep(1)
        assert store_view(source.store, "Pod") != server_view(sim, POD)  # it really is stale
        assert source.store.stale_for() >= 1

        faults.stall_watch_every = 0
        await eventually(lambda: store_view(source.store, "Pod") == server_view(sim, POD), 5,
                         "the change made during the stall arrives")
        await eventually(lambda: source.store.state("Pod").phase == "live", 2, "live again")
        await asyncio.sleep(2)  # and stays live: bookmarks keep a quiet healthy watch alive
        assert source.store.state("Pod").phase == "live"
    finally:
        await source.close()
